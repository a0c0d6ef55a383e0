"""Bulkheads against a slow or failing scheduling API: a deadline per citizen request, a circuit breaker,
and a cap on the calls in flight at once.

A hung API must not hold a server thread for calls × tries × timeout: every API
call of one request shares one budget (`SCHEDULING_API_DEADLINE`), started by
its first call, well inside the proxy's timeout. And an API that keeps failing
is not called at all for a while (the circuit breaker), so that citizens get
the "service unavailable" page at once instead of each waiting for a timeout.

And while the API hangs, before the breaker has seen enough failures to open, no
more than `SCHEDULING_API_CONCURRENCY` of a process's server threads wait on it
(the bulkhead): the others stay free for pages that need no API, such as the
home page. A call that finds every slot taken waits a moment for one, then the
citizen gets the "service unavailable" page.

(pybreaker was considered: it holds one lock across the guarded call itself,
which would make every API call of every thread wait for the one before it.
No well-kept Python library has a thread bulkhead: tenacity retries, `limits`
counts requests per time window, not calls in flight; the standard library's
BoundedSemaphore with a timeout is the whole of it.)
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager

from flask import has_request_context, request

log = logging.getLogger(__name__)

DEFAULT_DEADLINE_SECONDS = 10.0
DEFAULT_BREAKER_FAILURES = 5
DEFAULT_BREAKER_SECONDS = 30.0
# Measured (loadtest, API hung 20 s, embedded default): 0.5 s kept the home page's p95 at 8.3 s, 0.1 s at 5.2 s,
# with the same bookings; on the production stack at steady overload, holds answered 503: 3 of 203 and 0 of 200
# (127 of 317 without the bulkhead).
DEFAULT_QUEUE_SECONDS = 0.1
# A server's threads (gunicorn's KEPWEB_THREADS, app.py's waitress): 8 unless told.
DEFAULT_SERVER_THREADS = 8


def default_concurrency(server_threads: int = DEFAULT_SERVER_THREADS) -> int:
    """The calls in flight a process allows unless told: a quarter of its threads (at least one) kept free
    for pages that need no API, so that a hung API never holds them all."""
    return max(1, server_threads - max(1, server_threads // 4))


DEFAULT_CONCURRENCY = default_concurrency()

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


class NoFreeSlot(Exception):
    """Every slot of the bulkhead stayed taken for as long as this call could wait: shed, never sent."""


class Bulkhead:
    """At most `slots` calls in flight at once in this process; a further call waits up to `queue_seconds`.

    Shedding a call is not the API failing (it was never asked), so it is not the breaker's business.
    """

    def __init__(self, slots: int, queue_seconds: float = DEFAULT_QUEUE_SECONDS, name: str = "scheduling API"):
        self.slots = slots
        self.queue_seconds = queue_seconds
        self.name = name
        # Bounded: a release without its acquire would be a bug that silently raised the cap.
        self._semaphore = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self, seconds_left: float | None = None):
        """Hold a slot for the block; raise NoFreeSlot if none came free in time.

        The wait is cut to what is left of the request's deadline: it is part of the citizen's wait.
        """
        wait = self.queue_seconds if seconds_left is None else max(0.0, min(self.queue_seconds, seconds_left))
        if not self._semaphore.acquire(timeout=wait):
            # No path, no query, no person: only that the cap was reached (how often says the cap is too low).
            log.warning("%s call not sent: all %s slots busy for %.2f s", self.name, self.slots, wait)
            raise NoFreeSlot(self.name)
        try:
            yield
        finally:
            self._semaphore.release()


def bulkhead_from_config(config) -> Bulkhead:
    return Bulkhead(slots=config.get("SCHEDULING_API_CONCURRENCY", DEFAULT_CONCURRENCY),
                    queue_seconds=config.get("SCHEDULING_API_QUEUE_SECONDS", DEFAULT_QUEUE_SECONDS))


def breaker_from_config(config) -> CircuitBreaker:
    return CircuitBreaker(failures=config.get("SCHEDULING_API_BREAKER_FAILURES", DEFAULT_BREAKER_FAILURES),
                          open_seconds=config.get("SCHEDULING_API_BREAKER_SECONDS", DEFAULT_BREAKER_SECONDS))
