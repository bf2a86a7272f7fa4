"""The authority-side anonymiser: reads a council's own exports, strips and
pseudonymises identifiers, checks re-identification risk and signs the return."""

__version__ = "0.1.0"
