"""Large exports are written as a stream: memory stays flat as rows grow."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from anonymiser.synth import write_export

CHUNK = 2_000


def _write(path: Path, rows: int) -> None:
    write_export(
        path,
        return_type="placements",
        authority="Derby",
        rows=rows,
        seed=11,
        period="2026-Q2",
        fmt="csv",
        chunk_rows=CHUNK,
    )


def _peak(path: Path, rows: int) -> int:
    """Peak traced memory while writing ``rows`` placements, ``CHUNK`` rows at a time."""
    tracemalloc.start()
    try:
        _write(path, rows)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_ten_times_the_rows_needs_no_more_memory(tmp_path: Path) -> None:
    """Writing ten chunks peaks at about what writing one does: rows are never held together."""
    _write(tmp_path / "warm.csv", 10)  # name pools and the NHS test range are built once
    one_chunk = _peak(tmp_path / "one.csv", CHUNK)
    ten_chunks = _peak(tmp_path / "ten.csv", 10 * CHUNK)
    assert (tmp_path / "ten.csv").stat().st_size > 9 * (tmp_path / "one.csv").stat().st_size
    assert ten_chunks < 1.5 * one_chunk + 2**20
