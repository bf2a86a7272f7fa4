"""Errors raised by the keys package.

    KeysError                        anything in this package
    ├── KeyringError                 the local keyring cannot be used
    │   ├── KeyNotFound              no such key file, or the keyring is not initialised
    │   ├── KeyFileTooOpen           a private key file is readable by group or others
    │   ├── WrongPassphrase          the passphrase does not open the key file
    │   ├── KeyFileCorrupt           the key file is not in the keyring format
    │   └── KeyringExists            refusing to overwrite an initialised keyring
    ├── SealingError                 a sealed regional key cannot be opened
    │   ├── WrongRecipient           it was sealed to another authority's exchange key
    │   └── SealedKeyCorrupt         the blob was altered or is not a sealed key
    ├── PseudonymisationError        the pseudonymiser was misused
    │   └── UnknownDomain            an identifier domain that is not specified
    └── VerificationError            a signed document (return file, rotation statement)
        │                            is refused
        ├── MalformedDocument        not in the documented format
        │   ├── InvalidUtf8          bytes that are not UTF-8 where JSON is expected
        │   ├── DuplicateJsonKey     the same key twice in one JSON object
        │   ├── MalformedEnvelope    the signed envelope is not as documented
        │   ├── MalformedManifest    a manifest field is missing, extra or of the wrong type
        │   └── MalformedPayload     the payload cannot be decoded (e.g. broken gzip)
        ├── UnknownPayloadType       the envelope's payload type is not one we verify
        ├── UnknownReturnType        the manifest's return type is not agreed
        ├── UnknownSchemaVersion     the return type is agreed but not that version
        ├── UnknownKey               the signing key id is not in the trust store
        ├── ManifestKeyMismatch      the manifest names a key other than the one that signed
        ├── WrongAuthorityKey        the key belongs to an authority other than the claimed one
        ├── KeyNotValidAtSigning     signed outside the key's validity (before it, or after
        │                            it was rotated out)
        ├── RevokedKey               signed after the key was revoked
        ├── BadSignature             the signature does not verify over the exact bytes
        ├── NotYetValid              created later than now (beyond the allowed skew)
        ├── Expired                  past its expiry time (beyond the allowed skew)
        ├── PayloadTruncated         fewer payload bytes than the manifest states
        ├── PayloadTooLong           more payload bytes than the manifest states
        ├── PayloadHashMismatch      the payload's sha256 differs from the manifest's
        ├── RowCountMismatch         the payload's row count differs from the manifest's
        └── ReceiptInvalid           a hub receipt is malformed, not signed by the hub,
                                     or its log proof does not hold

Messages say what failed and what to do next. They never carry an identifier, a
pseudonym, a passphrase or key material.
"""

from __future__ import annotations


class KeysError(Exception):
    """Base class for every error raised by :mod:`keys`."""


class KeyringError(KeysError):
    """The local keyring cannot be used."""


class KeyNotFound(KeyringError):
    """A key file is missing or the keyring has not been initialised."""


class KeyFileTooOpen(KeyringError):
    """A private key file can be read by group or others; it is not used."""


class WrongPassphrase(KeyringError):
    """The passphrase does not open the key file."""


class KeyFileCorrupt(KeyringError):
    """The key file is not in the keyring's format."""


class KeyringExists(KeyringError):
    """The keyring directory already holds keys for an authority."""


class SealingError(KeysError):
    """A sealed regional key cannot be opened."""


class WrongRecipient(SealingError):
    """The regional key was sealed to a different exchange key."""


class SealedKeyCorrupt(SealingError):
    """The sealed blob was altered or is not a sealed regional key."""


class PseudonymisationError(KeysError):
    """The pseudonymiser was used in a way the specification does not allow."""


class UnknownDomain(PseudonymisationError):
    """An identifier domain outside the specified ones."""


class VerificationError(KeysError):
    """A signed document is refused."""


class MalformedDocument(VerificationError):
    """The document is not in the documented format."""


class InvalidUtf8(MalformedDocument):
    """Bytes that must be UTF-8 JSON are not valid UTF-8."""


class DuplicateJsonKey(MalformedDocument):
    """A JSON object carries the same key twice."""


class MalformedEnvelope(MalformedDocument):
    """The signed envelope is not as documented."""


class MalformedManifest(MalformedDocument):
    """A manifest field is missing, unexpected or of the wrong type."""


class MalformedPayload(MalformedDocument):
    """The payload cannot be decoded."""


class UnknownPayloadType(VerificationError):
    """The envelope's payload type is not one this version verifies."""


class UnknownReturnType(VerificationError):
    """The manifest's return type is not an agreed one."""


class UnknownSchemaVersion(VerificationError):
    """The manifest's schema version is not agreed for its return type."""


class UnknownKey(VerificationError):
    """The signing key id is not in the trust store."""


class ManifestKeyMismatch(VerificationError):
    """The manifest's key id is not the key id of its signature."""


class WrongAuthorityKey(VerificationError):
    """The signing key belongs to another authority than the one the manifest claims."""


class KeyNotValidAtSigning(VerificationError):
    """The document was signed outside the key's validity period."""


class RevokedKey(VerificationError):
    """The document was signed at or after the key's revocation."""


class BadSignature(VerificationError):
    """The signature does not verify over the exact signed bytes."""


class NotYetValid(VerificationError):
    """The document claims a creation time later than now, beyond the allowed skew."""


class Expired(VerificationError):
    """The document is past its expiry time, beyond the allowed skew."""


class PayloadTruncated(VerificationError):
    """The payload is shorter than the manifest states."""


class PayloadTooLong(VerificationError):
    """The payload is longer than the manifest states."""


class PayloadHashMismatch(VerificationError):
    """The payload's sha256 is not the manifest's."""


class RowCountMismatch(VerificationError):
    """The payload's row count is not the manifest's."""


class ReceiptInvalid(VerificationError):
    """A hub receipt is malformed, not signed by the hub key, or its proof fails."""
