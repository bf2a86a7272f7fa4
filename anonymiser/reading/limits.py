"""How much the reader will take on before refusing a file.

The limits protect a council laptop from a file that would exhaust its memory
or disk: a 2 GB export, or a workbook that is a few kilobytes on disk and
gigabytes once unzipped (a "zip bomb"). They are checked before anything is
parsed. The command line sets them from options or the environment
(``ANONYMISER_MAX_FILE_SIZE``, ``ANONYMISER_MAX_UNPACKED_SIZE``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KB = 1024
MB = 1024 * KB
GB = 1024 * MB

_UNITS = {"": 1, "b": 1, "k": KB, "kb": KB, "m": MB, "mb": MB, "g": GB, "gb": GB}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ReadLimits:
    """The caps applied to one file before and while it is read."""

    #: Largest file accepted on disk.
    max_file_bytes: int = 1 * GB
    #: Largest total size of a workbook's parts once unzipped.
    max_unpacked_bytes: int = 1 * GB
    #: Largest unzipped size of a workbook's shared strings (held in memory).
    max_shared_strings_bytes: int = 200 * MB
    #: Largest unzipped/zipped ratio of any workbook part over ``ratio_floor_bytes``.
    max_compression_ratio: float = 100.0
    #: Parts smaller than this unzipped are too small to matter for the ratio.
    ratio_floor_bytes: int = 1 * MB
    #: How many rows from the top are searched for the header row.
    header_search_rows: int = 30


def parse_size(text: str) -> int:
    """Read a size such as ``1GB``, ``500 MB``, ``1.5g`` or ``1048576`` as bytes."""
    match = _SIZE.match(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"{text!r} is not a size: write it like 1GB, 500MB or 1048576")
    return int(float(match.group(1)) * _UNITS[unit])


def describe_size(size: int) -> str:
    """Write a byte count the way an officer reads it: ``2.0 GB``, ``350 KB``."""
    for unit, factor in (("GB", GB), ("MB", MB), ("KB", KB)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"
