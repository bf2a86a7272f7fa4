"""The registry: authorities, their signing keys and relay keys, rotations, revocations."""
