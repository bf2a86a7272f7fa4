"""Tell what a file really is from its first bytes, whatever its name says.

Officers rename files: a PDF saved as ``.csv``, an old ``.xls`` renamed
``.xlsx``, a password-protected workbook. Each is recognised by its magic bytes
and refused with a message saying what to do, before any parser sees it.
Only two kinds go further: a text file (read as CSV) and an Office Open XML
workbook (read as XLSX).
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from pathlib import Path

from anonymiser.errors import UnusableInput
from anonymiser.reading.limits import ReadLimits, describe_size
from anonymiser.reading.workbook_safety import check_workbook_archive

HEAD_BYTES = 8192
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_SAVE_AS = "open it in Excel and save it as .xlsx or CSV (UTF-8), then check it again"

#: Magic bytes of formats people mistake for spreadsheets, with a name to tell them.
_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
    (b"<?xml", "an XML document"),
)


class FileKind(enum.Enum):
    """The two kinds of file the reader accepts."""

    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class SniffedFile:
    """What a file turned out to be: its kind, size and opening bytes."""

    path: Path
    kind: FileKind
    size: int
    head: bytes


def sniff(path: Path, limits: ReadLimits) -> SniffedFile:
    """Recognise ``path`` as CSV text or an XLSX workbook, or refuse it."""
    size = _checked_size(path, limits)
    try:
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
    except OSError:
        raise UnusableInput(f"{path} cannot be opened: check you can read it.") from None
    name = path.name
    if head.startswith(_OLE2):
        raise UnusableInput(_ole2_message(path))
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        check_workbook_archive(path, limits)
        return SniffedFile(path, FileKind.XLSX, size, head)
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            raise UnusableInput(f"{name} is {what}, not a CSV or XLSX file: {_SAVE_AS}.")
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise UnusableInput(f"{name} has no data, only blank lines: export it again.")
    if _looks_binary(head):
        raise UnusableInput(f"{name} is not a CSV or XLSX file (it holds binary data): {_SAVE_AS}.")
    return SniffedFile(path, FileKind.CSV, size, head)


def _checked_size(path: Path, limits: ReadLimits) -> int:
    """The file's size from ``os.stat``, refusing empty, missing and oversized files."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise UnusableInput(f"{path} does not exist: check the file name.") from None
    except OSError:
        raise UnusableInput(f"{path} cannot be opened: check you can read it.") from None
    if not path.is_file():
        raise UnusableInput(f"{path} is not a file: give the path of a CSV or XLSX export.")
    if status.st_size == 0:
        raise UnusableInput(f"{path.name} is empty (0 bytes): export it again from your system.")
    if status.st_size > limits.max_file_bytes:
        raise UnusableInput(
            f"{path.name} is {describe_size(status.st_size)}, over the "
            f"{describe_size(limits.max_file_bytes)} limit: split the export (for example by "
            "year), or raise the limit with --max-file-size or ANONYMISER_MAX_FILE_SIZE."
        )
    return status.st_size


def _ole2_message(path: Path) -> str:
    """Explain an OLE2 container: an encrypted workbook or an old binary Office file."""
    if _holds(path, _ENCRYPTION_INFO):
        return (
            f"{path.name} is a password-protected workbook: remove the password in Excel "
            "(File > Info > Protect Workbook > Encrypt with Password, clear it), save, and "
            "check it again."
        )
    return f"{path.name} is an old-style Excel 97-2003 (.xls) or other Office file: {_SAVE_AS}."


def _holds(path: Path, needle: bytes, chunk: int = 1 << 20) -> bool:
    """Whether ``needle`` occurs anywhere in the file (already known to be within the cap)."""
    tail = b""
    with path.open("rb") as stream:
        while block := stream.read(chunk):
            if needle in tail + block:
                return True
            tail = block[-len(needle) :]
    return False


def _looks_binary(head: bytes) -> bool:
    """Whether the opening bytes are binary rather than text in a one-byte or UTF-8 encoding."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text, as Excel's "Unicode text" export writes it
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > len(head) // 100
