"""The audit log's formats on the wire, shared by the hub and the offline verifier."""

from __future__ import annotations

ENTRY_FORMAT = "regional-exchange-audit-entry/1"
EXPORT_FORMAT = "regional-exchange-audit-export/1"
#: The ``prev_hash`` of entry 0: the hash chain starts from 32 zero bytes.
GENESIS_HASH = bytes(32)
