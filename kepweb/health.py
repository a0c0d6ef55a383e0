"""/healthz and /readyz, for the process manager, the proxy and the load balancer.

- /healthz: the process is up and answers. It asks nothing of anyone, so a slow
  API never makes an orchestrator restart a frontend that is fine.
- /readyz: this instance can serve citizens, because every system it needs
  answers: the scheduling API, and Redis when it is the shared store
  (kepweb/shared_store.py). Each need is a readiness check, a function that says
  "ok" or what is wrong, added with `add_readiness_check`. A balancer stops
  sending citizens to an instance that answers 503 and tries again later.

Both answer JSON, are never cached, need no sign-in, write no session and send
no cookie, and say nothing about anyone: only the names of the checks and how
each went.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import requests
from flask import Blueprint, current_app, jsonify

from kepweb import request_ids
from kepweb.security import csrf

log = logging.getLogger(__name__)
health = Blueprint("health", __name__)

OK = "ok"
# Seconds to connect and to read: a probe must answer well inside the balancer's own timeout
# (typically 5 s), and a healthy API answers the catalogue at once. No retries: the balancer asks again.
READINESS_TIMEOUT = (1, 2)
READINESS_CHECKS = "readiness_checks"

ReadinessCheck = Callable[[], str]


def add_readiness_check(app, name: str, check: ReadinessCheck) -> None:
    """`check()` returns OK, or a few words on what is wrong (never personal data)."""
    app.extensions.setdefault(READINESS_CHECKS, {})[name] = check


def scheduling_api_answers() -> str:
    """A cheap GET the API answers without a citizen: the categories of procedures."""
    config = current_app.config
    url = f"{config['SCHEDULING_API_URL'].rstrip('/')}/categories"
    try:
        response = requests.get(url, timeout=READINESS_TIMEOUT, allow_redirects=False, headers={
            "Authorization": f"Bearer {config['SCHEDULING_API_TOKEN']}", "Accept": "application/json",
            request_ids.HEADER: request_ids.current()})
    except requests.Timeout:
        return "timed out"
    except requests.RequestException as error:
        return f"unreachable ({type(error).__name__})"
    if response.status_code != 200:
        return f"answered HTTP {response.status_code}"
    return OK


def _not_stored(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@health.get("/healthz")
def healthz():
    return _not_stored(jsonify(status=OK))


@health.get("/readyz")
def readyz():
    checks = {name: check() for name, check in current_app.extensions.get(READINESS_CHECKS, {}).items()}
    failing = {name: result for name, result in checks.items() if result != OK}
    if failing:
        log.warning("not ready: %s", ", ".join(f"{name} {result}" for name, result in failing.items()))
        return _not_stored(jsonify(status="unavailable", checks=checks)), 503
    return _not_stored(jsonify(status=OK, checks=checks))


def init_app(app):
    # GET only, so CSRF would never check them anyway; exempt so that no change there ever makes
    # a probe ask for a token (which would set a session cookie).
    csrf.exempt(health)
    app.register_blueprint(health)
    add_readiness_check(app, "scheduling_api", scheduling_api_answers)
