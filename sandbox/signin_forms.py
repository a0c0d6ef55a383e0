"""What the two sign-in stand-ins (GSIS for citizens, OpenID Connect for the KEP staff) share on
their pages: a CSRF token kept in the provider's own session, and this page's URL with a query."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlencode

from flask import request, session, url_for


def here(pairs: list[tuple[str, str]]) -> str:
    """This page's URL (prefix included, through url_for) with the query `pairs`."""
    base = url_for(request.endpoint, **(request.view_args or {}))
    return f"{base}?{urlencode(pairs)}" if pairs else base


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok() -> bool:
    expected = session.get("csrf")
    given = request.form.get("csrf_token", "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
