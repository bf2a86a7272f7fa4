"""The local ledger of prepared returns: sequence numbers, periods already made, supersession.

One JSON file (by default ``prepared-returns.json`` in the keyring folder)::

    {"format": "anonymiser-ledger/1",
     "returns": [{"authority", "return_type", "schema_version", "period", "sequence",
                  "manifest_sha256", "payload_sha256", "rows", "created_at", "file",
                  "key_id", "pseudonym_key_version", "supersedes", "uploaded_at"}, ...]}

Rules, per authority and return type: sequence numbers rise strictly (the hub refuses a
replayed or rolled-back sequence); a second return for a period is made only when it
names, with ``--supersedes``, the latest return for that period (by manifest hash or by
its ``.return`` file). The file is replaced atomically, and a lock file keeps two runs
from taking the same sequence number.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from anonymiser.prepare.errors import LedgerBusy, LedgerUnusable, PeriodAlreadySent, PrepareError
from keys import manifest_hash, parse_manifest
from keys.errors import MalformedDocument
from keys.return_file import read_envelope

LEDGER_FORMAT = "anonymiser-ledger/1"
_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class LedgerEntry:
    """One return made here."""

    authority: str
    return_type: str
    schema_version: int
    period: str
    sequence: int
    manifest_sha256: str
    payload_sha256: str
    rows: int
    created_at: str
    file: str
    key_id: str
    pseudonym_key_version: int | None
    supersedes: str | None = None
    uploaded_at: str | None = None


@dataclass(frozen=True)
class Slot:
    """Where a new return goes: its sequence number and what it supersedes."""

    sequence: int
    supersedes: str | None


class Ledger:
    """The ledger file; read on every call, so it is never stale."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def entries(self) -> list[LedgerEntry]:
        """Every return recorded, oldest first."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as err:
            raise LedgerUnusable(
                f"The ledger {self.path} cannot be read: {err.strerror}."
            ) from None
        try:
            document = json.loads(data)
            if document.get("format") != LEDGER_FORMAT:
                raise ValueError("not a ledger")
            return [LedgerEntry(**item) for item in document["returns"]]
        except (ValueError, TypeError, KeyError, AttributeError):
            raise LedgerUnusable(
                f"The ledger {self.path} is damaged or not a ledger of prepared returns. "
                "Restore it from a backup; do not delete it, or sequence numbers restart."
            ) from None

    def find(self, manifest_sha256: str) -> LedgerEntry | None:
        """The return with this manifest hash, if it was made here."""
        return next((e for e in self.entries() if e.manifest_sha256 == manifest_sha256), None)

    def latest_for(self, authority: str, return_type: str, period: str) -> LedgerEntry | None:
        """The newest return for a period (the one a correction must supersede)."""
        same = [
            e
            for e in self.entries()
            if (e.authority, e.return_type, e.period) == (authority, return_type, period)
        ]
        return max(same, key=lambda e: e.sequence, default=None)

    def last_sequence(self, authority: str, return_type: str) -> int:
        """The highest sequence number used for this authority and return type (0: none)."""
        return max(
            (
                e.sequence
                for e in self.entries()
                if (e.authority, e.return_type) == (authority, return_type)
            ),
            default=0,
        )

    def plan(self, authority: str, return_type: str, period: str, supersedes: str | None) -> Slot:
        """The slot for a new return, or the reason it may not be made."""
        latest = self.latest_for(authority, return_type, period)
        if supersedes is None:
            if latest is not None:
                raise PeriodAlreadySent(
                    f"A {return_type} return for {period} was already made here (sequence "
                    f"{latest.sequence}, {latest.file}, {latest.created_at}). To correct it, run "
                    f"again with --supersedes {latest.manifest_sha256}."
                )
            return Slot(self.last_sequence(authority, return_type) + 1, None)
        target, sequence = self._superseded(supersedes, authority, return_type, period)
        if latest is not None and latest.manifest_sha256 != target:
            raise PrepareError(
                f"--supersedes names an earlier return for {period}, but the latest is "
                f"{latest.manifest_sha256} (sequence {latest.sequence}): supersede that one."
            )
        floor = max(self.last_sequence(authority, return_type), sequence)
        return Slot(floor + 1, target)

    def _superseded(
        self, reference: str, authority: str, return_type: str, period: str
    ) -> tuple[str, int]:
        """The manifest hash and sequence of the return ``reference`` names."""
        if _HASH.fullmatch(reference.lower()):
            entry = self.find(reference.lower())
            if entry is None:
                raise PrepareError(
                    f"No return with manifest hash {reference} is in the ledger {self.path}. "
                    "Give the path of its .return file instead."
                )
            found = (entry.authority, entry.return_type, entry.period)
            digest, sequence = entry.manifest_sha256, entry.sequence
        else:
            found, digest, sequence = _return_file_facts(Path(reference))
        if found != (authority, return_type, period):
            raise PrepareError(
                f"--supersedes names a return for {' '.join(found)}, not for "
                f"{authority} {return_type} {period}."
            )
        return digest, sequence

    def record(self, entry: LedgerEntry) -> None:
        """Add a return, replacing the file atomically."""
        self._write([*self.entries(), entry])

    def mark_uploaded(self, manifest_sha256: str, uploaded_at: str) -> None:
        """Note that the hub accepted a return (for ``anonymiser upload``)."""
        entries = [
            replace(e, uploaded_at=uploaded_at) if e.manifest_sha256 == manifest_sha256 else e
            for e in self.entries()
        ]
        self._write(entries)

    @contextlib.contextmanager
    def locked(self) -> Iterator[Ledger]:
        """Hold the ledger for one run; a second run at the same time is refused."""
        self._ensure_folder()
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            handle = os.fdopen(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600), "r+b")
        except OSError as err:
            raise LedgerUnusable(
                f"The ledger lock {lock_path} cannot be opened: {err.strerror}."
            ) from None
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LedgerBusy(
                    "Another `anonymiser prepare` is running with the same ledger; wait for it "
                    "to finish, then run again."
                ) from None
            yield self
        finally:
            handle.close()

    def _ensure_folder(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise LedgerUnusable(
                f"The ledger folder {self.path.parent} cannot be made: {err.strerror}."
            ) from None

    def _write(self, entries: list[LedgerEntry]) -> None:
        document: dict[str, Any] = {
            "format": LEDGER_FORMAT,
            "returns": [asdict(entry) for entry in entries],
        }
        data = (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
        self._ensure_folder()
        temp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except OSError as err:
            raise LedgerUnusable(
                f"The ledger {self.path} cannot be written: {err.strerror}."
            ) from None
        finally:
            temp.unlink(missing_ok=True)


def _return_file_facts(path: Path) -> tuple[tuple[str, str, str], str, int]:
    """(authority, type, period), manifest hash and sequence of a ``.return`` file."""
    try:
        with open(path, "rb") as stream:
            envelope = read_envelope(stream)
        manifest = parse_manifest(envelope.payload)
    except OSError as err:
        raise PrepareError(f"--supersedes: {path} cannot be read ({err.strerror}).") from None
    except MalformedDocument:
        raise PrepareError(
            f"--supersedes: {path} is not a return file; give its path or its manifest hash."
        ) from None
    facts = (manifest.authority, manifest.return_type, manifest.period)
    return facts, manifest_hash(envelope.payload), manifest.sequence
