"""Bulkheads against a slow or failing scheduling API: a deadline per citizen request, and a circuit breaker.

A hung API must not hold a server thread for calls × tries × timeout: every API
call of one request shares one budget (`SCHEDULING_API_DEADLINE`), started by
its first call, well inside the proxy's timeout. And an API that keeps failing
is not called at all for a while (the circuit breaker), so that citizens get
the "service unavailable" page at once instead of each waiting for a timeout.

(pybreaker was considered: it holds one lock across the guarded call itself,
which would make every API call of every thread wait for the one before it.)
"""

from __future__ import annotations

import logging
import threading
import time

from flask import has_request_context, request

log = logging.getLogger(__name__)

DEFAULT_DEADLINE_SECONDS = 10.0
DEFAULT_BREAKER_FAILURES = 5
DEFAULT_BREAKER_SECONDS = 30.0

# In the request's WSGI environ, not flask.g: g belongs to the app context, which
# outlives one request when an app context was already pushed (scripts, tests).
_DEADLINE_KEY = "kepweb.scheduling_api_deadline"


def seconds_left(deadline_seconds: float, clock=time.monotonic) -> float | None:
    """What is left of this request's budget for API calls; the first call starts it.

    None outside a request (a script, a background task): those have only the per-try timeouts.
    """
    if not has_request_context():
        return None
    ends_at = request.environ.setdefault(_DEADLINE_KEY, clock() + deadline_seconds)
    return ends_at - clock()


class CircuitOpen(Exception):
    """The breaker refuses the call without touching the network."""


class CircuitBreaker:
    """Closed → (N failures in a row within the window) → open for M seconds → one trial call → closed or open.

    Thread-safe; the lock is held only to read and change the state, never during a call.
    A failure is an API that did not answer properly (a timeout, no connection, a 5xx);
    a 4xx problem is an answer and counts as a success.
    """

    CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"

    def __init__(self, failures: int = DEFAULT_BREAKER_FAILURES, open_seconds: float = DEFAULT_BREAKER_SECONDS,
                 window_seconds: float | None = None, clock=time.monotonic, name: str = "scheduling API"):
        self.failure_threshold = failures
        self.open_seconds = open_seconds
        # Failures further apart than this are not "in a row": a bad minute last hour does not count.
        self.window_seconds = open_seconds if window_seconds is None else window_seconds
        self.clock = clock
        self.name = name
        self.state = self.CLOSED
        self._failures = 0
        self._first_failure_at = 0.0
        self._opened_at = 0.0
        self._trial_in_flight = False
        self._lock = threading.Lock()

    def before_call(self) -> None:
        """Raise CircuitOpen unless this call may go to the network."""
        with self._lock:
            if self.state == self.CLOSED:
                return
            if self.state == self.OPEN and self.clock() - self._opened_at >= self.open_seconds:
                self._change(self.HALF_OPEN)
            if self.state == self.HALF_OPEN and not self._trial_in_flight:
                # This call is the one trial; every other one is refused until it is decided.
                self._trial_in_flight = True
                return
            raise CircuitOpen(self.name)

    def record(self, *, failed: bool) -> None:
        """The outcome of a call that `before_call` let through (always called, whatever happened)."""
        with self._lock:
            self._trial_in_flight = False
            if not failed:
                self._failures = 0
                if self.state != self.CLOSED:
                    self._change(self.CLOSED)
                return
            now = self.clock()
            if self.state == self.HALF_OPEN:
                self._open(now)
                return
            if self._failures == 0 or now - self._first_failure_at > self.window_seconds:
                self._failures, self._first_failure_at = 0, now
            self._failures += 1
            if self._failures >= self.failure_threshold:
                self._open(now)

    def _open(self, now: float) -> None:
        self._opened_at = now
        self._failures = 0
        self._change(self.OPEN)

    def _change(self, state: str) -> None:
        if state == self.OPEN:
            log.warning("%s circuit open: calls refused for %s s", self.name, self.open_seconds)
        else:
            log.info("%s circuit %s", self.name, state)
        self.state = state


def breaker_from_config(config) -> CircuitBreaker:
    return CircuitBreaker(failures=config.get("SCHEDULING_API_BREAKER_FAILURES", DEFAULT_BREAKER_FAILURES),
                          open_seconds=config.get("SCHEDULING_API_BREAKER_SECONDS", DEFAULT_BREAKER_SECONDS))
