"""The disclosure certificate every download carries.

It says, for one release of a period: the rules and thresholds applied (and the
method's version), the keys involved (the pseudonymisation key of each return used and
the hub's signing key), every withheld cell of every table with its row's key values,
its column, its reason and what the reason means, and the attacker check's result. An
IG officer can check a table against it without reading code.

The certificate's ``id`` is the SHA-256 of its canonical JSON (sorted keys, no spaces,
UTF-8) without the ``id`` itself, so a stored certificate can be checked with
:func:`certificate_id`, and signed over :func:`canonical_bytes`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from exchange.disclosure.attack import AttackReport
from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.tables import REASONS, PublishedTable, mark

FORMAT = "disclosure-certificate/1"


def build_certificate(
    *,
    period: str,
    tables: Sequence[PublishedTable],
    rules: DisclosureRules,
    key_versions: Mapping[str, Any],
    attack: AttackReport | None,
    created_at: datetime | date | str,
) -> dict[str, Any]:
    """The certificate (JSON-ready) of ``tables`` published for ``period``."""
    created = created_at.isoformat() if isinstance(created_at, date | datetime) else created_at
    document: dict[str, Any] = {
        "format": FORMAT,
        "period": period,
        "created_at": created,
        "rules": rules.as_dict(),
        "rules_text": rules_text(rules),
        "key_versions": _plain(dict(key_versions)),
        "reasons": {r: {"mark": mark(r), "meaning": m} for r, m in REASONS.items()},
        "tables": [_table_entry(t) for t in tables],
        "attack": attack.as_dict() if attack is not None else None,
    }
    document["id"] = certificate_id(document)
    return document


def rules_text(rules: DisclosureRules) -> list[str]:
    """The rules in words, with this deployment's thresholds."""
    lines = [
        f"Counts of people or placements from 1 to {rules.count_threshold} are withheld "
        "([c], primary); 0 is published.",
        "Further counts are withheld ([c], secondary) so that no withheld count can be worked "
        "out from row, column or table totals or from another table of the same release.",
        "A count withheld in an earlier release of the period stays withheld ([c], carried).",
    ]
    if rules.round_to:
        lines.append(
            f"Published counts are rounded to the nearest {rules.round_to}; totals are "
            "rounded from exact totals."
        )
    lines.append(
        f"Cost statistics are published only where at least {rules.min_cost_sample} "
        f"placements and at least {rules.min_cost_authorities} authorities contribute and no "
        f"authority contributes more than {rules.max_authority_share:.0%} of the placements "
        "([x])."
    )
    return lines


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """The canonical JSON of a certificate (what its id hashes and its signature covers)."""
    content = {k: v for k, v in document.items() if k != "id"}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def certificate_id(document: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of the certificate's canonical content."""
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def certificate_text(cert: Mapping[str, Any]) -> str:
    """The certificate as plain text (for a CSV companion or a spreadsheet sheet)."""
    lines = [
        "Disclosure certificate",
        f"Certificate: {cert['id']}",
        f"Period: {cert['period']}",
        f"Created: {cert['created_at']}",
        f"Method version: {cert['rules'].get('version', '')}",
        "",
        "Rules applied:",
        *(f"- {line}" for line in cert.get("rules_text", [])),
        "",
        "Keys:",
        *(f"- {name}: {_text(value)}" for name, value in sorted(cert["key_versions"].items())),
        "",
        "Marks:",
        *(f"- {r['mark']} {name}: {r['meaning']}" for name, r in cert["reasons"].items()),
    ]
    for table in cert["tables"]:
        lines += [
            "",
            f"Table {table['name']} ({table['title']}): {table['cells']} cells, "
            f"{len(table['withheld'])} withheld",
        ]
        for cell in table["withheld"]:
            where = ", ".join(f"{k}={v}" for k, v in cell["key"].items()) or f"row {cell['row']}"
            lines.append(f"- {where}; {cell['column']}: {cell['mark']} {cell['reason']}")
    attack = cert.get("attack")
    lines += ["", "Attacker check:"]
    if attack is None:
        lines.append("- not run for this download")
    else:
        lines.append(f"- {attack['cells_checked']} withheld counts checked; {attack['method']}")
        lines.append(
            f"- recoverable: {len(attack['recoverable'])}; "
            f"release violations: {len(attack['violations'])}"
        )
    return "\n".join(lines) + "\n"


def _table_entry(table: PublishedTable) -> dict[str, Any]:
    withheld = []
    for (row, column), reason in sorted(table.withheld.items()):
        values = table.rows[row] if 0 <= row < len(table.rows) else {}
        withheld.append(
            {
                "row": row,
                "key": {k: _plain(values.get(k)) for k in table.key},
                "column": column,
                "reason": reason,
                "mark": mark(reason),
                "explanation": REASONS.get(reason, reason),
            }
        )
    return {
        "name": table.name,
        "title": table.title,
        "cells": len(table.rows) * len(table.columns),
        "withheld": withheld,
    }


def _plain(value: Any) -> Any:
    """JSON-ready: numpy scalars unwrapped, datetimes as ISO text, containers recursed."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)
