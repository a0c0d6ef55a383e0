"""The reference service's access log: one line per request (logger `sandbox.scheduling.access`), with the
caller's request id, so that a citizen's trouble can be followed from the frontend's log into this one.

The id is the caller's `X-Request-Id` when it is well formed (the frontend sends its own request's id with
every call), else one of our own; it is returned in the same header. The line says the method, the path
without the query string (which may carry a search), the status and the duration, never a body or a
header: nothing personal.

Run on its own (not in the embedded default, whose app.py sets logging up for both), the service writes
its lines as the frontend does: JSON lines when KEPWEB_LOG_FORMAT=json (the default with
KEPWEB_ENV=production), text otherwise, through python-json-logger.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time

from flask import g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-Id"
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")

log = logging.getLogger("sandbox.scheduling.access")


def _start():
    g.request_started = time.perf_counter()
    given = request.headers.get(HEADER)
    g.request_id = given if given is not None and WELL_FORMED.fullmatch(given) else secrets.token_hex(16)


def _finish(response):
    response.headers[HEADER] = g.get("request_id") or ""
    duration_ms = round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1)
    path = request.script_root + request.path
    token = (request.view_args or {}).get("token")
    if isinstance(token, str) and token:
        path = path.replace(token, "<token>")  # a guest's invitation token (/v1/invitations/<token>/...) is a key
    log.info("%s %s %s %.1f ms", request.method, path, response.status_code, duration_ms,
             extra={"request_id": g.get("request_id"), "method": request.method, "path": path,
                    "status": response.status_code, "duration_ms": duration_ms})
    return response


def register(app) -> None:
    """Before every other before-request function (the bearer token's check logs its refusals too)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    configure_logging_if_bare()


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id")
        return True


def configure_logging_if_bare() -> None:
    """The service's own process: the format of KEPWEB_LOG_FORMAT, if nothing set logging up before (as
    `logging.basicConfig`, which this is, for our two formats)."""
    root = logging.getLogger()
    if root.handlers:
        return
    production = os.environ.get("KEPWEB_ENV") == "production"
    if (os.environ.get("KEPWEB_LOG_FORMAT") or ("json" if production else "text")) == "json":
        formatter = JsonFormatter("%(levelname)s %(name)s %(message)s",
                                  rename_fields={"levelname": "level", "name": "logger"}, timestamp="time",
                                  defaults={"request_id": None}, json_ensure_ascii=False)
    else:
        formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
                                      defaults={"request_id": "-"})
    handler = logging.StreamHandler()
    handler.addFilter(_RequestIdFilter())
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # its request lines carry query strings
