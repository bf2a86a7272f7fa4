"""Where return files live on the hub's disk.

An upload is staged in ``<folder>/.incoming/`` while it is received and checked; an
accepted one is moved (one rename, same file system) to
``<folder>/<authority>/<manifest hash>.return``. The same manifest hash always names
the same bytes, so a file already in place is never replaced. A process killed
mid-upload leaves only a staged file, which ``exchange retention apply`` sweeps away.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

INCOMING = ".incoming"
STALE_SECONDS = 24 * 3600


class ReturnStore:
    """The folder of accepted return files and staged uploads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def at(cls, *, configured: str, instance_path: str) -> ReturnStore:
        """The configured folder, or ``returns/`` in the instance folder."""
        return cls(Path(configured) if configured else Path(instance_path) / "returns")

    @contextmanager
    def staging(self) -> Iterator[tuple[Path, BinaryIO]]:
        """A fresh staged file, opened for writing; removed afterwards unless kept."""
        incoming = self.folder / INCOMING
        incoming.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = incoming / f"{secrets.token_hex(12)}.partial"
        try:
            with open(path, "xb") as stream:
                yield path, stream
        finally:
            path.unlink(missing_ok=True)

    def keep(self, staged: Path, *, authority: str, manifest_hash: str) -> tuple[str, bool]:
        """Move a verified upload into place; returns its file name and whether it was moved.

        A file already there is the same return (same manifest hash, same bytes): it is
        left alone and the staged copy is dropped by :meth:`staging`.
        """
        name = f"{authority}/{manifest_hash}.return"
        target = self.folder / name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if target.exists():
            return name, False
        with open(staged, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(staged, target)
        return name, True

    def path_of(self, file_name: str) -> Path:
        """The stored file called ``file_name``."""
        return self.folder / file_name

    def delete(self, file_name: str) -> bool:
        """Delete a stored file; whether it was there."""
        path = self.path_of(file_name)
        existed = path.exists()
        path.unlink(missing_ok=True)
        return existed

    def sweep_incoming(self, *, older_than: float = STALE_SECONDS) -> int:
        """Remove staged uploads left by killed processes; how many were removed."""
        incoming = self.folder / INCOMING
        if not incoming.is_dir():
            return 0
        cutoff = time.time() - older_than
        removed = 0
        for path in incoming.glob("*.partial"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
