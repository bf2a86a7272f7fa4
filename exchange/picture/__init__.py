"""The regional picture: supplier, spend, benchmark, savings and fair-price tables.

Built per period from the latest accepted version of each return, protected by the
disclosure rules (:mod:`exchange.disclosure`) and stored as releases of published
tables (:mod:`exchange.picture.store`), so pages read a stored table, never the
millions of rows behind it. A release is rebuilt when returns change
(:mod:`exchange.picture.hooks`) and can be rebuilt in full (``exchange picture
recompute``).

Modules: ``catalogue`` (the table names), ``loading`` (rows of a period into pandas),
``counts``/``costs``/``suppliers_tables``/``savings`` (the tables, pure pandas),
``building`` (one release: compute, protect, attack, certify, sign), ``store``
(releases in the database), ``hooks`` (rebuild on change), ``frameworks`` (the framework
price table), ``quality`` (quality weights).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Rebuild the picture when returns change (see :mod:`exchange.picture.hooks`)."""
    from exchange.picture.hooks import init_app as init_hooks

    init_hooks(app)
