"""The hub's side of the Merkle tree: roots and proofs over the stored leaf hashes.

Each entry's leaf hash is stored with it, so the tree is never rebuilt from bodies.
A root or a proof for a tree of ``n`` entries reads the first ``n`` leaf hashes
(32 bytes each) and hashes each of them once: O(n) time and memory, about a second
per million entries. That is enough for an audit log that grows by thousands of
entries a year; storing the perfect subtrees (tiles) would make it O(log n) and is
the next step if the log grows by orders of magnitude.

Proofs follow RFC 9162 section 2.1 (PATH and SUBPROOF) and are checked by
:func:`keys.transparency.verify_inclusion` and ``verify_consistency``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange.audit.models import AuditEntry
from exchange.errors import InvalidRequest
from keys.transparency import root_from_leaf_hashes


def tree_size(session: Session) -> int:
    """How many entries the log holds."""
    last = session.scalar(select(func.max(AuditEntry.index)))
    return 0 if last is None else last + 1


def leaf_hashes(session: Session, size: int) -> list[bytes]:
    """The leaf hashes of the first ``size`` entries, in order."""
    rows = session.scalars(
        select(AuditEntry.leaf_hash).where(AuditEntry.index < size).order_by(AuditEntry.index)
    ).all()
    return list(rows)


def root(leaves: Sequence[bytes], size: int | None = None) -> bytes:
    """The Merkle tree hash of the first ``size`` leaves (default: all)."""
    return root_from_leaf_hashes(leaves[: len(leaves) if size is None else size])


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of the first ``size`` leaves."""
    if not 0 <= index < size <= len(leaves):
        raise InvalidRequest(f"There is no entry {index} in a log of {size} entries.")
    return _path(leaves, index, 0, size)


def consistency_proof(leaves: Sequence[bytes], size1: int, size2: int) -> list[bytes]:
    """The proof that the tree of ``size2`` leaves extends the tree of ``size1``."""
    if not 0 <= size1 <= size2 <= len(leaves):
        raise InvalidRequest(
            f"A consistency proof needs 0 <= from <= to <= {len(leaves)} (the log's size)."
        )
    if size1 in (0, size2):
        return []
    return _subproof(leaves, size1, 0, size2, complete=True)


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _path(leaves: Sequence[bytes], index: int, start: int, end: int) -> list[bytes]:
    if end - start == 1:
        return []
    k = _split(end - start)
    if index < k:
        return [*_path(leaves, index, start, start + k), root(leaves[start + k : end])]
    return [*_path(leaves, index - k, start + k, end), root(leaves[start : start + k])]


def _subproof(
    leaves: Sequence[bytes], m: int, start: int, end: int, *, complete: bool
) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if complete else [root(leaves[start:end])]
    k = _split(n)
    if m <= k:
        return [
            *_subproof(leaves, m, start, start + k, complete=complete),
            root(leaves[start + k : end]),
        ]
    return [
        *_subproof(leaves, m - k, start + k, end, complete=False),
        root(leaves[start : start + k]),
    ]
