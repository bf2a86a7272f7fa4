"""Check a zip container is a sound, safe XLSX workbook before calamine opens it.

An XLSX file is a zip archive of XML parts. Before any part is unzipped the
archive's directory is read and each part's declared sizes are checked: a
truncated or corrupt archive, a zip that is some other document, or a "zip
bomb" (a few kilobytes that unpack to gigabytes) is refused here. The XML
itself is parsed by python-calamine, whose parser does not expand entities
(see :mod:`anonymiser.reading.xlsx_file`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from anonymiser.errors import UnusableInput
from anonymiser.reading.limits import ReadLimits, describe_size

_SAVE_AS = "open it in Excel and save it as .xlsx or CSV (UTF-8), then check it again"
_SHARED_STRINGS = "xl/sharedStrings.xml"


def check_workbook_archive(path: Path, limits: ReadLimits) -> None:
    """Refuse ``path`` unless it is an intact XLSX archive within the size limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnusableInput(
            f"{path.name} is a damaged workbook (the file is cut short or corrupt): "
            "export it again, or open it in Excel and save a fresh copy."
        ) from None
    names = {member.filename for member in members}
    _check_is_workbook(path, names)
    _check_unpacked_sizes(path, members, limits)


def _check_is_workbook(path: Path, names: set[str]) -> None:
    """Refuse zips that are not Excel workbooks (Word, OpenDocument, binary .xlsb, plain zips)."""
    if "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        what = "a binary Excel workbook (.xlsb)"
    elif "word/document.xml" in names:
        what = "a Word document"
    elif "ppt/presentation.xml" in names:
        what = "a PowerPoint presentation"
    elif "mimetype" in names:
        what = "an OpenDocument file"
    else:
        what = "a zip archive"
    raise UnusableInput(f"{path.name} is {what}, not a CSV or XLSX file: {_SAVE_AS}.")


def _check_unpacked_sizes(path: Path, members: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    """Refuse archives whose parts would unpack too large or compress suspiciously well."""
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked_bytes:
        raise UnusableInput(_too_big(path, total, limits.max_unpacked_bytes))
    for member in members:
        if (
            member.filename == _SHARED_STRINGS
            and member.file_size > limits.max_shared_strings_bytes
        ):
            raise UnusableInput(_too_big(path, member.file_size, limits.max_shared_strings_bytes))
        if member.file_size < limits.ratio_floor_bytes:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise UnusableInput(
                f"{path.name} was refused: a part of it unpacks to {ratio:.0f} times its size "
                "(a zip bomb, or a damaged file). Open it in Excel, save it as CSV (UTF-8) "
                "and check that instead."
            )


def _too_big(path: Path, size: int, limit: int) -> str:
    return (
        f"{path.name} unpacks to {describe_size(size)}, over the {describe_size(limit)} limit "
        "for workbooks: save it as CSV (UTF-8), which is read faster, or raise the limit with "
        "--max-unpacked-size or ANONYMISER_MAX_UNPACKED_SIZE."
    )
