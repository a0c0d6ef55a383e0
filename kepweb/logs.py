"""How the service's log lines are written: JSON lines for a log collector (the default in production), or
text a person reads on a laptop (KEPWEB_LOG_FORMAT, see config.py).

A JSON line is one object: `time` (ISO 8601, UTC), `level`, `logger`, `message`, `request_id` (null outside
a request), and on the access log's lines (kepweb/request_ids.py) `method`, `path` (never the query string),
`status` and `duration_ms`. The formatting is python-json-logger's, on the standard `logging` module that
Flask, waitress, gunicorn and every library here already log to; only the fields are ours.

Nothing personal is logged anywhere (no ΑΦΜ, name, email, nor a query string, which may carry a search):
tests/test_logs.py signs a citizen in, books, and scans every line for them.
"""

from __future__ import annotations

import logging

from flask import g, has_request_context
from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamps each line with the id of the request it was logged in (Flask's `g.request_id`), if any.
    Any Flask app that keeps its id there is stamped: the embedded default's reference service too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id")
        return True


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter("%(levelname)s %(name)s %(message)s",
                             rename_fields={"levelname": "level", "name": "logger"}, timestamp="time",
                             defaults={"request_id": None}, json_ensure_ascii=False)
    return logging.Formatter(TEXT_FORMAT, defaults={"request_id": "-"})


def handler(log_format: str, stream=None) -> logging.Handler:
    """A handler that writes to `stream` (standard error) in `log_format`, each line stamped with its request's id."""
    written = logging.StreamHandler(stream)
    written.addFilter(RequestIdFilter())
    written.setFormatter(formatter(log_format))
    return written


def configure_logging(log_format: str, *, force: bool = False, level: int = logging.INFO) -> bool:
    """One handler on the root logger, to standard error, in `log_format`. As `logging.basicConfig` does, it
    leaves alone a process whose logging is already set up (pytest's capture, a server's own config) unless
    `force`; app.py forces it at start, and `create_app` calls it unforced, for a server such as gunicorn
    that leaves the root logger bare. True if it did set it up."""
    root = logging.getLogger()
    if root.handlers and not force:
        return False
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(log_format))
    root.setLevel(level)
    quiet_other_access_logs()
    return True


def quiet_other_access_logs() -> None:
    """Werkzeug's development server logs each request line whole, query string included: our own access
    log (kepweb/request_ids.py) replaces it, without the query string and with the request's id."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
