"""What the preview says, section by section, independent of how it is drawn.

The HTML page (:mod:`.html`) and the terminal text (:mod:`.text`) draw the same sections
from a preview document (:mod:`.document`), so the two never disagree. A section is a
title, a few lines and tables of plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

ACTION_ORDER = (
    "dropped",
    "pseudonymised",
    "generalised",
    "derived",
    "redacted if an individual",
    "kept",
)


@dataclass(frozen=True)
class Table:
    """Headings and rows of plain values."""

    headings: tuple[str, ...]
    rows: Sequence[Sequence[object]]
    caption: str | None = None


@dataclass(frozen=True)
class Section:
    """One part of the preview."""

    title: str
    lines: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def number(value: float) -> str:
    """A figure as people read it: thousands separated, shares to three places."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.3f}"
    return f"{int(value):,}"


def banners(document: dict[str, Any]) -> list[tuple[str, str]]:
    """Notices shown first: (style, text), style one of ok, warn, bad."""
    out = []
    verification = document.get("verification")
    if verification:
        style = "ok" if verification["verified"] else "bad"
        out.append((style, verification["message"]))
    if document.get("rehearsal"):
        out.append(
            (
                "warn",
                "REHEARSAL: made from test data (NHS numbers in the 999 range were accepted). "
                "Do not send it as a real return.",
            )
        )
    for note in document.get("notes", []):
        out.append(("warn", note))
    return out


def all_sections(document: dict[str, Any]) -> list[Section]:
    """Every section the document has material for, in reading order."""
    makers = (
        _summary,
        _fields,
        _unknown,
        _suppliers,
        _scan,
        _risk,
        _remediation,
        _queries,
        _payload,
        _manifest,
    )
    return [section for maker in makers if (section := maker(document)) is not None]


def _summary(document: dict[str, Any]) -> Section | None:
    manifest = document.get("manifest")
    if not manifest:
        return None
    lines = [
        f"{manifest['return_type']} return (schema v{manifest['schema_version']}) of "
        f"{manifest['authority']} for {manifest['period']}, sequence {manifest['sequence']}: "
        f"{manifest['payload']['rows']:,} rows leave the authority."
    ]
    source = document.get("source")
    if source:
        sheet = f', sheet "{source["sheet"]}"' if source.get("sheet") else ""
        lines.append(
            f"Made from {source['file']}{sheet} ({source['rows']:,} rows, header in row "
            f"{source['header_row']})."
        )
    fields = document.get("fields") or []
    if fields:
        counts = {
            action: sum(1 for f in fields if f["action"] == action and f["in_file"])
            for action in ACTION_ORDER
        }
        lines.append(
            "Fields: " + ", ".join(f"{n} {action}" for action, n in counts.items() if n) + "."
        )
    if manifest.get("supersedes"):
        lines.append(f"It supersedes the return with manifest hash {manifest['supersedes']}.")
    return Section("Summary", lines)


def _fields(document: dict[str, Any]) -> Section | None:
    fields = document.get("fields")
    if not fields:
        return None
    rows = [
        (
            f["column"] or "",
            f["header"] or "(not in the file)",
            f["field"],
            f["policy"],
            f["action"],
            f["leaves_as"] or "(nothing)",
            f["values_in"],
            f["values_out"],
            f["redacted"] if f["redacted"] else "",
        )
        for f in fields
    ]
    headings = (
        "Column",
        "Header",
        "Field",
        "Policy",
        "What happened",
        "Leaves as",
        "Values in",
        "Values out",
        "Redacted",
    )
    return Section(
        "What happens to each field",
        [
            "Values in: filled cells in the export. Values out: filled cells that leave "
            "(after any suppression)."
        ],
        [Table(headings, rows)],
    )


def _unknown(document: dict[str, Any]) -> Section | None:
    if "unknown_columns" not in document:
        return None
    columns = document["unknown_columns"]
    if not columns:
        return Section(
            "Columns the schema does not know", ["None: every column was read as a field."]
        )
    rows = [(c["column"], c["header"] or "(no header)", c["reason"]) for c in columns]
    return Section(
        "Columns the schema does not know",
        [f"{len(rows)} column(s) dropped: nothing in them leaves the authority."],
        [Table(("Column", "Header", "Why"), rows)],
    )


def _suppliers(document: dict[str, Any]) -> Section | None:
    suppliers = document.get("suppliers")
    if suppliers is None:
        return None
    decided = suppliers["individuals"]
    lines = [
        f"{len(decided)} distinct name(s) decided to be private individuals, redacted to "
        f"the marker; {suppliers['names_kept']:,} organisation name(s) kept.",
        "If a name below is an organisation, add it to organisations in the suppliers list "
        "(anonymiser.toml [suppliers]) and prepare again.",
    ]
    rows = [(d["field"], d["name"], d["rows"], d["reason"]) for d in decided]
    tables = [Table(("Field", "Name", "Rows", "Why"), rows)] if rows else []
    return Section("Supplier and provider names redacted", lines, tables)


_KIND_NAMES = {"nhs_number": "NHS number", "phone": "phone number"}


def _scan(document: dict[str, Any]) -> Section | None:
    if "scanned_columns" not in document:
        return None
    scanned = document["scanned_columns"]
    lines = [
        f"Kept text scanned for identifiers: {', '.join(scanned)}; none found."
        if scanned
        else "No kept text column to scan for identifiers."
    ]
    chance = document.get("chance_matches") or []
    tables = []
    if chance:
        lines.append(
            "Let through as finance references, not identifiers: in these columns nearly every "
            "value is a reference of the same number of digits, and about as many pass for an "
            "NHS number (1 in 11 random ten-digit numbers do) or a phone number as chance "
            "gives. An NHS number typed bare into such a column cannot be told from a "
            "reference: check the column holds only references."
        )
        rows = [
            (
                _or_dash(c["column"]),
                c["header"] or c["field"],
                _KIND_NAMES.get(c["kind"], c["kind"]),
                c["digits"],
                c["passing"],
                c["references"],
            )
            for c in chance
        ]
        tables.append(
            Table(("Column", "Header", "Passed for", "Digits", "Values passing", "Of"), rows)
        )
    return Section("Identifier scan", lines, tables)


def _risk(document: dict[str, Any]) -> Section | None:
    risk = document.get("risk")
    if not risk:
        return None
    report = risk["report"]
    sizes = list(report["records_by_group_size"].items())
    per_field = [
        (
            f["field"],
            f["distinct_values"],
            f["missing"],
            f["smallest_group_alone"],
            f["records_below_k_without_it"],
        )
        for f in report["fields"]
    ]
    headings = (
        "Field",
        "Distinct values",
        "Missing",
        "Smallest group on its own",
        "Records below k without it",
    )
    return Section(
        "Re-identification risk (after remediation)",
        [],
        [
            Table(("Figure", "Value"), _risk_figures(report)),
            Table(("Group size", "Records"), sizes, "Records by the size of their group"),
            Table(headings, per_field),
        ],
    )


def _risk_figures(report: dict[str, Any]) -> list[tuple[str, object]]:
    return [
        ("Records", report["records"]),
        ("Quasi-identifiers", ", ".join(report["quasi_identifiers"])),
        ("Agreed k", report["k_threshold"]),
        ("Smallest group (k)", report["smallest_group"]),
        ("Groups", report["groups"]),
        ("Records in groups below k", report["records_below_k"]),
        ("Share below k", f"{report['share_below_k']:.1%}"),
        ("Average risk", report["average_risk"]),
        ("Highest risk", report["max_risk"]),
        ("Cost bands in the least diverse group (l)", _or_dash(report["l_diversity"])),
        ("Required l", _or_dash(report["l_threshold"])),
        ("Passed", "yes" if report["passed"] else "NO"),
    ]


def _remediation(document: dict[str, Any]) -> Section | None:
    risk = document.get("risk")
    if not risk:
        return None
    log = risk["remediation"]
    before = log["before"]
    lines = [
        f"Mode {log['mode']}. Before: k = {before['smallest_group']}, "
        f"{before['records_below_k']:,} record(s) in groups below k."
    ]
    if not log["steps"]:
        lines.append("Nothing needed changing.")
        return Section("Remediation", lines)
    lines.append(
        f"{log['records_suppressed']:,} record(s) had values blanked "
        f"({log['cells_suppressed']:,} cells)."
    )
    rows = [
        (
            step["action"],
            step["field"],
            f"{step['from_level']} -> {step['to_level']}"
            if step["action"] == "generalise"
            else f"{step['cells']:,} cells blanked ({step['reason']})",
            step["records_at_risk_before"],
            step["records_at_risk_after"],
        )
        for step in log["steps"]
    ]
    return Section(
        "Remediation",
        lines,
        [Table(("Action", "Field", "Change", "At risk before", "At risk after"), rows)],
    )


def _queries(document: dict[str, Any]) -> Section | None:
    if "queries" not in document:
        return None
    queries = document["queries"]
    if not queries:
        return Section("Queries", ["None."])
    rows = [(q["code"], q["field"] or "", q["count"]) for q in queries]
    return Section(
        "Queries",
        ["Queries do not stop a return; `anonymiser check` lists each one with its cell."],
        [Table(("Code", "Field", "Rows"), rows)],
    )


def _payload(document: dict[str, Any]) -> Section | None:
    payload = document.get("payload_summary")
    if not payload:
        return None
    rows = [(c["column"], c["filled"], c["distinct"]) for c in payload["columns"]]
    tables = [Table(("Column that leaves", "Filled", "Distinct values"), rows)]
    if payload.get("head"):
        tables.append(
            Table(
                tuple(payload["head"]["columns"]),
                payload["head"]["rows"],
                "The first rows, as the hub will read them",
            )
        )
    return Section(
        "What leaves, read back from the return file", [f"{payload['rows']:,} rows."], tables
    )


def _manifest(document: dict[str, Any]) -> Section | None:
    manifest = document.get("manifest")
    if not manifest:
        return None
    payload = manifest["payload"]
    rows = [
        ("Authority", manifest["authority"]),
        (
            "Return type and schema version",
            f"{manifest['return_type']} v{manifest['schema_version']}",
        ),
        ("Period", manifest["period"]),
        ("Sequence", manifest["sequence"]),
        ("Created", manifest["created_at"]),
        ("Expires", manifest["expires_at"]),
        ("Signing key", manifest["key_id"]),
        ("Disclosure policy hash", manifest["disclosure_policy_sha256"]),
        ("Pseudonym key version", _or_dash(manifest["pseudonym_key_version"])),
        ("Payload", f"{payload['format']}, {payload['length']:,} bytes, {payload['rows']:,} rows"),
        ("Payload sha256", payload["sha256"]),
        ("Supersedes", manifest["supersedes"] or "-"),
        ("Manifest hash", document.get("manifest_sha256", "")),
        ("Made by", f"anonymiser {manifest['anonymiser_version']}"),
    ]
    return Section("Manifest (what is signed)", [], [Table(("Field", "Value"), rows)])


def _or_dash(value: object) -> object:
    return "-" if value is None else value
