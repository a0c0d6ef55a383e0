"""What every scheduling API client shares: base URL, token, timeouts, errors."""

from __future__ import annotations

import logging

import requests

log = logging.getLogger(__name__)

# (connect, read) in seconds: a citizen waits for neither longer than this.
CONNECT_TIMEOUT = 3.05


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


class ApiClient:
    def __init__(self, config):
        self.base_url = config["SCHEDULING_API_URL"].rstrip("/")
        self.token = config["SCHEDULING_API_TOKEN"]
        self.timeout = (CONNECT_TIMEOUT, config["SCHEDULING_API_TIMEOUT"])
        self.http = requests.Session()

    def _headers(self, citizen_tax_id: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if citizen_tax_id:
            headers["X-Citizen-Tax-Id"] = citizen_tax_id
        return headers

    def request(self, method: str, path: str, *, citizen_tax_id=None, **kwargs):
        url = f"{self.base_url}{path}"
        try:
            response = self.http.request(
                method, url, headers=self._headers(citizen_tax_id), timeout=self.timeout, **kwargs
            )
        except requests.RequestException as error:
            # The path only: query strings may one day carry personal data.
            log.warning("scheduling API %s %s failed: %s", method, path, type(error).__name__)
            raise SchedulingUnavailable(str(type(error).__name__)) from error
        return self._decode(method, path, response)

    def _decode(self, method, path, response):
        if response.status_code >= 500:
            log.warning("scheduling API %s %s answered %s", method, path, response.status_code)
            raise SchedulingUnavailable(f"HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError as error:
            log.warning("scheduling API %s %s answered non-JSON", method, path)
            raise SchedulingUnavailable("not JSON") from error
        if response.status_code >= 400:
            if not isinstance(payload, dict):
                raise SchedulingUnavailable("problem is not an object")
            raise SchedulingProblem(response.status_code, payload)
        return payload

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)
