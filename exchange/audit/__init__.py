"""The tamper-evident audit log: entries, the Merkle tree over them, signed checkpoints."""
