"""Shared-view returns for the hub's tests, the upload client's tests and the benchmark.

Builds valid shared rows of ``placements`` v1 and ``supplier_spend`` v1 with numpy (a
million rows in a few seconds; provider names from Faker with a fixed seed), writes them
as the shared CSV, and signs them into a return file with :func:`keys.write_return`,
exactly as ``anonymiser prepare`` does. Not a test module: imported by tests and by
``tests/benchmarks/bench_ingest.py``.
"""

from __future__ import annotations

import hashlib
import io
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from faker import Faker
from flask import Flask
from werkzeug.serving import make_server

from exchange.accounts import services as accounts
from exchange.accounts import tokens
from exchange.db import database, dispose, get_session
from exchange.picture.hooks import worker as picture_worker
from exchange.registry import services as registry
from exchange.returns.agreements import add_agreement
from keys import ManifestDraft, SignedReturn, SigningKey, write_return
from schemas import codes, get_schema
from schemas.generalise import AGE_BANDS
from schemas.geography import DISTRICTS

PERIOD = "2026-Q2"
MONTHS = ("2026-04", "2026-05", "2026-06")
ADULT = sorted(codes.ADULT_CARE_TYPES)
CHILD = sorted(codes.CHILD_CARE_TYPES)
WEEKLY_FREQUENCIES = ("weekly", "four_weekly", "monthly", "annual")


def _choice(rng: np.random.Generator, options: Sequence[str], n: int) -> np.ndarray:
    return np.asarray(list(options), dtype=object)[rng.integers(0, len(options), n)]


def _pseudonyms(rng: np.random.Generator, n: int, distinct: int | None = None) -> np.ndarray:
    """``v1:`` and 64 hex digits, ``distinct`` different ones (default: all different)."""
    count = distinct or n
    text = rng.bytes(32 * count).hex()
    pool = np.array(["v1:" + text[i * 64 : (i + 1) * 64] for i in range(count)], dtype=object)
    return pool if distinct is None else pool[rng.integers(0, count, n)]


PROVIDER_SEED = 5


def _providers(seed: int = PROVIDER_SEED, count: int = 300) -> list[str]:
    """The region's providers: one pool for every authority, so suppliers are shared."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return [f"{fake.last_name()} {fake.random_element(('Care', 'Lodge', 'House'))} Ltd"
            for _ in range(count)]  # fmt: skip


def _provider_ids(count: int = 300) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each provider's own CQC location id, Companies House id and price factor."""
    rng = np.random.default_rng(PROVIDER_SEED)
    cqc = np.char.add("1-", rng.integers(10**9, 10**10, count).astype(str)).astype(object)
    org = np.char.add("GB-COH-", rng.integers(10**7, 10**8, count).astype(str)).astype(object)
    return cqc, org, rng.uniform(0.7, 1.4, count)


def _money(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return np.char.mod("%.2f", rng.uniform(low, high, n)).astype(object)


def placements_frame(n: int, *, seed: int = 5) -> pd.DataFrame:
    """``n`` valid shared placements rows, every cell text (empty optional cells are None)."""
    rng = np.random.default_rng(seed)
    child = rng.random(n) < 0.25
    care = np.where(child, _choice(rng, CHILD, n), _choice(rng, ADULT, n))
    frequency = _choice(rng, (*WEEKLY_FREQUENCIES, "hourly"), n)
    hourly = frequency == "hourly"
    units = np.where(hourly, np.char.mod("%.1f", rng.uniform(1, 40, n)).astype(object), None)
    unit_cost = np.where(hourly, _money(rng, 15, 30, n), _money(rng, 400, 2500, n))
    with_nhs = rng.random(n) < 0.8
    cqc, org, factor = _provider_ids()
    provider = rng.integers(0, len(factor), n)
    columns = {
        "placement_ref_pseudonym": _pseudonyms(rng, n),
        "local_person_id_pseudonym": _pseudonyms(rng, n, distinct=max(n // 2, 1)),
        "nhs_number_pseudonym": np.where(with_nhs, _pseudonyms(rng, n, max(n // 2, 1)), None),
        "district": _choice(rng, sorted(DISTRICTS), n),
        "age_band": np.where(
            child, _choice(rng, list(AGE_BANDS)[:4], n), _choice(rng, list(AGE_BANDS)[4:], n)
        ),
        "sex": _choice(rng, ("female", "male"), n),
        "ethnicity": _choice(rng, sorted(codes.ETHNICITIES), n),
        "client_type": np.where(child, "child", "adult").astype(object),
        "care_type": care,
        "primary_support_reason": _choice(rng, sorted(codes.PRIMARY_SUPPORT_REASONS), n),
        "provider_name": np.asarray(_providers(), dtype=object)[provider],
        "provider_type": _choice(rng, ("private", "voluntary"), n),
        "cqc_location_id": cqc[provider],
        "ofsted_urn": None,
        "provider_org_id": org[provider],
        "procurement_route": _choice(rng, sorted(codes.PROCUREMENT_ROUTES), n),
        "start_month": _choice(rng, MONTHS, n),
        "end_month": None,
        "unit_cost": unit_cost,
        "cost_frequency": frequency,
        "planned_units_per_week": units,
        "health_contribution": None,
        "education_contribution": None,
        "quality_rating": _choice(rng, ("good", "outstanding", "requires_improvement"), n),
        "weekly_cost": np.char.mod("%.2f", rng.uniform(300, 2100, n) * factor[provider]).astype(
            object
        ),
    }
    frame = pd.DataFrame(columns).astype(object)
    return frame[[f.name for f in get_schema("placements", 1).shared_fields]]


def supplier_spend_frame(n: int, *, seed: int = 5) -> pd.DataFrame:
    """``n`` valid shared supplier spend rows, every cell text."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "body": "E06000015",
            "service_area": _choice(rng, ("Adult Social Care", "Children's Services"), n),
            "expense_type": _choice(rng, ("Residential care", "Home care"), n),
            "supplier_name": _choice(rng, _providers(), n),
            "supplier_id": None,
            "payment_month": _choice(rng, MONTHS, n),
            "transaction_number": np.char.add("T", np.arange(n).astype(str)).astype(object),
            "net_amount": _money(rng, -500, 25000, n),
        }
    ).astype(object)
    return frame[[f.name for f in get_schema("supplier_spend", 1).shared_fields]]


def frame_for(return_type: str, n: int, *, seed: int = 5) -> pd.DataFrame:
    """Valid shared rows of ``return_type``."""
    build = placements_frame if return_type == "placements" else supplier_spend_frame
    return build(n, seed=seed)


def shared_csv(frame: pd.DataFrame) -> bytes:
    """The frame as the anonymiser writes the shared CSV: RFC 4180, LF line ends, empty
    cells for None, a value quoted only when it holds a comma, quote or line break."""
    columns = [pa.array(frame[name].to_numpy(dtype=object), type=pa.string(), from_pandas=True)
               for name in frame.columns]  # fmt: skip
    if any(pc.any(pc.match_substring_regex(c, r'[",\r\n]')).as_py() for c in columns):
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue().encode("utf-8")
    sink = pa.BufferOutputStream()
    sink.write((",".join(frame.columns) + "\n").encode("utf-8"))
    table = pa.Table.from_arrays(columns, names=list(frame.columns))
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return sink.getvalue().to_pybytes()


def make_return(
    destination: Path,
    *,
    signing_key: SigningKey,
    authority: str = "E06000015",
    return_type: str = "placements",
    period: str = PERIOD,
    sequence: int = 1,
    rows: int = 20,
    payload: bytes | Path | None = None,
    supersedes: str | None = None,
    schema_version: int = 1,
    now: datetime | None = None,
    lifetime: timedelta = timedelta(days=14),
    compress: bool = False,
    seed: int = 5,
) -> SignedReturn:
    """Sign a return of ``rows`` valid shared rows (or the given payload) to ``destination``."""
    source: bytes | Path = (
        payload if payload is not None else shared_csv(frame_for(return_type, rows, seed=seed))
    )
    draft = ManifestDraft(
        authority=authority,
        return_type=return_type,
        schema_version=schema_version,
        period=period,
        sequence=sequence,
        disclosure_policy_sha256=get_schema(return_type, 1).policy_hash(),
        pseudonym_key_version=1,
        anonymiser_version="0.1.0",
        supersedes=supersedes,
    )
    chunks = [source] if isinstance(source, bytes) else source
    return write_return(
        destination,
        chunks,
        draft=draft,
        signing_key=signing_key,
        compress=compress,
        now=now,
        lifetime=lifetime,
    )


def signing_key(label: str) -> SigningKey:
    """A signing key from the SHA-256 of a label: reproducible, obviously not real."""
    return SigningKey.from_seed(hashlib.sha256(f"tests/returns/{label}".encode()).digest())


@dataclass(frozen=True)
class Officer:
    """A data officer ready to upload: their authority, API token and signing key."""

    authority: str
    token: str
    key: SigningKey

    @property
    def headers(self) -> dict[str, str]:
        """The bearer header for the officer's token."""
        return {"Authorization": f"Bearer {self.token}"}


def ready_authority(
    app: Flask,
    code: str = "E06000015",
    *,
    agreement: bool = True,
    return_types: Sequence[str] = ("placements", "supplier_spend"),
    key_valid_from: datetime | None = None,
    retention_months: int = 84,
) -> Officer:
    """Register ``code`` with a signing key, agreements and a data officer with a token."""
    key = signing_key(code)
    with app.app_context():
        session = get_session()
        registry.add_authority(session, code=code, name=None, successor_of=None, actor="test")
        registry.register_key(
            session, authority_code=code, public_key=key.public_key, purpose="signing",
            actor="test", valid_from=key_valid_from or datetime(2020, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        for return_type in return_types if agreement else ():
            add_agreement(
                session, authority_code=code, return_type=return_type, reference=f"ISA-{code}",
                purpose="Regional commissioning", start_date=date(2020, 1, 1),
                retention_months=retention_months, actor="test",
            )  # fmt: skip
        user = accounts.create_user(
            session, username=f"officer-{code}", password="a long enough test password",
            role="data_officer", authority_code=code, actor="test",
        )  # fmt: skip
        _, token = tokens.create_token(
            session, user=user, days=30, max_days=365, label="test", actor="test"
        )
        session.commit()
    return Officer(code, token, key)


@contextmanager
def serving(app: Flask, *, ssl_context: ssl.SSLContext | None = None) -> Iterator[str]:
    """The app behind a real threaded HTTP server on 127.0.0.1 (a free port); its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=ssl_context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if ssl_context is not None else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        _wait_for_requests_to_finish(app)


def close_app(app: Flask) -> None:
    """Let the app's background picture rebuilds finish, then close its connections.

    A rebuild still running when the test's database is dropped keeps a connection the
    disposed engine no longer knows; it is garbage-collected open in some later test."""
    assert picture_worker(app).wait(timeout=120), "a background picture rebuild never finished"
    dispose(app)


def _wait_for_requests_to_finish(app: Flask, seconds: float = 10) -> None:
    """Wait until no request thread holds a database connection.

    The server stops accepting at once, but a request it is still answering (a refused
    upload whose client has gone, say) keeps its connection; disposing of the engine
    then would orphan that connection, to be garbage-collected open in a later test."""
    pool = database(app).engine.pool
    checked_out = getattr(pool, "checkedout", lambda: 0)
    deadline = time.monotonic() + seconds
    while checked_out() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not checked_out(), "a request thread still holds a database connection"
