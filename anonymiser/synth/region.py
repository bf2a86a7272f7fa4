"""A whole synthetic region: every authority's two exports, edge cases and a manifest.

:func:`generate_region` writes, under one folder::

    region.json                                   what was generated (see below)
    <slug>/<slug>-placements-<period>.<csv|xlsx>  one per authority
    <slug>/<slug>-supplier-spend-<period>.<ext>
    <slug>/<slug>-<return>-mapping.toml           where the headers need one
    edge-cases/empty.csv, empty.xlsx, placements-headers-only.csv,
    edge-cases/supplier-spend-headers-only.xlsx

``region.json`` lets tests and the demo find files without guessing: for each
export its authority, return type, path, format, rows, seed, period, header
row, headers and the fields they stand for, the mess applied, planted errors
with their spreadsheet rows, and the mapping file if one is needed.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from anonymiser.synth.exports import ExportReport, run_date, write_export, write_mapping
from anonymiser.synth.headers import DIALECTS
from anonymiser.synth.people import shared_people
from anonymiser.synth.period import Period
from anonymiser.synth.providers import region_providers
from anonymiser.synth.styles import PROFILES, RETURN_TYPES, Format, profile_of
from anonymiser.synth.writers import CsvSink, XlsxSink

MANIFEST = "region.json"
EDGE_CASES = "edge-cases"
FormatChoice = Literal["csv", "xlsx", "mixed"]


def generate_region(
    out: Path,
    *,
    rows: int = 200,
    seed: int = 2026,
    period: str = "2026-Q2",
    fmt: FormatChoice = "mixed",
    authorities: Sequence[str] | None = None,
    on_written: Callable[[ExportReport], None] | None = None,
    corrected: bool = False,
) -> dict[str, Any]:
    """Write the region's exports under ``out`` and return the manifest written beside them.

    ``on_written`` is called after each export is complete (for progress output);
    ``corrected`` writes the exports without their planted data errors.
    """
    the_period = Period.parse(period)
    codes = [profile_of(a).code for a in authorities] if authorities else list(PROFILES)
    out.mkdir(parents=True, exist_ok=True)
    exports = []
    for code in codes:
        for return_type in RETURN_TYPES:
            report = _write_one(
                out,
                code,
                return_type,
                rows=rows,
                seed=seed,
                period=the_period,
                fmt=fmt,
                corrected=corrected,
            )
            exports.append(report)
            if on_written is not None:
                on_written(report)
    manifest = {
        **_header(seed=seed, rows=rows, period=the_period, fmt=fmt, codes=codes),
        "corrected": corrected,
        "exports": [report.to_json(out) for report in exports],
        "edge_cases": write_edge_cases(out / EDGE_CASES, the_period, root=out),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return manifest


def _header(
    *, seed: int, rows: int, period: Period, fmt: FormatChoice, codes: list[str]
) -> dict[str, Any]:
    """The manifest's description of the region as a whole."""
    return {
        "generator": "anonymiser synth",
        "seed": seed,
        "period": {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "rows_per_export": rows,
        "format": fmt,
        "authorities": [
            {"code": c, "name": PROFILES[c].name, "slug": PROFILES[c].slug} for c in codes
        ],
        "providers": len(region_providers(seed)),
        "shared_people": _shared_count(seed, rows, period, codes),
    }


def export_path(out: Path, authority: str, return_type: str, period: str, fmt: Format) -> Path:
    """Where the region puts one authority's export."""
    slug = profile_of(authority).slug
    return out / slug / f"{slug}-{return_type.replace('_', '-')}-{period}.{fmt}"


def _write_one(
    out: Path,
    code: str,
    return_type: str,
    *,
    rows: int,
    seed: int,
    period: Period,
    fmt: FormatChoice,
    corrected: bool = False,
) -> ExportReport:
    profile = PROFILES[code]
    chosen: Format = profile.style(return_type).fmt if fmt == "mixed" else fmt
    path = export_path(out, code, return_type, period.label, chosen)
    report = write_export(
        path,
        return_type=return_type,
        authority=code,
        rows=rows,
        seed=seed,
        period=period.label,
        fmt=chosen,
        corrected=corrected,
    )
    if not profile.style(return_type).mapping:
        return report
    name = f"{profile.slug}-{return_type.replace('_', '-')}-mapping.toml"
    mapping = write_mapping(path.parent / name, report)
    return dataclasses.replace(report, mapping=mapping)


def _shared_count(seed: int, rows: int, period: Period, codes: list[str]) -> int:
    """People placed by two authorities that are both in this region's files."""
    everyone = shared_people(seed, rows, period.end)
    indices = [list(PROFILES).index(code) for code in codes]
    both = [all(int(a) in indices for a in pair) for pair in everyone.authorities]
    return sum(both)


def write_edge_cases(folder: Path, period: Period, *, root: Path) -> list[dict[str, object]]:
    """An empty CSV, an empty workbook, and a headers-only file of each return type."""
    folder.mkdir(parents=True, exist_ok=True)
    created = run_date(period)
    empty_csv = folder / "empty.csv"
    empty_csv.write_bytes(b"")
    with XlsxSink(folder / "empty.xlsx", sheet="Sheet1", created=created):
        pass
    with CsvSink(folder / "placements-headers-only.csv") as sink:
        sink.write_line(list(DIALECTS["placements"]["short"].values()))
    with XlsxSink(
        folder / "supplier-spend-headers-only.xlsx", sheet="Sheet1", created=created
    ) as x:
        x.write_line(list(DIALECTS["supplier_spend"]["transparency"].values()))
    cases = (
        ("empty.csv", "empty", None, "csv"),
        ("empty.xlsx", "empty", None, "xlsx"),
        ("placements-headers-only.csv", "headers_only", "placements", "csv"),
        ("supplier-spend-headers-only.xlsx", "headers_only", "supplier_spend", "xlsx"),
    )
    return [
        {
            "path": (folder / name).relative_to(root).as_posix(),
            "kind": kind,
            "return_type": return_type,
            "format": fmt,
            "rows": 0,
        }
        for name, kind, return_type, fmt in cases
    ]
