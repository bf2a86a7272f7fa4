"""Releases of the regional picture from real signed returns, on both databases: built when
returns are accepted, signed by the hub, protected, rebuilt and carried on supersede,
recomputable in full, empty for a period without returns, rebuilt in the background."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from exchange.audit.models import AuditEntry
from exchange.audit.tags import PICTURE_FRAMEWORK_UPLOAD
from exchange.db import get_session
from exchange.disclosure.attack import attack
from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.tables import COUNT_REASONS, TOTAL
from exchange.hub_key import current_hub_key
from exchange.picture import catalogue as cat
from exchange.picture.errors import BadFrameworkPrices, UnknownTable
from exchange.picture.frameworks import set_framework_prices
from exchange.picture.hooks import request_rebuild, worker
from exchange.picture.models import PictureRelease
from exchange.picture.store import (
    build_release,
    current_release,
    find_certificate,
    load_authority_view,
    load_table,
    recompute,
    release_periods,
)
from keys.signing import verify_signature
from keys.strict_json import canonical_json
from tests.exchange.returns_kit import PERIOD, Officer, make_return, ready_authority

CODES = ("E06000015", "E06000016", "E06000017")
RULES = DisclosureRules()


@dataclass
class Region:
    app: Flask
    client: FlaskClient
    officers: dict[str, Officer]
    hashes: dict[tuple[str, str], str]
    folder: Path

    def upload(self, code: str, return_type: str, **kwargs: Any) -> str:
        officer = self.officers[code]
        name = f"{code}-{return_type}-{kwargs.get('sequence', 1)}.return"
        make_return(self.folder / name, signing_key=officer.key, authority=code,
                    return_type=return_type, **kwargs)  # fmt: skip
        response = self.client.post(
            "/api/v1/returns", data=(self.folder / name).read_bytes(),
            headers={**officer.headers, "Content-Type": "application/octet-stream"},
        )  # fmt: skip
        assert response.status_code == 201, response.get_json()
        manifest_hash: str = response.get_json()["manifest_hash"]
        self.hashes[(code, return_type)] = manifest_hash
        return manifest_hash


def build_region(app: Flask, folder: Path, rows: int = 200) -> Region:
    region = Region(app, app.test_client(), {c: ready_authority(app, c) for c in CODES}, {}, folder)
    for number, code in enumerate(CODES):
        region.upload(code, "placements", rows=rows, seed=number + 1)
        region.upload(code, "supplier_spend", rows=40, seed=number + 1)
    return region


@pytest.fixture
def region(app_with: Callable[..., Flask], tmp_path: Path) -> Region:
    """Three authorities with placements and spend for 2026-Q2, the picture rebuilt inline."""
    return build_region(app_with(PICTURE_RECOMPUTE="inline"), tmp_path)


def test_accepted_returns_build_a_signed_release(region: Region) -> None:
    """Each accepted return rebuilds the period; the certificate is signed by the hub key."""
    with region.app.app_context():
        session = get_session()
        release = current_release(session, PERIOD)
        assert release is not None
        assert release.number == 2 * len(CODES)
        assert set(release.returns) == set(region.hashes.values())
        assert release.table_names == tuple(cat.TABLES)
        key = current_hub_key()
        verify_signature(key.public_key, canonical_json(release.certificate),
                         bytes.fromhex(release.signature))  # fmt: skip
        versions = release.certificate["key_versions"]
        assert versions["hub_key_id"] == key.key_id
        assert versions["pseudonym_key_versions"] == ["v1"]
        signing = {r["authority"]: r["signing_key_id"] for r in versions["returns"]}
        assert signing == {c: o.key.key_id for c, o in region.officers.items()}
        assert find_certificate(session, release.certificate_id) == release
        [summary] = release_periods(session)
        assert (summary.period, summary.release_number, summary.stale) == (PERIOD, release.number,
                                                                             False)  # fmt: skip


def test_every_table_is_populated_and_nothing_is_recoverable(region: Region) -> None:
    """Every table has rows; small cells are withheld; no withheld count can be worked out."""
    with region.app.app_context():
        session = get_session()
        tables = {name: load_table(session, PERIOD, name) for name in cat.TABLES}
        release = current_release(session, PERIOD)
    assert release is not None
    assert all(t is not None and t.rows for t in tables.values()), [
        n for n, t in tables.items() if t is None or not t.rows
    ]
    published = [t for t in tables.values() if t is not None]
    assert any(r in COUNT_REASONS for t in published for r in t.withheld.values())
    report = attack(published, RULES)
    assert report.cells_checked > 0
    assert report.recoverable == []
    assert release.certificate["attack"]["recoverable"] == []
    spend = tables[cat.SPEND_BY_AUTHORITY]
    assert spend is not None
    assert {r["authority"] for r in spend.rows} == {*CODES, TOTAL}
    completeness = tables[cat.COMPLETENESS]
    assert completeness is not None
    assert {r["authority"] for r in completeness.rows} == set(CODES)


def test_no_table_or_view_carries_a_pseudonym(region: Region) -> None:
    """Stored tables and authority views hold counts and labels, never a pseudonym."""
    with region.app.app_context():
        session = get_session()
        release = current_release(session, PERIOD, with_tables=True)
        view = load_authority_view(session, PERIOD, CODES[0])
    assert release is not None
    assert view is not None
    assert view.rows
    text = repr([t.to_document() for t in release.tables.values()]) + repr(view.to_document())
    assert "v1:" not in text


def withheld_counts(table: Any) -> set[tuple[Any, ...]]:
    return {
        (*(table.rows[i][d] for d in table.key), c)
        for (i, c), r in table.withheld.items()
        if r in COUNT_REASONS
    }


def test_a_correction_rebuilds_and_carries_suppression(region: Region) -> None:
    """A superseding return makes a new release; what was withheld stays withheld."""
    with region.app.app_context():
        before = current_release(get_session(), PERIOD, with_tables=True)
    assert before is not None
    region.upload(CODES[0], "placements", rows=200, seed=99, sequence=3,
                  supersedes=region.hashes[(CODES[0], "placements")])  # fmt: skip
    with region.app.app_context():
        session = get_session()
        after = current_release(session, PERIOD, with_tables=True)
        old = session.get(PictureRelease, before.id)
        assert old is not None
        assert old.status == "replaced"
    assert after is not None
    assert after.number == before.number + 1
    assert after.certificate["attack"]["violations"] == []
    for name in (cat.PLACEMENTS_BY_ROUTE, cat.PLACEMENTS_BY_CARE_TYPE, cat.SUPPLIER_PICTURE):
        old_cells, new_table = withheld_counts(before.tables[name]), after.tables[name]
        present = {(*(r[d] for d in new_table.key),) for r in new_table.rows}
        still_there = {cell for cell in old_cells if cell[:-1] in present}
        assert still_there <= withheld_counts(new_table), name


def test_full_recompute_equals_incremental(region: Region) -> None:
    """Rebuilding every period from scratch publishes the same tables as the hooks did."""
    with region.app.app_context():
        session = get_session()
        incremental = current_release(session, PERIOD, with_tables=True)
        [rebuilt] = recompute(session)
        full = current_release(session, PERIOD, with_tables=True)
    assert incremental is not None
    assert full is not None
    assert rebuilt.number == incremental.number + 1
    for name in cat.TABLES:
        assert full.tables[name].to_document() == incremental.tables[name].to_document(), name


def test_a_period_without_returns_is_empty_not_an_error(region: Region) -> None:
    """No returns: no release, load_table answers None, build_release does nothing."""
    with region.app.app_context():
        session = get_session()
        assert load_table(session, "2025-Q1", cat.SAVINGS) is None
        assert current_release(session, "2025-Q1") is None
        assert build_release(session, "2025-Q1") is None
        assert [p.period for p in release_periods(session)] == [PERIOD]
        with pytest.raises(UnknownTable):
            load_table(session, PERIOD, "no_such_table")


def test_framework_prices_are_validated_audited_and_used(region: Region) -> None:
    """A bad line is refused with its row and column; a good table is audited and used."""
    with region.app.app_context():
        session = get_session()
        bad = pd.DataFrame({"care_type": ["residential", "nursing"], "weekly_price": ["800", "x"]})
        with pytest.raises(BadFrameworkPrices, match="Row 3, column weekly_price"):
            set_framework_prices(session, bad, actor="lead")
        session.rollback()
        good = pd.DataFrame({"Care type": ["residential", "Long term nursing care"],
                             "Weekly price": ["£750.00", "1,000"]})  # fmt: skip
        assert set_framework_prices(session, good, actor="lead") == 2
        session.commit()
        request_rebuild(session)
        savings = load_table(session, PERIOD, cat.SAVINGS)
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.tag == PICTURE_FRAMEWORK_UPLOAD)
        ).all()
    assert savings is not None
    assert any("framework price" in n for n in savings.notes)
    assert len(audited) == 1
    assert audited[0].actor == "lead"


def test_background_mode_rebuilds_after_answering(
    app_with: Callable[..., Flask], tmp_path: Path
) -> None:
    """With background recompute the upload answers first; the worker then builds the release."""
    app = app_with(PICTURE_RECOMPUTE="background")
    region = Region(app, app.test_client(), {CODES[0]: ready_authority(app, CODES[0])}, {},
                    tmp_path)  # fmt: skip
    region.upload(CODES[0], "placements", rows=60, seed=1)
    assert worker(app).wait(timeout=120)
    with app.app_context():
        release = current_release(get_session(), PERIOD)
        [state] = release_periods(get_session())
    assert release is not None
    assert release.returns == tuple(region.hashes.values())
    assert not state.stale
    assert state.last_error is None


def test_cli_status_and_recompute(region: Region) -> None:
    """`exchange picture status` lists the period; `recompute` rebuilds it; bad input is refused."""
    runner = region.app.test_cli_runner()
    status = runner.invoke(args=["picture", "status"])
    assert status.exit_code == 0
    assert PERIOD in status.output
    assert "up to date" in status.output
    rebuilt = runner.invoke(args=["picture", "recompute", "--period", PERIOD])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert f"{PERIOD}: release {2 * len(CODES) + 1}" in rebuilt.output
    neither = runner.invoke(args=["picture", "recompute"])
    assert neither.exit_code == 1
    assert "--all" in neither.output
    unknown = runner.invoke(args=["picture", "recompute", "--period", "1999-Q1"])
    assert unknown.exit_code == 1
    assert "1999-Q1" in unknown.output


def test_recompute_in_processes_equals_one_by_one(region: Region) -> None:
    """A full recompute with two jobs (worker processes on PostgreSQL, one process on
    SQLite) publishes what rebuilding the periods one by one publishes."""
    for number, code in enumerate(CODES):
        region.upload(code, "placements", rows=120, seed=number + 7, period="2026-Q1",
                      sequence=3)  # fmt: skip
    with region.app.app_context():
        session = get_session()
        recompute(session)  # one by one (suppliers seen in 2026-Q1 now registered)
        one_by_one = {p: current_release(session, p, with_tables=True) for p in ("2026-Q1", PERIOD)}
        seen: list[str] = []
        rebuilt = recompute(session, jobs=2, progress=lambda period, _: seen.append(period))
        session.expire_all()
        fanned = {p: current_release(session, p, with_tables=True) for p in ("2026-Q1", PERIOD)}
    assert [r.period for r in rebuilt] == ["2026-Q1", PERIOD]
    assert sorted(seen) == ["2026-Q1", PERIOD]
    for period, before in one_by_one.items():
        after = fanned[period]
        assert before is not None
        assert after is not None
        assert after.number == before.number + 1
        assert after.certificate["attack"] == before.certificate["attack"]
        for name in cat.TABLES:
            assert after.tables[name].to_document() == before.tables[name].to_document(), name
