"""The agreed contracts: what an authority exports, and what leaves it.

Knows nothing of Flask, HTTP or files on disk. Looked up by return type and
version with :func:`get_schema`.
"""
