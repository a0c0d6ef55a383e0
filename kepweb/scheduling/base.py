"""What every scheduling API client shares: base URL, token, timeouts, retries, errors.

Retries (with backoff) only where repeating cannot do harm: GET, and POST that
carries an Idempotency-Key. Every other call is tried once. All the calls of one
citizen request, retries included, fit in one deadline, a circuit breaker
shared by the app's clients stops calling an API that keeps failing, and a
bulkhead, shared likewise, caps the calls in flight at once
(kepweb/scheduling/resilience.py).
"""

from __future__ import annotations

import logging
import re
import time

import requests
from requests.adapters import HTTPAdapter

from kepweb import request_ids
from kepweb.scheduling import assertion
from kepweb.scheduling.resilience import (
    DEFAULT_DEADLINE_SECONDS,
    Bulkhead,
    CircuitBreaker,
    CircuitOpen,
    NoFreeSlot,
    breaker_from_config,
    bulkhead_from_config,
    seconds_left,
)

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.05
RETRY_STATUSES = (502, 503, 504)
BACKOFF_SECONDS = 0.2


class SchedulingUnavailable(Exception):
    """The API is down, slow, or answered something we cannot understand."""


class SchedulingProblem(Exception):
    """The API refused the request with an RFC 9457 problem (4xx)."""

    def __init__(self, status: int, problem: dict):
        super().__init__(problem.get("code") or problem.get("title") or status)
        self.status = status
        self.problem = problem

    @property
    def code(self) -> str | None:
        return self.problem.get("code")

    @property
    def field_errors(self) -> dict:
        """Messages per field, each {"el": ..., "en": ...}."""
        errors = self.problem.get("errors")
        return errors if isinstance(errors, dict) else {}


class NotFound(SchedulingProblem):
    """No such thing, or not the citizen's (the API does not say which)."""


class TooManyActiveBookings(SchedulingProblem):
    """The citizen already has as many active bookings as one may have (the API's cap, across procedures)."""

    @property
    def limit(self) -> int | None:
        """The cap, as the API says it; None if it did not (then the page says it without the number)."""
        limit = self.problem.get("limit")
        return limit if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0 else None


# A problem's `code` says what it is (kepweb/refusals.py maps each code to a page);
# "not found" has a class of its own because views ask for one booking and must say 404,
# and the cap on active bookings one because its page says the number the problem carries.
PROBLEM_CLASSES = {"not_found": NotFound, "too_many_active_bookings": TooManyActiveBookings}


def _session() -> requests.Session:
    session = requests.Session()
    # No urllib3 retries: `ApiClient._send` retries itself, because only it knows this request's deadline.
    adapter = HTTPAdapter(max_retries=0, pool_maxsize=16)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _retry_after(response) -> float | None:
    """The seconds a 503 asks us to wait (only the number form; a date is treated as no answer)."""
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def _upstream_problem(response) -> SchedulingProblem | None:
    """A 502 in which the API says that a system behind it failed (the call server), not the API itself."""
    if response.status_code != 502 or not response.headers.get("Content-Type", "").startswith(
            "application/problem+json"):
        return None
    try:
        payload = response.json()
    except ValueError:
        return None
    problem_class = UPSTREAM_PROBLEM_CLASSES.get(payload.get("code")) if isinstance(payload, dict) else None
    return problem_class(response.status_code, payload) if problem_class else None


def loggable(path: str) -> str:
    """The path as logs and errors may show it: never the query string or the body, which may carry personal
    data, and a guest's invitation token (a key to the call's details) named, not written."""
    return _INVITATION_TOKEN.sub(r"\1<token>", path.split("?")[0])


_INVITATION_TOKEN = re.compile(r"^(/invitations/)[^/]+")


#: Problems of a system behind the API, by code: filled by the modules that know them (call_access.py).
UPSTREAM_PROBLEM_CLASSES: dict[str, type] = {}


class ApiClient:
    def __init__(self, config, retries: int = 2, breaker: CircuitBreaker | None = None,
                 bulkhead: Bulkhead | None = None):
        self.base_url = config["SCHEDULING_API_URL"].rstrip("/")
        self.token = config["SCHEDULING_API_TOKEN"]  # identifies the frontend, never a citizen
        self.assertion_key = assertion.signing_key(config.get("CITIZEN_ASSERTION_KEY") or assertion.SANDBOX_KEY)
        self.read_timeout = config["SCHEDULING_API_TIMEOUT"]
        self.deadline_seconds = config.get("SCHEDULING_API_DEADLINE", DEFAULT_DEADLINE_SECONDS)
        self.retries = retries  # for idempotent calls; every other call is tried once
        # The app gives all its clients one breaker and one bulkhead (kepweb/scheduling/__init__.py);
        # a lone client has its own.
        self.breaker = breaker if breaker is not None else breaker_from_config(config)
        self.bulkhead = bulkhead if bulkhead is not None else bulkhead_from_config(config)
        self.http = _session()

    def _headers(self, citizen_tax_id=None, idempotency_key=None, staff_subject=None,
                 accept="application/json") -> dict:
        if citizen_tax_id and staff_subject:
            # One request acts for one person: a citizen or a member of the KEP staff, never both.
            raise ValueError("a request acts for a citizen or for a staff member, not both")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": accept}
        request_id = request_ids.current()
        if request_id:
            # The citizen's request's id, which the API logs: one trouble followed through both logs.
            headers[request_ids.HEADER] = request_id
        if citizen_tax_id:
            # The citizen only as a signed, short-lived assertion: the API believes nothing less.
            headers[assertion.HEADER] = assertion.citizen_assertion(self.assertion_key, citizen_tax_id)
        if staff_subject:
            # The staff member likewise, with an assertion of its own kind: never a bare subject the API must take
            # on trust, and never one a citizen's assertion could stand in for.
            headers[assertion.STAFF_HEADER] = assertion.staff_assertion(self.assertion_key, staff_subject)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def request(self, method: str, path: str, *, citizen_tax_id=None, idempotency_key=None, staff_subject=None,
                accept=None, **kwargs):
        """The answer's JSON object (None for 204); with `accept` (media types other than JSON),
        the `requests.Response` of a success, whose body is in that type."""
        idempotent = method == "GET" or (method == "POST" and idempotency_key)
        headers = self._headers(citizen_tax_id, idempotency_key, staff_subject,
                                f"{accept}, application/problem+json" if accept else "application/json")
        where = loggable(path)
        left = self._seconds_left()
        if left is not None and left <= 0:
            log.warning("scheduling API %s %s not called: the request's deadline has passed", method, where)
            raise SchedulingUnavailable("deadline passed")
        try:
            # The slot first, the breaker second: a call shed for want of a slot never reaches the breaker,
            # so it neither counts as a failure nor takes the one trial a half-open breaker allows.
            with self.bulkhead.slot(left):
                response = self._guarded_send(method, path, where, headers, idempotent, **kwargs)
        except NoFreeSlot as error:
            raise SchedulingUnavailable("no free slot") from error
        return self._decode(method, path, response, accept)

    def _guarded_send(self, method, path, where, headers, idempotent, **kwargs) -> requests.Response:
        """The call with its retries, behind the breaker, which learns whether the API answered."""
        try:
            self.breaker.before_call()
        except CircuitOpen as error:
            raise SchedulingUnavailable("circuit open") from error
        failed = True
        try:
            response = self._send(method, f"{self.base_url}{path}", headers=headers,
                                  tries=1 + self.retries if idempotent else 1, **kwargs)
            # A 4xx problem is an answer; a 5xx is the API failing, unless it says a system behind it failed.
            failed = response.status_code >= 500 and _upstream_problem(response) is None
        except requests.RequestException as error:
            log.warning("scheduling API %s %s failed: %s", method, where, type(error).__name__)
            raise SchedulingUnavailable(type(error).__name__) from error
        finally:
            self.breaker.record(failed=failed)
        return response

    def _seconds_left(self) -> float | None:
        return seconds_left(self.deadline_seconds)

    def _send(self, method, url, *, tries: int, **kwargs) -> requests.Response:
        """One call with its retries, each try's timeouts cut to what is left of the request's deadline.

        A retry happens only if a whole try (its pause and the full read timeout) still fits:
        a try cut short is kept for the last one, so a hung API costs at most the deadline.
        """
        for attempt in range(1, tries + 1):
            left = self._seconds_left()
            if left is not None and left <= 0:
                raise requests.Timeout("the request's deadline has passed")
            timeout = ((CONNECT_TIMEOUT, self.read_timeout) if left is None
                       else (min(CONNECT_TIMEOUT, left), min(self.read_timeout, left)))
            last_try = attempt == tries
            try:
                response = self.http.request(method, url, timeout=timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout):
                if last_try or not self._another_try_fits(self._backoff(attempt)):
                    raise
                time.sleep(self._backoff(attempt))
                continue
            if response.status_code in RETRY_STATUSES and not last_try:
                pause = _retry_after(response)
                pause = self._backoff(attempt) if pause is None else pause
                if self._another_try_fits(pause):
                    response.close()
                    time.sleep(pause)
                    continue
            return response
        raise AssertionError("unreachable: the last try returns or raises")

    @staticmethod
    def _backoff(attempt: int) -> float:
        # As urllib3 did: the first retry at once, then 0.4 s, 0.8 s...
        return 0.0 if attempt == 1 else BACKOFF_SECONDS * 2 ** (attempt - 1)

    def _another_try_fits(self, pause: float) -> bool:
        left = self._seconds_left()
        return left is None or left - pause >= self.read_timeout

    def _decode(self, method, path, response, accept=None):
        where = loggable(path)
        upstream = _upstream_problem(response)
        if upstream is not None:
            raise upstream
        if response.status_code >= 500:
            log.warning("scheduling API %s %s answered %s", method, where, response.status_code)
            raise SchedulingUnavailable(f"HTTP {response.status_code}")
        if response.status_code == 204:
            return None
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if accept and response.status_code < 300:
            if content_type not in {media_type.strip() for media_type in accept.split(",")}:
                log.warning("scheduling API %s %s answered %s", method, where, content_type or "no content type")
                raise SchedulingUnavailable(f"not {accept}")
            return response
        if content_type not in ("application/json", "application/problem+json"):
            log.warning("scheduling API %s %s answered %s", method, where, content_type or "no content type")
            raise SchedulingUnavailable("not JSON")
        try:
            payload = response.json()
        except ValueError as error:
            log.warning("scheduling API %s %s answered invalid JSON", method, where)
            raise SchedulingUnavailable("invalid JSON") from error
        if response.status_code >= 400:
            if not isinstance(payload, dict):
                raise SchedulingUnavailable("problem is not an object")
            if response.status_code == 401:
                # Our token, or our assertion of the citizen or of the staff member, was refused: our fault, not theirs.
                log.error("scheduling API refused the frontend's credentials")
                raise SchedulingUnavailable("credentials refused")
            problem_class = PROBLEM_CLASSES.get(payload.get("code"), SchedulingProblem)
            raise problem_class(response.status_code, payload)
        if not isinstance(payload, dict):
            raise SchedulingUnavailable("answer is not an object")
        return payload

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.request("DELETE", path, **kwargs)
