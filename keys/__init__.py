"""Keys and signatures: authority signing keys, the regional pseudonymisation key,
and the signed return file. Knows nothing of Flask or of returns' content."""
