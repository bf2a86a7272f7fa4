"""Gunicorn settings for the hub: ``gunicorn --config deploy/gunicorn.conf.py``.

The WSGI app is ``exchange:create_app()``; the hub's own settings come from
``EXCHANGE_*`` variables and ``<instance>/exchange.toml`` (deploy/README.md). Only how
gunicorn runs is set here, from ``GUNICORN_*`` variables:

==================  ===============  ==============================================
variable            default          meaning
==================  ===============  ==============================================
GUNICORN_BIND       127.0.0.1:8000   address (or ``unix:/run/exchange/hub.sock``)
GUNICORN_WORKERS    4                worker processes
GUNICORN_THREADS    4                threads per worker (gthread)
GUNICORN_TIMEOUT    60               seconds a silent worker lives before a restart
==================  ===============  ==============================================

Workers are ``gthread``: a worker's main thread keeps telling the arbiter it is alive
while a request thread streams a 1 GiB return, so a long upload is never taken for a
hung worker. Workers are recycled after ``max_requests`` (with jitter, so they do not
all restart at once). The app is not preloaded: each worker opens its own database
pool and Redis connection after the fork, and a ``HUP`` reload picks up new code.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger

wsgi_app = "exchange:create_app()"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # behind nginx, which keeps its own upstream connections short
max_requests = 2000
max_requests_jitter = 200
preload_app = False
# The workers' heartbeat files, in memory when there is /dev/shm (Docker's /tmp is disk).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Request line and headers limits: gunicorn's defaults, spelled out.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Only nginx on this host may set X-Forwarded-* (the hub's proxy_fix_x_for trusts it).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "exchange-hub"
# Gunicorn 25.1+ opens a control socket in $HOME or $XDG_RUNTIME_DIR; systemd reloads with
# HUP instead, and a second hub on the host must not fight over the socket's path.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class JsonAccessLogger(Logger):
    """One JSON object per request: no query string (it could carry anything), no headers
    but the request id, which matches the hub's own log lines and nginx's."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        atoms = self.atoms(resp, req, environ, request_time)
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "logger": "gunicorn.access",
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": atoms.get("{x-request-id}o", "-"),
            "user_agent": atoms["a"],
        }
        try:
            self.access_log.info(json.dumps(line, sort_keys=True))
        except Exception:  # gunicorn's own logger never fails a request
            self.error_log.exception("Failed to write the access log line")


logger_class = JsonAccessLogger
