"""Resolving suppliers as councils name them to one regional identity each.

:func:`resolve_suppliers` takes observations (a name and, where known, a CQC location
id, an Ofsted URN and an organisation id) and answers the regional supplier id of each,
creating suppliers it has not met. In order:

1. **Identifiers.** An identifier the hub knows decides (organisation id before CQC
   location id before Ofsted URN). The observation's other, unknown identifiers and its
   name key are recorded against that supplier.
2. **Name.** Otherwise a known name key (:func:`~exchange.suppliers.normalise.name_key`)
   decides — unless both carry organisation ids that differ: two companies may share a
   name, and then the observation becomes a supplier of its own.
3. **New.** Otherwise a new supplier. Its name is scored against every known name
   (:mod:`exchange.suppliers.matching`); those scoring at least ``match_score`` become
   *pending* candidates for the regional lead (:mod:`exchange.suppliers.decisions`).
   A pair once proposed (and perhaps rejected) is not proposed again.

Empty names and the anonymiser's redaction marker are not suppliers (``<NA>``): the
name was withheld, and resolving the row through its identifiers would undo that.

Work is done on distinct observations only, with the known names and identifiers read
once and new rows written in bulk. The caller commits. On PostgreSQL a transaction
lock serialises concurrent resolutions (two roll-ups meeting the same new name); on
SQLite the write transaction does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
import structlog
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from exchange.db import utc_now
from exchange.suppliers.matching import similar_names
from exchange.suppliers.models import (
    CQC,
    IDENTIFIER,
    NEW,
    OFSTED,
    ORG,
    PENDING,
    SCHEMES,
    Supplier,
    SupplierCandidate,
    SupplierIdentifier,
    SupplierName,
)
from exchange.suppliers.normalise import identifier, is_stated, name_key

log = structlog.get_logger("exchange.suppliers")

#: Observation columns and the identifier scheme each carries.
COLUMNS = {"cqc_location_id": CQC, "ofsted_urn": OFSTED, "org_id": ORG}
#: The supplier column that shows each scheme's first identifier.
SUPPLIER_COLUMN = {CQC: "cqc_location_id", OFSTED: "ofsted_urn", ORG: "org_id"}
RESOLVE_LOCK_KEY = 0x7375707079  # "suppy"

Identifier = tuple[str, str]


@dataclass
class _Register:
    """What the hub knows, plus what this resolution adds (new suppliers: ids < 0)."""

    by_identifier: dict[Identifier, int]
    by_name: dict[str, int]
    orgs: dict[int, set[str]]
    shown: dict[int, dict[str, str | None]]
    proposed: set[tuple[str, int]]
    new_suppliers: dict[int, dict[str, str | None]] = field(default_factory=dict)
    new_identifiers: dict[Identifier, int] = field(default_factory=dict)
    new_names: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    shown_updates: dict[int, dict[str, str]] = field(default_factory=dict)


def resolve_suppliers(
    session: Session, observations: pd.DataFrame, *, match_score: int
) -> pd.Series:
    """The regional supplier id of each observation (``Int64``, same index; ``<NA>`` when
    the name is empty or redacted).

    ``observations`` has the columns ``name``, ``cqc_location_id``, ``ofsted_urn`` and
    ``org_id`` (strings; empty or missing where unknown; absent columns count as empty).
    """
    frame = _observations(observations)
    digest = pd.Series(pd.util.hash_pandas_object(frame, index=False).to_numpy())
    first = ~digest.duplicated().to_numpy()
    if not first.any():
        return pd.Series(pd.NA, index=observations.index, dtype="Int64")
    _lock(session)
    register = _load(session)
    provisional = {
        row_hash: _resolve_one(register, row)
        for row_hash, row in zip(
            digest.to_numpy()[first], frame.iloc[first].itertuples(index=False), strict=True
        )
    }
    real = _write(session, register, match_score=match_score)
    answers = {h: (real.get(s, s) if s is not None else None) for h, s in provisional.items()}
    resolved = digest.map(answers).astype("Int64")
    resolved.index = observations.index
    return resolved


def _observations(observations: pd.DataFrame) -> pd.DataFrame:
    """The four columns as strings, missing values as ""."""
    columns = {}
    for column in ("name", *COLUMNS):
        if column in observations:
            values = observations[column].astype("object")
            columns[column] = values.where(values.notna(), "").astype(str)
        else:
            columns[column] = pd.Series("", index=observations.index, dtype="object")
    return pd.DataFrame(columns, index=observations.index)


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RESOLVE_LOCK_KEY})


def _load(session: Session) -> _Register:
    merged: dict[int, int] = {
        supplier_id: into
        for supplier_id, into in session.execute(
            select(Supplier.id, Supplier.merged_into_id).where(Supplier.merged_into_id.is_not(None))
        )
        if into is not None
    }

    def root(supplier_id: int) -> int:
        seen = {supplier_id}
        while supplier_id in merged and merged[supplier_id] not in seen:
            supplier_id = merged[supplier_id]
            seen.add(supplier_id)
        return supplier_id

    by_identifier: dict[Identifier, int] = {}
    orgs: dict[int, set[str]] = {}
    rows = session.execute(
        select(SupplierIdentifier.scheme, SupplierIdentifier.value, SupplierIdentifier.supplier_id)
    )
    for scheme, value, supplier_id in rows:
        by_identifier[(scheme, value)] = root(supplier_id)
        if scheme == ORG:
            orgs.setdefault(root(supplier_id), set()).add(value)
    names = session.execute(select(SupplierName.name_key, SupplierName.supplier_id))
    shown = {
        supplier_id: {CQC: cqc, OFSTED: ofsted, ORG: org}
        for supplier_id, cqc, ofsted, org in session.execute(
            select(Supplier.id, Supplier.cqc_location_id, Supplier.ofsted_urn, Supplier.org_id)
        )
    }
    proposed = {
        (key, supplier_id)
        for key, supplier_id in session.execute(
            select(SupplierCandidate.name_key, SupplierCandidate.supplier_id)
        )
    }
    return _Register(
        by_identifier=by_identifier,
        by_name={key: root(supplier_id) for key, supplier_id in names},
        orgs=orgs,
        shown=shown,
        proposed=proposed,
    )


def _resolve_one(register: _Register, row: tuple[str, ...]) -> int | None:
    name, *values = row
    if not is_stated(name):
        return None
    key = name_key(name)
    ids = [
        (scheme, tidied)
        for scheme, value in zip(COLUMNS.values(), values, strict=True)
        if (tidied := identifier(value, scheme)) is not None
    ]
    ids.sort(key=lambda pair: SCHEMES.index(pair[0]))
    known = [register.by_identifier[pair] for pair in ids if pair in register.by_identifier]
    if known:
        supplier, how = known[0], IDENTIFIER
    elif key in register.by_name and not _org_conflict(register, register.by_name[key], ids):
        supplier, how = register.by_name[key], IDENTIFIER
    else:
        supplier = -(len(register.new_suppliers) + 1)
        register.new_suppliers[supplier] = {"display_name": name.strip()}
        register.shown[supplier] = {CQC: None, OFSTED: None, ORG: None}
        how = NEW
    if key not in register.by_name:
        register.by_name[key] = supplier
        register.new_names[key] = (supplier, name.strip(), how)
    _attach(register, supplier, ids)
    return supplier


def _org_conflict(register: _Register, supplier: int, ids: Iterable[Identifier]) -> bool:
    """Whether the observation's organisation id differs from the supplier's."""
    theirs = register.orgs.get(supplier)
    ours = {value for scheme, value in ids if scheme == ORG}
    return bool(theirs and ours and not theirs & ours)


def _attach(register: _Register, supplier: int, ids: Iterable[Identifier]) -> None:
    """Record identifiers no supplier has yet against ``supplier``."""
    for scheme, value in ids:
        if (scheme, value) in register.by_identifier:
            continue
        register.by_identifier[(scheme, value)] = supplier
        register.new_identifiers[(scheme, value)] = supplier
        if scheme == ORG:
            register.orgs.setdefault(supplier, set()).add(value)
        if register.shown[supplier][scheme] is None:
            register.shown[supplier][scheme] = value
            column = SUPPLIER_COLUMN[scheme]
            if supplier < 0:
                register.new_suppliers[supplier][column] = value
            else:
                register.shown_updates.setdefault(supplier, {})[column] = value


def _write(session: Session, register: _Register, *, match_score: int) -> dict[int, int]:
    """Insert what is new; answer the real id of each provisional (negative) one."""
    now = utc_now()
    real: dict[int, int] = {}
    if register.new_suppliers:
        provisional = sorted(register.new_suppliers, reverse=True)  # -1, -2, … creation order
        rows = [
            {"cqc_location_id": None, "ofsted_urn": None, "org_id": None, "created_at": now,
             **register.new_suppliers[p]}
            for p in provisional
        ]  # fmt: skip
        ids = session.scalars(
            insert(Supplier).returning(Supplier.id, sort_by_parameter_order=True), rows
        ).all()
        real = dict(zip(provisional, ids, strict=True))
    for supplier_id, values in register.shown_updates.items():
        session.execute(update(Supplier).where(Supplier.id == supplier_id).values(**values))
    if register.new_identifiers:
        session.execute(
            insert(SupplierIdentifier),
            [
                {"scheme": scheme, "value": value, "supplier_id": real.get(s, s)}
                for (scheme, value), s in register.new_identifiers.items()
            ],
        )
    if register.new_names:
        session.execute(
            insert(SupplierName),
            [
                {"name_key": key, "supplier_id": real.get(s, s), "example": example,
                 "how": how, "first_seen": now}
                for key, (s, example, how) in register.new_names.items()
            ],
        )  # fmt: skip
    candidates = _candidates(register, real, match_score=match_score)
    if candidates:
        session.execute(insert(SupplierCandidate), [{**c, "proposed_at": now} for c in candidates])
    log.info(
        "suppliers_resolved",
        new_suppliers=len(real),
        new_names=len(register.new_names),
        new_identifiers=len(register.new_identifiers),
        candidates=len(candidates),
    )
    return real


def _candidates(
    register: _Register, real: dict[int, int], *, match_score: int
) -> list[dict[str, object]]:
    """Pending candidates for the names that made new suppliers."""
    new = [key for key, (_, _, how) in register.new_names.items() if how == NEW]
    if not new:
        return []
    supplier_of = {key: real.get(s, s) for key, s in register.by_name.items()}
    best: dict[tuple[str, int], int] = {}
    for match in similar_names(new, list(supplier_of), score=match_score):
        mine, theirs = supplier_of[match.new], supplier_of[match.known]
        # Within one batch each pair is seen both ways: propose the later name to the
        # earlier supplier only.
        if theirs >= mine or (match.new, theirs) in register.proposed:
            continue
        best[(match.new, theirs)] = max(best.get((match.new, theirs), 0), match.score)
    return [
        {"name_key": key, "supplier_id": supplier, "score": score, "status": PENDING}
        for (key, supplier), score in sorted(best.items())
    ]
