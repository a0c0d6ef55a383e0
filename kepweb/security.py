"""Security headers and CSRF, app-wide from the first request.

Flask-Talisman sets the headers (CSP, HSTS over HTTPS, frame-ancestors,
Referrer-Policy, nosniff, Permissions-Policy) and lets a single view relax one
(the join page will allow camera and microphone); Flask-WTF's CSRFProtect checks
every POST, including htmx ones that send the token in an `X-CSRFToken` header.
"""

from __future__ import annotations

from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# Talisman keeps its settings on the instance, so each app gets its own
# (tests build many apps). A view that needs another policy uses this one's
# decorator, which only marks the view: `@per_view_policy(permissions_policy=...)`.
per_view_policy = Talisman()

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # digigov.css draws its arrows with data: SVGs.
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}

# Nothing needs powerful features except the join page, which opts in itself.
PERMISSIONS_POLICY = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
}


def _origin(url: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def content_security_policy(config) -> dict:
    """The policy, with GSIS's origin allowed as a form target: signing out posts
    to us and we redirect to GSIS's logout, which browsers check against form-action."""
    policy = dict(CONTENT_SECURITY_POLICY)
    gsis = {_origin(config.get(name, "")) for name in ("GSIS_LOGOUT_URL", "GSIS_AUTHORIZE_URL")} - {None}
    policy["form-action"] = ["'self'", *sorted(gsis)]
    return policy


def init_app(app):
    app.extensions["talisman"] = Talisman(
        app,
        force_https=app.config["KEPWEB_FORCE_HTTPS"],
        strict_transport_security=True,
        strict_transport_security_max_age=31536000,
        content_security_policy=content_security_policy(app.config),
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        # Talisman would otherwise force Secure cookies even on http://127.0.0.1;
        # config.py decides (always Secure in production).
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
    )
    csrf.init_app(app)
