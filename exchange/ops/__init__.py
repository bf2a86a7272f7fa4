"""Running the hub in production: health and readiness probes, backup and restore, and
the watch on slow request bodies.

:func:`init_app` adds ``/healthz`` and ``/readyz`` (no login, no rate limit);
``exchange backup`` and ``exchange restore`` (:mod:`exchange.cli.ops`) use
:mod:`exchange.ops.backup` and :mod:`exchange.ops.restore`; :mod:`exchange.ops.bodywatch`
cuts off request bodies trickled in too slowly (wrapped around the app in
:func:`exchange.create_app`). How the hub is deployed
is in ``deploy/README.md``.
"""

from __future__ import annotations

from flask import Flask

from exchange.ops.health import bp
from exchange.ratelimit import rate_limiter


def init_app(app: Flask) -> None:
    """Register the probes, exempt from rate limits (a probe must never be throttled)."""
    app.register_blueprint(bp)
    rate_limiter(app).exempt(bp)
