"""One release of a period's picture: load, resolve suppliers, compute, attack, certify, sign.

:func:`assemble` does everything but store (:func:`exchange.picture.store.build_release`
stores). The certificate lists the rules, the key versions behind the release (each
return's authority signing key and pseudonymisation key version, and the hub key that
signs the certificate), every withheld cell, and the attacker's result over every count
table of the period together (so pairs of tables are covered). The hub signs the
certificate's canonical JSON with its own key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import structlog
from pandas.api.types import union_categoricals
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.config import current_settings
from exchange.db import utc_now
from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.tables import PublishedTable
from exchange.hub_key import current_hub_key
from exchange.picture.compute import (
    NOT_STATED,
    PRIVATE_INDIVIDUAL,
    PeriodInputs,
    carried_cells,
    compute_picture,
    label,
)  # fmt: skip
from exchange.picture.frameworks import framework_prices
from exchange.picture.loading import PeriodRows, ReturnUsed, load_period
from exchange.picture.quality import parse_quality_weights
from exchange.registry.models import Authority
from exchange.returns.errors import UnknownPeriod
from exchange.returns.models import ACCEPTED, Return
from exchange.returns.rows import known_schemas
from exchange.returns.tracker import period_status
from keys.strict_json import canonical_json
from schemas import REDACTION_MARKER

if TYPE_CHECKING:
    from exchange.disclosure.attack import AttackReport
    from exchange.picture.store import Release

log = structlog.get_logger("exchange.picture")


@dataclass(frozen=True)
class BuiltRelease:
    """Everything a new release stores."""

    created_at: datetime
    returns: tuple[str, ...]
    tables: dict[str, PublishedTable]
    authority_views: dict[str, PublishedTable]
    certificate: dict[str, Any]
    signature: str
    hub_key_id: str


def assemble(session: Session, period: str, *, previous: Release | None) -> BuiltRelease | None:
    """The period's new release, or ``None`` when it has no returns and no earlier release."""
    from exchange.disclosure.certificate import build_certificate

    rows = load_period(session, period)
    if not rows.returns and previous is None:
        return None
    settings = current_settings()
    rules = DisclosureRules.from_settings(settings)
    inputs = prepare(session, rows, settings=settings)
    carried = carried_cells(previous.tables) if previous is not None else {}
    computed = compute_picture(inputs, rules, carried)
    tables = {name: clean_table(t) for name, t in computed.tables.items()}
    report = attack_release(tables, previous.tables if previous is not None else None, rules)
    key = current_hub_key()
    created_at = utc_now()
    certificate = build_certificate(
        period=period, tables=list(tables.values()), rules=rules,
        key_versions=key_versions(rows.returns, hub_key_id=key.key_id), attack=report,
        created_at=created_at,
    )  # fmt: skip
    signature = key.sign(canonical_json(certificate)).hex()
    return BuiltRelease(
        created_at=created_at,
        returns=tuple(r.manifest_hash for r in rows.returns),
        tables=tables,
        authority_views={c: clean_table(v) for c, v in computed.authority_views.items()},
        certificate=certificate,
        signature=signature,
        hub_key_id=key.key_id,
    )


def attack_release(
    tables: Mapping[str, PublishedTable],
    previous: Mapping[str, PublishedTable] | None,
    rules: DisclosureRules,
) -> AttackReport:
    """The attacker over every count table of the release together (so every pair of
    tables is covered) and, with an earlier release, over both releases (differencing)."""
    from exchange.disclosure.attack import attack, attack_releases

    report = attack(list(tables.values()), rules)
    if previous:
        both = attack_releases(previous, tables, rules)
        report.violations = both.violations
        report.recoverable = [*report.recoverable, *both.recoverable]
        report.method = f"{report.method}; {both.method.rsplit('; ', 1)[-1]}"
    if not report.safe:
        log.error("picture_attack_found_cells", cells=len(report.recoverable),
                  violations=len(report.violations))  # fmt: skip
    return report


def key_versions(returns: Sequence[ReturnUsed], *, hub_key_id: str) -> dict[str, Any]:
    """The keys behind a release: the hub's, and each return's signing and pseudonym keys."""
    return {
        "hub_key_id": hub_key_id,
        "pseudonym_key_versions": sorted(
            {f"v{r.pseudonym_key_version}" for r in returns if r.pseudonym_key_version}
        ),
        "returns": [
            {
                "manifest_hash": r.manifest_hash,
                "authority": r.authority,
                "return_type": r.return_type,
                "signing_key_id": r.key_id,
                "pseudonym_key_version": r.pseudonym_key_version,
            }
            for r in returns
        ],
    }


def prepare(session: Session, rows: PeriodRows, *, settings: Any) -> PeriodInputs:
    """The period's rows with labels, regional suppliers and the tables' other inputs."""
    placements, spend = rows.placements, rows.spend
    split = len(placements)
    nothing = pd.Series(pd.Categorical([None] * len(spend)))
    observations = {
        "name": (placements["provider_name"], spend["supplier_name"]),
        "cqc_location_id": (placements["cqc_location_id"], nothing),
        "ofsted_urn": (placements["ofsted_urn"], nothing),
        "org_id": (placements["provider_org_id"], nothing),
    }
    ids, group_labels, groups = supplier_labels(session, observations, settings=settings)
    prepared = pd.DataFrame({
        "authority": _category(placements["authority"]),
        "person": placements["nhs_number_pseudonym"],
        "care_type": label(placements["care_type"]),
        "primary_support_reason": label(placements["primary_support_reason"]),
        "provider_type": label(placements["provider_type"]),
        "procurement_route": label(placements["procurement_route"]),
        "quality_rating": label(placements["quality_rating"]),
        "supplier": _labels_of(group_labels, groups[:split]),
        "supplier_id": ids[:split],
        "weekly_cost": placements["weekly_cost"].astype("float64"),
    }, index=placements.index)  # fmt: skip
    prepared_spend = pd.DataFrame({
        "authority": spend["authority"].astype(object),
        "service_area": label(spend["service_area"]),
        "supplier": group_labels.take(groups[split:]),
        "supplier_id": ids[split:],
        "net_amount": spend["net_amount"].astype("float64").fillna(0.0),
    }, index=spend.index)  # fmt: skip
    completeness, expected = completeness_rows(session, rows.period)
    return PeriodInputs(
        period=rows.period,
        placements=prepared,
        spend=prepared_spend,
        framework=framework_prices(session),
        quality_weights=parse_quality_weights(settings.picture_quality_weights),
        authorities=sorted(set(expected) | {r.authority for r in rows.returns}),
        completeness=completeness,
    )


def _category(values: pd.Series) -> pd.Series:
    return values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")


def _labels(values: pd.Series) -> pd.Index:
    """The text values a column holds (its categories if categorical)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pd.Index(values.cat.categories.astype(object), dtype=object)
    return pd.Index(values.dropna().unique(), dtype=object)


def _labels_of(group_labels: np.ndarray[Any, Any], groups: np.ndarray[Any, Any]) -> pd.Categorical:
    """Per-row labels as a categorical of the labels that occur, sorted."""
    used = np.unique(groups)
    categories = pd.Index(sorted(set(group_labels[used])), dtype=object)
    return pd.Categorical.from_codes(
        categories.get_indexer(group_labels)[groups], categories=categories
    )


def _text_codes(parts: Sequence[pd.Series]) -> tuple[np.ndarray[Any, Any], pd.Index]:
    """Integer codes of ``parts`` end to end (0: empty or missing) and the values coded."""
    union = union_categoricals([p.astype(pd.CategoricalDtype(_labels(p))) for p in parts])
    names = pd.Index([""], dtype=object).append(union.categories.astype(object))
    codes = union.codes.astype("int64") + 1
    empty = np.flatnonzero(names == "")
    if len(empty) > 1:  # an empty string category: the same as missing
        codes[np.isin(codes, empty)] = 0
    return codes, names


def supplier_labels(
    session: Session,
    observations: Mapping[str, Sequence[pd.Series]],
    *,
    settings: Any,
) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Each observation's regional supplier id and label (display name, or why not).

    ``observations`` maps the resolver's columns to the parts (placements, spend) whose
    rows, end to end, are the observations. Only distinct observations (in order of first
    appearance) go to the resolver. Returns the ids (``Int64``), a label per distinct
    observation, and each row's distinct observation.
    """
    from exchange.suppliers.models import Supplier
    from exchange.suppliers.resolve import resolve_suppliers

    coded = {column: _text_codes(parts) for column, parts in observations.items()}
    key: np.ndarray[Any, Any] | None = None
    for codes, names in coded.values():
        key = codes if key is None else pd.factorize(key * len(names) + codes)[0]
    assert key is not None
    groups, _ = pd.factorize(key)  # numbered in order of first appearance
    first = np.unique(groups, return_index=True)[1]
    distinct = pd.DataFrame(
        {column: names.take(codes[first]) for column, (codes, names) in coded.items()}
    )
    resolved = resolve_suppliers(session, distinct, match_score=int(settings.supplier_match_score))
    shown = dict(session.execute(select(Supplier.id, Supplier.display_name)).all())
    merged: dict[int, int] = {
        i: into
        for i, into in session.execute(select(Supplier.id, Supplier.merged_into_id))
        if into is not None
    }
    final = {i: _follow(i, merged) for i in shown}
    names_of = {i: shown[i] for i in set(final.values())}
    repeated = pd.Series(names_of, dtype=object)
    clashing = set(repeated.index[repeated.duplicated(keep=False)])
    text = {i: f"{shown[i]} (#{i})" if i in clashing else shown[i] for i in names_of}
    per_group = pd.Series(resolved.to_numpy(), dtype="Int64").map(final).astype("Int64")
    redacted = np.where(distinct["name"] == REDACTION_MARKER, PRIVATE_INDIVIDUAL, NOT_STATED)
    labels = per_group.map(text).astype(object)
    labels = labels.where(labels.notna(), pd.Series(redacted, index=labels.index))
    ids = per_group.array.take(groups)
    return ids, labels.to_numpy(dtype=object), groups


def _follow(supplier: int, merged: Mapping[int, int]) -> int:
    seen = {supplier}
    while supplier in merged and merged[supplier] not in seen:
        supplier = merged[supplier]
        seen.add(supplier)
    return supplier


def completeness_rows(session: Session, period: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Tracker rows per return type for the period, and the authorities expected."""
    rows: list[dict[str, Any]] = []
    expected: set[str] = set()
    for return_type in sorted(known_schemas()):
        try:
            status = period_status(session, return_type=return_type, period=period)
        except UnknownPeriod:
            rows.extend(_untracked(session, return_type, period))
            continue
        for state in status.authorities:
            expected.add(state.code)
            rows.append({
                "return_type": return_type, "authority": state.code,
                "authority_name": state.name, "state": state.state,
                "received": state.received_at.date().isoformat() if state.received_at else None,
                "summary": f"{return_type}: {status.summary}",
            })  # fmt: skip
    return rows, sorted(expected)


def _untracked(session: Session, return_type: str, period: str) -> list[dict[str, Any]]:
    found = session.execute(
        select(Authority.code, Authority.name, Return.received_at)
        .join(Authority, Authority.id == Return.authority_id)
        .where(
            Return.return_type == return_type, Return.period == period, Return.status == ACCEPTED
        )
        .order_by(Authority.code)
    ).all()
    return [
        {
            "return_type": return_type,
            "authority": code,
            "authority_name": name,
            "state": "received",
            "received": received.date().isoformat(),
            "summary": f"{return_type}: the tracker does not follow {period}; "
            f"{len(found)} authorities returned",
        }
        for code, name, received in found
    ]


def clean_table(table: PublishedTable) -> PublishedTable:
    """The table with plain JSON values: numpy scalars as Python, NaN as ``None``."""
    table.rows = [{k: _plain(v) for k, v in row.items()} for row in table.rows]
    return table


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value
