"""A hung or failing scheduling API: one deadline per citizen request, and the circuit breaker.

Never a wall-clock threshold (test machines are noisy): the tests count the tries
the client made, the read timeouts it gave them and the connections the hung API
accepted.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from kepweb import create_app
from kepweb.scheduling import SchedulingUnavailable, clients
from kepweb.scheduling.base import ApiClient
from kepweb.scheduling.resilience import CircuitBreaker
from tests.conftest import PageClient, ServerThread
from tests.page_checks import text_of


class HungApi:
    """Accepts connections and never answers a byte."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/v1"
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def accepted(self, at_least=0) -> int:
        """Connections accepted; waits (not a time limit on the code under test) for the accept thread
        to catch up with `at_least` connections the client has already made."""
        waited_until = time.monotonic() + 10
        while len(self.connections) < at_least and time.monotonic() < waited_until:
            time.sleep(0.01)
        return len(self.connections)

    def close(self):
        # shutdown first: a bare close() leaves the socket listening while the accept thread is blocked in it,
        # and a retry would then connect and wait its whole read timeout.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def hung_api():
    api = HungApi()
    yield api
    api.close()


@pytest.fixture
def tries(monkeypatch):
    """Every try the scheduling client makes, as (method, read timeout)."""
    made = []
    real = requests.Session.request

    def recording(self, method, url, *args, timeout=None, **kwargs):
        made.append((method, timeout[1]))
        return real(self, method, url, *args, timeout=timeout, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recording)
    return made


def app_against(app_config, url, **settings):
    return create_app({**app_config, "SCHEDULING_API_URL": url, **settings})


def test_a_request_of_several_calls_to_a_hung_api_ends_within_its_deadline(app_config, hung_api, tries):
    timeout, deadline = 0.5, 1.2
    app = app_against(app_config, hung_api.url, SCHEDULING_API_TIMEOUT=timeout, SCHEDULING_API_DEADLINE=deadline,
                      SCHEDULING_API_BREAKER_FAILURES=100)
    outcomes = []

    @app.get("/test-three-calls")
    def three_calls():
        # A view that gets by without some of its calls (as a page with optional parts would).
        for path in ("/categories", "/municipalities", "/keps"):
            try:
                clients().categories.get(path)
                outcomes.append("answered")
            except SchedulingUnavailable:
                outcomes.append("unavailable")
        return "done"

    assert app.test_client().get("/test-three-calls").status_code == 200
    assert outcomes == ["unavailable"] * 3
    # Without the deadline: 3 calls × 3 tries of 0.5 s. With it: each try has at most what is left,
    # a try that lasts its whole timeout (a hung API) uses it up, so the timeouts add up to the deadline at most.
    read_timeouts = [read for _method, read in tries]
    assert 1 <= len(tries) <= 3, tries
    assert all(read <= timeout for read in read_timeouts)
    assert sum(read_timeouts) <= deadline
    assert hung_api.accepted(at_least=len(tries)) == len(tries)


def test_the_next_request_has_a_deadline_of_its_own(app_config, hung_api, tries):
    app = app_against(app_config, hung_api.url, SCHEDULING_API_TIMEOUT=0.3, SCHEDULING_API_DEADLINE=0.5,
                      SCHEDULING_API_BREAKER_FAILURES=100)
    client = PageClient(app.test_client())
    for _ in range(2):
        client.get("/municipalities?q=abc", expected_status=503)
    # 0.5 s leaves no room for a second try of 0.3 s: one try per request, the second request not refused.
    assert [method for method, _read in tries] == ["GET", "GET"]
    assert tries[0][1] == pytest.approx(0.3)


def test_after_the_failures_in_a_row_the_breaker_answers_at_once_and_pages_without_the_api_stay_up(
        app_config, hung_api, tries):
    app = app_against(app_config, hung_api.url, SCHEDULING_API_TIMEOUT=0.3, SCHEDULING_API_DEADLINE=0.5,
                      SCHEDULING_API_BREAKER_FAILURES=2, SCHEDULING_API_BREAKER_SECONDS=600)
    client = PageClient(app.test_client())
    client.use_language("en")
    for _ in range(2):
        client.get("/municipalities?q=abc", expected_status=503)
    assert hung_api.accepted(at_least=2) == 2
    breaker = app.extensions["scheduling"].places.breaker
    assert breaker.state == CircuitBreaker.OPEN

    page = client.get("/municipalities?q=abc", expected_status=503)
    assert text_of(page.h1).endswith("Sorry, the service is unavailable")
    assert page.find("a", href="/municipalities?q=abc"), "a way to try again"
    for path in ("/", "/manual", "/accessibility"):
        client.get(path)
    assert len(tries) == 2, "no call went out while the breaker is open"
    assert hung_api.accepted() == 2


def test_all_the_clients_of_one_app_share_one_breaker(app):
    breakers = {id(client.breaker) for client in vars(app.extensions["scheduling"]).values()}
    assert len(breakers) == 1


def test_after_the_open_period_a_good_answer_closes_the_breaker(app, client_request, tries):
    now = [1000.0]
    breaker = app.extensions["scheduling"].places.breaker
    breaker.clock = lambda: now[0]
    for _ in range(breaker.failure_threshold):
        breaker.before_call()
        breaker.record(failed=True)
    assert breaker.state == CircuitBreaker.OPEN
    client_request.get("/municipalities?q=chania", expected_status=503)
    assert tries == []

    now[0] += breaker.open_seconds
    client_request.get("/municipalities?q=chania")
    assert breaker.state == CircuitBreaker.CLOSED
    assert tries, "the trial call went out, and the page's other calls after it"


def problem_api(status, body, content_type="application/problem+json", headers=()):
    calls = []

    def answer(environ, start_response):
        calls.append(environ["PATH_INFO"])
        start_response(status, [("Content-Type", content_type), *headers])
        return [body]

    server = ServerThread(answer)
    config = {"SCHEDULING_API_URL": f"{server.url}/v1", "SCHEDULING_API_TOKEN": "t", "SCHEDULING_API_TIMEOUT": 2,
              "SCHEDULING_API_BREAKER_FAILURES": 1}
    return server, config, calls


def test_a_4xx_problem_is_an_answer_not_a_failure():
    server, config, calls = problem_api("422 Unprocessable Content", b'{"code": "validation", "title": "no"}')
    client = ApiClient(config)
    try:
        for _ in range(3):
            with pytest.raises(Exception, match="validation"):
                client.get("/procedures")
        assert client.breaker.state == CircuitBreaker.CLOSED
        assert len(calls) == 3
    finally:
        server.stop()


def test_a_5xx_is_a_failure():
    server, config, calls = problem_api("500 Internal Server Error", b"{}", "application/json")
    client = ApiClient(config, retries=0)
    try:
        for _ in range(2):
            with pytest.raises(SchedulingUnavailable):
                client.get("/procedures")
        assert client.breaker.state == CircuitBreaker.OPEN
        assert len(calls) == 1, "the second call never left"
    finally:
        server.stop()


def test_a_retry_after_longer_than_what_is_left_is_not_waited_for(app_config, tries):
    server, config, calls = problem_api("503 Service Unavailable", b"{}", "application/json",
                                        headers=[("Retry-After", "120")])
    app = app_against(app_config, config["SCHEDULING_API_URL"], SCHEDULING_API_DEADLINE=5,
                      SCHEDULING_API_BREAKER_FAILURES=100)
    try:
        PageClient(app.test_client()).get("/municipalities?q=abc", expected_status=503)
    finally:
        server.stop()
    assert len(calls) == 1


# -- the breaker on its own, with a clock of the test's ----------------------------------

class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def failed_calls(breaker, count):
    for _ in range(count):
        breaker.before_call()
        breaker.record(failed=True)


def test_half_open_lets_one_trial_through_and_a_failed_trial_opens_it_again():
    from kepweb.scheduling.resilience import CircuitOpen

    clock = Clock()
    breaker = CircuitBreaker(failures=3, open_seconds=30, clock=clock)
    failed_calls(breaker, 3)
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    clock.now = 30
    breaker.before_call()  # the trial
    assert breaker.state == CircuitBreaker.HALF_OPEN
    with pytest.raises(CircuitOpen):
        breaker.before_call()  # another citizen while the trial is out
    breaker.record(failed=True)
    assert breaker.state == CircuitBreaker.OPEN
    clock.now = 59
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    clock.now = 60
    breaker.before_call()
    breaker.record(failed=False)
    assert breaker.state == CircuitBreaker.CLOSED
    breaker.before_call()


def test_failures_far_apart_or_broken_by_a_success_do_not_open_it():
    clock = Clock()
    breaker = CircuitBreaker(failures=3, open_seconds=30, clock=clock)
    failed_calls(breaker, 2)
    breaker.before_call()
    breaker.record(failed=False)
    failed_calls(breaker, 2)
    assert breaker.state == CircuitBreaker.CLOSED
    clock.now = 31  # the window of the first of these two has passed
    failed_calls(breaker, 1)
    assert breaker.state == CircuitBreaker.CLOSED
    failed_calls(breaker, 2)
    assert breaker.state == CircuitBreaker.OPEN


def test_state_changes_are_logged_without_urls(app_config, hung_api, caplog):
    app = app_against(app_config, hung_api.url, SCHEDULING_API_TIMEOUT=0.3, SCHEDULING_API_DEADLINE=0.5,
                      SCHEDULING_API_BREAKER_FAILURES=1)
    PageClient(app.test_client()).get("/municipalities?q=secret-query", expected_status=503)
    assert "scheduling API circuit open" in caplog.text
    assert "secret-query" not in caplog.text
