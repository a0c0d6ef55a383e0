"""The bulkhead: at most SCHEDULING_API_CONCURRENCY calls to the scheduling API in flight in one process.

While the API hangs, and before the breaker has seen enough failures to open, citizens who need the API
could otherwise hold every server thread, and the home page would queue behind them. Never a wall-clock
threshold: the tests count the connections the hung API accepted, the tries the client made and what
each citizen got.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import app as entry_point
from kepweb import create_app
from kepweb.config import from_environment
from kepweb.scheduling import SchedulingProblem, SchedulingUnavailable
from kepweb.scheduling.base import ApiClient
from kepweb.scheduling.resilience import Bulkhead, CircuitBreaker, NoFreeSlot
from tests.conftest import ServerThread
from tests.live_service import ROBOT_BUDGETS
from tests.test_api_deadlines import hung_api  # noqa: F401 (the fixture)

SLOTS = 2


@pytest.fixture
def api_tries(monkeypatch, hung_api):  # noqa: F811 (the fixture)
    """Every try the frontend made at the hung API (the test's own requests to the frontend are not counted)."""
    made = []
    real = requests.Session.request

    def recording(self, method, url, *args, **kwargs):
        if url.startswith(hung_api.url):
            made.append(method)
        return real(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recording)
    return made


@pytest.fixture
def frontend_on_waitress(app_config, hung_api):  # noqa: F811 (the fixture)
    """The frontend served as app.py serves it (waitress, few threads), its API hung: one thread more than
    the bulkhead's slots, for everything else. The API's timeouts are long, so that the calls that got a
    slot stay in flight until the test closes the hung API."""
    app = create_app({**app_config, "SCHEDULING_API_URL": hung_api.url, "RATELIMITS": ROBOT_BUDGETS,
                      "SCHEDULING_API_CONCURRENCY": SLOTS, "SCHEDULING_API_QUEUE_SECONDS": 0.05,
                      "SCHEDULING_API_TIMEOUT": 60, "SCHEDULING_API_DEADLINE": 120,
                      "SCHEDULING_API_BREAKER_FAILURES": 100, "SCHEDULING_CATALOGUE_SECONDS": 0})
    server = entry_point.LoopbackServer(threads=SLOTS + 1, ident="kepweb-test").serve(app)
    yield server.url, app
    hung_api.close()
    server.stop()


def test_with_every_slot_held_by_a_hung_api_a_further_citizen_gets_the_503_page_at_once_and_the_home_page_is_served(
        frontend_on_waitress, hung_api, api_tries):  # noqa: F811 (the fixtures)
    url, app = frontend_on_waitress
    breaker = app.extensions["scheduling"].places.breaker
    with ThreadPoolExecutor(SLOTS) as waiting:
        held = [waiting.submit(requests.get, f"{url}/municipalities?q=abc", timeout=120) for _ in range(SLOTS)]
        assert hung_api.accepted(at_least=SLOTS) == SLOTS, "each slot's call is at the hung API"

        shed = requests.get(f"{url}/municipalities?q=abc", headers={"Accept-Language": "en"}, timeout=60)
        assert shed.status_code == 503
        assert "Sorry, the service is unavailable" in shed.text
        home = requests.get(f"{url}/", timeout=60)
        assert home.status_code == 200
        assert len(api_tries) == SLOTS, "the shed call opened no connection"
        assert hung_api.accepted() == SLOTS
        # Shedding is not the API failing: the breaker has counted nothing, and stays closed.
        assert breaker.state == CircuitBreaker.CLOSED
        assert breaker._failures == 0

        hung_api.close()  # the held calls now fail, and give their slots back
        assert [answer.result().status_code for answer in held] == [503] * SLOTS

    # Both slots are free again: the next citizen's call goes out (to an API that is gone now).
    tries_before = len(api_tries)
    requests.get(f"{url}/municipalities?q=abc", timeout=60)
    assert len(api_tries) > tries_before


def test_shedding_is_logged_without_the_path_or_what_the_citizen_typed(frontend_on_waitress, hung_api, caplog):  # noqa: F811
    url, _app = frontend_on_waitress
    with ThreadPoolExecutor(SLOTS) as waiting:
        held = [waiting.submit(requests.get, f"{url}/municipalities?q=abc", timeout=120) for _ in range(SLOTS)]
        hung_api.accepted(at_least=SLOTS)
        assert requests.get(f"{url}/municipalities?q=secret-query", timeout=60).status_code == 503
        hung_api.close()
        for answer in held:
            answer.result()
    shed = [record.getMessage() for record in caplog.records if "slots busy" in record.getMessage()]
    assert shed == [f"scheduling API call not sent: all {SLOTS} slots busy for 0.05 s"]
    assert "secret-query" not in caplog.text
    assert "municipalities" not in " ".join(shed)


# -- the slot comes back on every path -----------------------------------------------------

class Answers:
    """A scheduling API on a real port that answers each call as the test says, counting the calls."""

    def __init__(self):
        self.calls = 0
        self.answer = ("200 OK", "application/json", b'{"items": []}')
        self.server = ServerThread(self._serve)
        self.config = {"SCHEDULING_API_URL": f"{self.server.url}/v1", "SCHEDULING_API_TOKEN": "t",
                       "SCHEDULING_API_TIMEOUT": 5, "SCHEDULING_API_BREAKER_FAILURES": 1000}

    def _serve(self, environ, start_response):
        self.calls += 1
        status, content_type, body = self.answer
        start_response(status, [("Content-Type", content_type)])
        return [body]


@pytest.fixture
def answers():
    api = Answers()
    yield api
    api.server.server.shutdown()


def one_slot_client(config) -> ApiClient:
    # One slot and no wait: a slot not given back would shed the very next call.
    return ApiClient(config, retries=0, bulkhead=Bulkhead(1, queue_seconds=0))


def test_the_slot_is_given_back_after_an_answer_a_problem_and_a_5xx(answers):
    client = one_slot_client(answers.config)
    client.get("/procedures")
    answers.answer = ("422 Unprocessable Content", "application/problem+json", b'{"code": "validation"}')
    with pytest.raises(SchedulingProblem):
        client.get("/procedures")
    answers.answer = ("500 Internal Server Error", "application/json", b"{}")
    with pytest.raises(SchedulingUnavailable):
        client.get("/procedures")
    answers.answer = ("200 OK", "text/html", b"<p>not JSON</p>")
    with pytest.raises(SchedulingUnavailable):
        client.get("/procedures")
    answers.answer = ("200 OK", "application/json", b'{"items": []}')
    assert client.get("/procedures") == {"items": []}
    assert answers.calls == 5, "every call got the one slot"


def test_the_slot_is_given_back_after_a_timeout(hung_api, answers):  # noqa: F811 (the fixture)
    bulkhead = Bulkhead(1, queue_seconds=0)
    hung = ApiClient({**answers.config, "SCHEDULING_API_URL": hung_api.url, "SCHEDULING_API_TIMEOUT": 0.2},
                     retries=0, bulkhead=bulkhead)
    with pytest.raises(SchedulingUnavailable, match="Timeout"):
        hung.get("/procedures")
    assert ApiClient(answers.config, retries=0, bulkhead=bulkhead).get("/procedures") == {"items": []}
    assert answers.calls == 1


def test_the_slot_is_given_back_when_the_call_raises_something_unexpected(answers, monkeypatch):
    client = one_slot_client(answers.config)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug below the client")

    with monkeypatch.context() as patch:
        patch.setattr(requests.Session, "request", broken)
        with pytest.raises(RuntimeError):
            client.get("/procedures")
    assert client.get("/procedures") == {"items": []}
    assert answers.calls == 1


def test_a_shed_call_neither_counts_as_a_failure_nor_takes_the_half_open_trial(answers):
    bulkhead = Bulkhead(1, queue_seconds=0)
    client = ApiClient(answers.config, retries=0, bulkhead=bulkhead)
    now = [0.0]
    client.breaker = CircuitBreaker(failures=1, open_seconds=30, clock=lambda: now[0])
    client.breaker.before_call()
    client.breaker.record(failed=True)
    now[0] = 30  # the breaker would let one trial through
    # Another thread holds the one slot.
    with bulkhead.slot(), pytest.raises(SchedulingUnavailable, match="no free slot"):
        client.get("/procedures")
    assert answers.calls == 0
    assert client.get("/procedures") == {"items": []}, "the trial was still there for the next call"
    assert client.breaker.state == CircuitBreaker.CLOSED


# -- how long a call waits for a slot ------------------------------------------------------

class RecordingSemaphore:
    """Stands in for the bulkhead's semaphore: says no, and remembers how long it was asked to wait."""

    def __init__(self):
        self.waits = []

    def acquire(self, timeout=None):
        self.waits.append(timeout)
        return False


def test_the_wait_for_a_slot_is_cut_to_what_is_left_of_the_deadline():
    bulkhead = Bulkhead(1, queue_seconds=2)
    bulkhead._semaphore = RecordingSemaphore()
    for left in (None, 5, 0.3, -1):
        with pytest.raises(NoFreeSlot), bulkhead.slot(left):
            pass
    assert bulkhead._semaphore.waits == [2, 2, 0.3, 0.0]


def test_the_cap_is_shared_by_all_the_clients_of_one_app(app):
    bulkheads = {id(client.bulkhead) for client in vars(app.extensions["scheduling"]).values()}
    assert len(bulkheads) == 1


def test_the_default_cap_leaves_threads_free_for_pages_without_the_api():
    assert from_environment({})["SCHEDULING_API_CONCURRENCY"] == 6  # of app.py's and gunicorn's 8 threads
    assert from_environment({"KEPWEB_THREADS": "16"})["SCHEDULING_API_CONCURRENCY"] == 12
    assert from_environment({"KEPWEB_THREADS": "2"})["SCHEDULING_API_CONCURRENCY"] == 1
    assert from_environment({"KEPWEB_SCHEDULING_API_CONCURRENCY": "3"})["SCHEDULING_API_CONCURRENCY"] == 3


def test_a_released_slot_lets_a_waiting_call_through():
    bulkhead = Bulkhead(1, queue_seconds=60)
    holding, through = threading.Event(), []
    release = threading.Event()

    def hold():
        with bulkhead.slot():
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(30)

    def wait_then_call():
        with bulkhead.slot():
            through.append(True)

    waiter = threading.Thread(target=wait_then_call)
    waiter.start()
    release.set()
    holder.join(30)
    waiter.join(30)
    assert through == [True]
