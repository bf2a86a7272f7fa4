"""A synthetic region to rehearse with: raw exports as the authorities' systems produce them.

``anonymiser synth`` and the benchmarks use this package to write, for each of
the region's authorities, a placements export and a supplier spend export,
realistic and reproducible (same seed, same bytes), messy the way real exports
are, and streamed so a million rows never sit in memory. Nothing in them is
real: NHS numbers are from the 999 test range, providers are invented.

Public entry points::

    generate_region(out, rows=200, seed=2026, period="2026-Q2", fmt="mixed",
                    authorities=None) -> dict      # writes region.json too
    write_placements_export(path, authority=..., rows=..., seed=..., period=...,
                            fmt="csv", mess=True) -> ExportReport
    write_spend_export(path, ...same...) -> ExportReport
"""

from __future__ import annotations

from anonymiser.synth.exports import (
    ExportReport,
    write_export,
    write_placements_export,
    write_spend_export,
)
from anonymiser.synth.region import MANIFEST, export_path, generate_region

__all__ = [
    "MANIFEST",
    "ExportReport",
    "export_path",
    "generate_region",
    "write_export",
    "write_placements_export",
    "write_spend_export",
]
