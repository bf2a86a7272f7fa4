"""Read an authority's CSV or XLSX export as a return, or say clearly why it cannot be read.

    read_return(path, schema, mapping_file=..., limits=..., alternatives=...) -> ReturnFile

The file's kind comes from its bytes, never its name. The header row is found
below any preamble; columns are mapped to the schema's fields by their common
names or a mapping file; rows come back as text indexed by the row number
Excel shows, so that every problem can be pointed at a cell the officer can
find. Files that cannot be used raise :class:`anonymiser.errors.UnusableInput`.
"""

from __future__ import annotations

from anonymiser.reading.limits import ReadLimits, parse_size
from anonymiser.reading.mapping import ColumnMapping, ColumnMatch, DroppedColumn
from anonymiser.reading.reader import ReturnFile, read_return
from anonymiser.reading.sniffing import FileKind

__all__ = [
    "ColumnMapping",
    "ColumnMatch",
    "DroppedColumn",
    "FileKind",
    "ReadLimits",
    "ReturnFile",
    "parse_size",
    "read_return",
]
