"""Keys and signatures: authority signing keys, the regional pseudonymisation key,
and the signed return file. Knows nothing of Flask or of returns' content.

The public API is re-exported here; see docs/keys.md for a tour and
docs/return-format.md for the file format.
"""

from __future__ import annotations

from keys.envelope import Envelope, pae
from keys.keyring import (
    KEYRING_ENV,
    PASSPHRASE_ENV,
    Keyring,
    default_keyring_dir,
    exchange_key_from_text,
)
from keys.manifest import (
    PAYLOAD_FORMATS,
    RETURN_PAYLOAD_TYPE,
    Manifest,
    ManifestDraft,
    PayloadFacts,
    manifest_hash,
    parse_manifest,
)
from keys.normalise import DOMAINS, normalise_identifier
from keys.parallel import WorkerPool
from keys.pseudonym import (
    PSEUDONYM_PATTERN,
    PendingPseudonyms,
    Pseudonymiser,
    RegionalKey,
    pseudonym_version,
    rekey_mapping,
)
from keys.receipt import RECEIPT_PAYLOAD_TYPE, Receipt, make_receipt, verify_receipt
from keys.return_file import MAGIC, SignedReturn, open_payload, write_return
from keys.rotation import (
    ROTATION_PAYLOAD_TYPE,
    RotationStatement,
    apply_rotation,
    make_rotation_statement,
    verify_rotation_statement,
)
from keys.sealing import (
    ExchangeKey,
    ExchangePublicKey,
    open_sealed_key,
    seal_regional_key,
    sealed_key_recipient,
)
from keys.signing import SigningKey, derive_key_id, verify_signature
from keys.trust import KEY_REVOKED_AFTER_SIGNING, Revocation, TrustedKey, TrustStore
from keys.verification import DEFAULT_SKEW, KnownSchemas, VerifiedReturn, verify_return

__all__ = [
    "DEFAULT_SKEW",
    "DOMAINS",
    "KEYRING_ENV",
    "KEY_REVOKED_AFTER_SIGNING",
    "MAGIC",
    "PASSPHRASE_ENV",
    "PAYLOAD_FORMATS",
    "PSEUDONYM_PATTERN",
    "RECEIPT_PAYLOAD_TYPE",
    "RETURN_PAYLOAD_TYPE",
    "ROTATION_PAYLOAD_TYPE",
    "Envelope",
    "ExchangeKey",
    "ExchangePublicKey",
    "Keyring",
    "KnownSchemas",
    "Manifest",
    "ManifestDraft",
    "PayloadFacts",
    "PendingPseudonyms",
    "Pseudonymiser",
    "Receipt",
    "RegionalKey",
    "Revocation",
    "RotationStatement",
    "SignedReturn",
    "SigningKey",
    "TrustStore",
    "TrustedKey",
    "VerifiedReturn",
    "WorkerPool",
    "apply_rotation",
    "default_keyring_dir",
    "derive_key_id",
    "exchange_key_from_text",
    "make_receipt",
    "make_rotation_statement",
    "manifest_hash",
    "normalise_identifier",
    "open_payload",
    "open_sealed_key",
    "pae",
    "parse_manifest",
    "pseudonym_version",
    "rekey_mapping",
    "seal_regional_key",
    "sealed_key_recipient",
    "verify_receipt",
    "verify_return",
    "verify_rotation_statement",
    "verify_signature",
    "write_return",
]
