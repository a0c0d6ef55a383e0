"""Security headers and CSRF, app-wide from the first request.

Flask-Talisman sets the headers (CSP, HSTS over HTTPS, frame-ancestors,
Referrer-Policy, nosniff, Permissions-Policy) and lets a single view relax one
(the join page will allow camera and microphone); Flask-WTF's CSRFProtect checks
every POST, including htmx ones that send the token in an `X-CSRFToken` header.

Pages are compressed (kepweb/compression.py), so the CSRF token must not be a
secret that repeats from one response to the next: BREACH recovers such a
secret, a character at a time, from the compressed length of responses that
also reflect text the attacker chose. As Django and Rails do, every response
carries the token masked with a fresh random one-time pad (`pad + token XOR
pad`): the token the server checks is unchanged, but what is written into the
page is new random bytes each time, so there is nothing to guess. The mask
comes off before Flask-WTF checks the token, from a form field or from the
`X-CSRFToken` header that htmx sends.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from flask import g
from flask_talisman import Talisman
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect, generate_csrf, validate_csrf
from wtforms.csrf.core import CSRF


def mask(token: str) -> str:
    """The token XOR a fresh random pad of its length, the pad in front, URL-safe base64."""
    raw = token.encode("ascii")
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True))).decode("ascii")


def unmask(masked: str) -> str:
    """The token a masked value carries; "" when it is not one (Flask-WTF then refuses it)."""
    try:
        data = base64.urlsafe_b64decode(masked.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return ""
    half, odd = divmod(len(data), 2)
    if odd or not half:
        return ""
    pad, hidden = data[:half], data[half:]
    try:
        return bytes(a ^ b for a, b in zip(pad, hidden, strict=True)).decode("ascii")
    except UnicodeDecodeError:
        return ""


def masked_csrf_token() -> str:
    """`csrf_token()` in templates: masked once per response (one pad per response is
    enough, since BREACH needs the same secret in many responses)."""
    if "masked_csrf_token" not in g:
        g.masked_csrf_token = mask(generate_csrf())
    return g.masked_csrf_token


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRFProtect, writing masked tokens and taking the mask off what comes back."""

    def init_app(self, app):
        super().init_app(app)
        # Registered after Flask-WTF's own, so these win in every template.
        app.jinja_env.globals["csrf_token"] = masked_csrf_token
        app.context_processor(lambda: {"csrf_token": masked_csrf_token})

    def _get_csrf_token(self):
        # Flask-WTF's own lookup (form field, then the X-CSRFToken header), unmasked.
        # A private method: tests/test_security.py would fail if it changed.
        sent = super()._get_csrf_token()
        return unmask(sent) if sent else sent


class MaskedFormCSRF(CSRF):
    """The CSRF field of every FlaskForm (`{{ form.csrf_token }}`): masked like the rest.
    (No form here sets its own CSRF secret or field name in its Meta.)"""

    def setup_form(self, form):
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        return masked_csrf_token()

    def validate_csrf_token(self, form, field):
        if g.get("csrf_valid", False):  # MaskedCSRFProtect checked this request already
            return
        validate_csrf(unmask(field.data or ""), self.meta.csrf_secret, self.meta.csrf_time_limit,
                      self.meta.csrf_field_name)


# Every form of the service is a FlaskForm; this is where its CSRF field comes from.
FlaskForm.Meta.csrf_class = MaskedFormCSRF
csrf = MaskedCSRFProtect()

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


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL (None for one without both), as CSP and CORS name origins."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def content_security_policy(config) -> dict:
    """The policy, with GSIS's origin and the staff sign-in's allowed as form targets: signing
    out posts to us and we redirect to their logout, which browsers check against form-action."""
    policy = dict(CONTENT_SECURITY_POLICY)
    providers = {origin_of(config.get(name, "")) for name in ("GSIS_LOGOUT_URL", "GSIS_AUTHORIZE_URL",
                                                              "STAFF_OIDC_ISSUER")} - {None}
    policy["form-action"] = ["'self'", *sorted(providers)]
    return policy


def policy_header(policy: dict) -> str:
    """A policy as the header's text, written as Talisman writes it (for views that set their own)."""
    return "; ".join(f"{directive} {' '.join(value) if isinstance(value, list | tuple) else value}"
                     for directive, value in policy.items())


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
