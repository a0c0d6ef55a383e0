"""What every scheduling API client shares: base URL, token, timeouts, retries, errors.

Retries (with backoff, by urllib3) only where repeating cannot do harm: GET,
and POST that carries an Idempotency-Key. Every other call is tried once.
"""

from __future__ import annotations

import logging

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.05
RETRY_STATUSES = (502, 503, 504)


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


# A problem's `code` says what it is (kepweb/refusals.py maps each code to a page);
# "not found" has a class of its own because views ask for one booking and must say 404.
PROBLEM_CLASSES = {"not_found": NotFound}


def _session(retries: int) -> requests.Session:
    session = requests.Session()
    policy = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=0.2,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD", "POST"}),
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    adapter = HTTPAdapter(max_retries=policy, pool_maxsize=16)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


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


#: Problems of a system behind the API, by code: filled by the modules that know them (call_access.py).
UPSTREAM_PROBLEM_CLASSES: dict[str, type] = {}


class ApiClient:
    def __init__(self, config, retries: int = 2):
        self.base_url = config["SCHEDULING_API_URL"].rstrip("/")
        self.token = config["SCHEDULING_API_TOKEN"]
        self.timeout = (CONNECT_TIMEOUT, config["SCHEDULING_API_TIMEOUT"])
        self.http = _session(retries)  # idempotent calls
        self.http_once = _session(0)   # everything else

    def _headers(self, citizen_tax_id=None, idempotency_key=None, staff_subject=None,
                 accept="application/json") -> dict:
        if citizen_tax_id and staff_subject:
            # One request acts for one person: a citizen or a member of the KEP staff, never both.
            raise ValueError("a request acts for a citizen or for a staff member, not both")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": accept}
        if citizen_tax_id:
            headers["X-Citizen-Tax-Id"] = citizen_tax_id
        if staff_subject:
            headers["X-Staff-Subject"] = staff_subject
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def request(self, method: str, path: str, *, citizen_tax_id=None, idempotency_key=None, staff_subject=None,
                accept=None, **kwargs):
        """The answer's JSON object (None for 204); with `accept` (media types other than JSON),
        the `requests.Response` of a success, whose body is in that type."""
        idempotent = method == "GET" or (method == "POST" and idempotency_key)
        session = self.http if idempotent else self.http_once
        try:
            response = session.request(
                method, f"{self.base_url}{path}", timeout=self.timeout,
                headers=self._headers(citizen_tax_id, idempotency_key, staff_subject,
                                      f"{accept}, application/problem+json" if accept else "application/json"),
                **kwargs,
            )
        except requests.RequestException as error:
            # The path only: never query strings or bodies, which may carry personal data.
            log.warning("scheduling API %s %s failed: %s", method, path.split("?")[0], type(error).__name__)
            raise SchedulingUnavailable(type(error).__name__) from error
        return self._decode(method, path, response, accept)

    def _decode(self, method, path, response, accept=None):
        where = path.split("?")[0]
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
                # Our token, the citizen's ΑΦΜ header or the staff header was refused: our fault, not theirs.
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
