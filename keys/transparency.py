"""Verifying the hub's audit log offline: RFC 9162 Merkle proofs and signed checkpoints.

An information-governance officer runs these without the hub installed. The log is a
Merkle tree hashed as in RFC 9162 section 2.1: a leaf is ``SHA-256(0x00 || entry)``, an
interior node ``SHA-256(0x01 || left || right)``, the empty tree ``SHA-256("")``.
The hub signs *checkpoints* in the C2SP tlog-checkpoint format, a signed note::

    <origin>
    <tree size, decimal>
    <root hash, base64>
    <blank line>
    — <key name> <base64(4-byte key hash || 64-byte Ed25519 signature)>

where the signature covers the three body lines (with their newlines) exactly, and the
key hash is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]``. A verifier key is
written ``<name>+<key hash, 8 hex digits>+<base64(0x01 || public key)>``.

Errors (all :class:`keys.errors.VerificationError`)::

    TransparencyError          a proof or checkpoint is refused
    ├── InclusionProofError    the entry is not in the tree the root commits to
    ├── ConsistencyProofError  the larger tree does not extend the smaller one
    └── CheckpointError        a checkpoint is malformed or its signature is wrong
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from keys.errors import BadSignature, VerificationError
from keys.signing import SigningKey, verify_signature

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_ED25519 = b"\x01"
_SIGNATURE_PREFIX = "\u2014 "


class TransparencyError(VerificationError):
    """A Merkle proof or a checkpoint is refused."""


class InclusionProofError(TransparencyError):
    """The inclusion proof does not place the leaf in the tree with that root."""


class ConsistencyProofError(TransparencyError):
    """The consistency proof does not show the second tree extends the first."""


class CheckpointError(TransparencyError):
    """The checkpoint is malformed, or not signed by the expected key."""


def leaf_hash(entry: bytes) -> bytes:
    """The RFC 9162 hash of a leaf: ``SHA-256(0x00 || entry)``."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleFrontier:
    """The perfect subtrees covering the first ``size`` leaves, largest first.

    It is all a verifier needs to keep to compute the root as leaves are appended:
    at most log2(size) hashes. Built from a tree's leaves or from a frontier the
    hub exported, then checked against a signed root.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise TransparencyError(f"a frontier of {size} leaves has {size.bit_count()} hashes")
        _require_hashes(hashes, TransparencyError)
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash at index ``size``."""
        _require_hashes([leaf], TransparencyError)
        self.hashes.append(leaf)
        merged = self.size
        while merged & 1:  # each trailing 1-bit is a perfect subtree the new leaf completes
            right = self.hashes.pop()
            self.hashes[-1] = node_hash(self.hashes[-1], right)
            merged >>= 1
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        """Append every leaf hash in order."""
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        """The Merkle tree hash of the first ``size`` leaves."""
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root


def root_from_leaf_hashes(leaves: Iterable[bytes]) -> bytes:
    """The Merkle tree hash (RFC 9162 MTH) of the given leaf hashes, in linear time."""
    frontier = MerkleFrontier()
    frontier.extend(leaves)
    return frontier.root()


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: list[bytes], root: bytes
) -> None:
    """Raise :class:`InclusionProofError` unless ``proof`` puts the leaf at ``index``.

    The algorithm of RFC 9162 section 2.1.3.2, over the leaf's hash (not the entry).
    """
    _require_hashes([leaf_hash, root], InclusionProofError)
    _require_hashes(proof, InclusionProofError)
    if not 0 <= index < tree_size:
        raise InclusionProofError(f"leaf index {index} is outside a tree of size {tree_size}")
    fn, sn = index, tree_size - 1
    computed = leaf_hash
    for sibling in proof:
        if sn == 0:
            raise InclusionProofError("the inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            computed = node_hash(sibling, computed)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            computed = node_hash(computed, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise InclusionProofError("the inclusion proof is shorter than the tree is deep")
    if computed != root:
        raise InclusionProofError("the inclusion proof does not lead to the signed root")


def verify_consistency(
    size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes
) -> None:
    """Raise :class:`ConsistencyProofError` unless tree ``size2`` extends tree ``size1``.

    The algorithm of RFC 9162 section 2.1.4.2, with its edge cases: equal sizes need
    an empty proof and equal roots; a first tree of size 0 needs an empty proof.
    """
    _require_hashes([root1, root2], ConsistencyProofError)
    _require_hashes(proof, ConsistencyProofError)
    if _trivially_consistent(size1, size2, proof, root1, root2):
        return
    if not proof:
        raise ConsistencyProofError("the consistency proof is empty")
    path = list(proof)
    if (size1 & (size1 - 1)) == 0:  # an exact power of two: the old root is a subtree
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for node in path[1:]:
        if sn == 0:
            raise ConsistencyProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            first, second = node_hash(node, first), node_hash(node, second)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = node_hash(second, node)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ConsistencyProofError("the consistency proof is too short")
    if first != root1:
        raise ConsistencyProofError("the proof does not lead to the first root")
    if second != root2:
        raise ConsistencyProofError("the proof does not lead to the second root")


def _trivially_consistent(
    size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes
) -> bool:
    """Settle the edge cases (bad order, equal sizes, an empty first tree)."""
    if not 0 <= size1 <= size2:
        raise ConsistencyProofError(f"tree sizes {size1} and {size2} are not in order")
    if size1 not in (0, size2):
        return False
    if proof:
        raise ConsistencyProofError("this consistency proof must be empty")
    if size1 == size2 and root1 != root2:
        raise ConsistencyProofError("two trees of the same size have different roots")
    return True


@dataclass(frozen=True)
class Checkpoint:
    """A log's signed statement of its size and root at one moment."""

    origin: str
    tree_size: int
    root_hash: bytes

    def body(self) -> bytes:
        """The exact bytes the signature covers."""
        root = base64.b64encode(self.root_hash).decode("ascii")
        return f"{self.origin}\n{self.tree_size}\n{root}\n".encode()


@dataclass(frozen=True)
class VerifierKey:
    """A checkpoint signer's public key, with the name its signature lines carry."""

    name: str
    public_key: bytes

    @property
    def key_hash(self) -> bytes:
        """The 4-byte key hash that prefixes each signature."""
        return hashlib.sha256(self.name.encode() + b"\n" + _ED25519 + self.public_key).digest()[:4]

    def __str__(self) -> str:
        encoded = base64.b64encode(_ED25519 + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_hash.hex()}+{encoded}"


def parse_verifier_key(text: str) -> VerifierKey:
    """Read a verifier key written ``<name>+<hex key hash>+<base64(0x01 || key)>``."""
    name, _, rest = text.strip().partition("+")
    key_hash, _, encoded = rest.partition("+")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise CheckpointError("the verifier key is not valid base64") from None
    if not name or len(raw) != 33 or raw[:1] != _ED25519:
        raise CheckpointError("the verifier key is not an Ed25519 note verifier key")
    key = VerifierKey(name=name, public_key=raw[1:])
    if key.key_hash.hex() != key_hash.lower():
        raise CheckpointError("the verifier key's hash does not match its name and key")
    return key


def sign_checkpoint(checkpoint: Checkpoint, *, name: str, signing_key: SigningKey) -> str:
    """The signed note for ``checkpoint``, signed by ``signing_key`` under ``name``."""
    if not name or any(c.isspace() or c == "+" for c in name):
        raise CheckpointError("a key name has no spaces or '+' signs")
    key = VerifierKey(name=name, public_key=signing_key.public_key)
    body = checkpoint.body()
    blob = base64.b64encode(key.key_hash + signing_key.sign(body)).decode("ascii")
    return f"{body.decode()}\n{_SIGNATURE_PREFIX}{name} {blob}\n"


def verify_checkpoint(note: str, key: VerifierKey) -> Checkpoint:
    """Parse a signed checkpoint and check ``key`` signed it; return what it states."""
    return _parse_body(verify_note(note, key))


def verify_note(note: str, key: VerifierKey) -> str:
    """Check ``key`` signed the C2SP signed note ``note``; return its body text."""
    body, signature_lines = _split_note(note)
    for line in signature_lines:
        name, blob = _parse_signature_line(line)
        if name != key.name or blob[:4] != key.key_hash:
            continue
        try:
            verify_signature(key.public_key, body.encode(), blob[4:])
        except BadSignature:
            raise CheckpointError("the checkpoint's signature does not verify") from None
        return body
    raise CheckpointError(f"the checkpoint carries no signature by {key.name}")


def parse_checkpoint(note: str) -> Checkpoint:
    """What a checkpoint states, without checking its signature (for display only)."""
    body, _ = _split_note(note)
    return _parse_body(body)


def _split_note(note: str) -> tuple[str, list[str]]:
    body, separator, signatures = note.partition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise CheckpointError("a checkpoint is its body, a blank line and signature lines")
    lines = signatures[:-1].split("\n")
    if not lines or any(not line.startswith(_SIGNATURE_PREFIX) for line in lines):
        raise CheckpointError("every line after the blank line must be a signature")
    return body + "\n", lines


def _parse_body(body: str) -> Checkpoint:
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint body has an origin, a size and a root hash")
    origin, size_text, root_text = lines[:3]
    if not origin or not size_text.isdigit() or (size_text != "0" and size_text[0] == "0"):
        raise CheckpointError("the checkpoint's origin or tree size is malformed")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error:
        raise CheckpointError("the checkpoint's root hash is not base64") from None
    if len(root) != HASH_SIZE:
        raise CheckpointError("the checkpoint's root hash is not 32 bytes")
    return Checkpoint(origin=origin, tree_size=int(size_text), root_hash=root)


def _parse_signature_line(line: str) -> tuple[str, bytes]:
    name, _, encoded = line[len(_SIGNATURE_PREFIX) :].partition(" ")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise CheckpointError("a checkpoint signature is not base64") from None
    if not name or len(blob) < 5:
        raise CheckpointError("a checkpoint signature line is malformed")
    return name, blob


def _require_hashes(hashes: Iterable[bytes], error: type[TransparencyError]) -> None:
    for value in hashes:
        if not isinstance(value, bytes) or len(value) != HASH_SIZE:
            raise error(f"every hash must be {HASH_SIZE} bytes")
