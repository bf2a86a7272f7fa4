"""Browser-facing protections: security headers, CSRF on forms, trusted proxies.

Every response carries a strict Content-Security-Policy (the hub serves its own
stylesheet and scripts only: Chart.js is vendored, no inline script, no CDN), refuses
framing, sniffing and referrers, and is not cached; HSTS is added when configured.
HTML forms carry a CSRF token (Flask-WTF); the token-authenticated API is exempt,
because a browser never sends its bearer token on its own.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def init_app(app: Flask, *, hsts_seconds: int, proxies: int) -> None:
    """Add the headers, CSRF protection and (when configured) proxy trust to ``app``."""
    csrf.init_app(app)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    def add_headers(response: Response) -> Response:
        for name, value in STATIC_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        if hsts_seconds > 0:
            response.headers["Strict-Transport-Security"] = (
                f"max-age={hsts_seconds}; includeSubDomains"
            )
        return response

    app.after_request(add_headers)
