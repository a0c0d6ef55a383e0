"""Every request's id, so that one citizen's trouble can be followed through our logs and the scheduling
API's: the id is on each of our log lines (kepweb/logs.py), sent to the API with every call
(`X-Request-Id`, kepweb/scheduling/base.py), which logs it in its own access log, returned to the browser
in the same header, and shown on the error pages as a reference the citizen can quote to support.

The id is ours unless a trusted proxy (KEPWEB_TRUSTED_PROXIES, kepweb/proxy.py) sent a well-formed one
(nginx: `proxy_set_header X-Request-Id $request_id;`): then the proxy's own log names it too. From anyone
else the header is ignored, since a visitor could otherwise pick the id of their lines, or put in the logs
whatever they like.

The access log (logger `kepweb.access`) has one line per request Flask serves (static files, served
before Flask by WhiteNoise, have none): method, path without the query string (and with a guest's link token
named, not written), status, duration.
"""

from __future__ import annotations

import logging
import re
import secrets
import time

from flask import current_app, g, has_request_context, request

HEADER = "X-Request-Id"
# What we take from a proxy: nginx's $request_id (32 hex digits), a UUID, and the like; nothing that could
# break a log line or a header.
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")

# Parts of a path that are credentials, logged by name only.
SECRET_PARTS = ("token",)

access_log = logging.getLogger("kepweb.access")


def new_id() -> str:
    return secrets.token_hex(16)  # as nginx's $request_id: 128 random bits in 32 hex digits


def well_formed(value: str | None) -> bool:
    return value is not None and WELL_FORMED.fullmatch(value) is not None


def current() -> str | None:
    """This request's id (None outside a request, e.g. a background thread)."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        given = request.headers.get(HEADER)
        from_proxy = current_app.config.get("TRUSTED_PROXIES", 0) > 0 and well_formed(given)
        g.request_id = given if from_proxy else new_id()
    return g.request_id


def _start():
    g.request_started = time.perf_counter()
    current()


def logged_path() -> str:
    """The path, with a secret part named (a guest's join link, /join/<token>, opens the call's details)."""
    path = request.path
    for name in SECRET_PARTS:
        value = (request.view_args or {}).get(name)
        if isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return path


def _finish(response):
    response.headers[HEADER] = current()
    duration_ms = round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1)
    path = logged_path()
    access_log.info("%s %s %s %.1f ms", request.method, path, response.status_code, duration_ms,
                    extra={"request_id": current(), "method": request.method, "path": path,
                           "status": response.status_code, "duration_ms": duration_ms})
    return response


def init_app(app):
    # First of all the before-request functions, so that the others' log lines (a fair-use refusal, a
    # session problem) carry the id and the duration counts them.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    app.context_processor(lambda: {"request_id": current()})
