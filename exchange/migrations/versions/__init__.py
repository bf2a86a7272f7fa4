"""Migration scripts, one per revision, chained by ``down_revision``."""
