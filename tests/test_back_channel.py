"""The embedded default never calls itself on the threads that serve citizens (issue 16).

`python app.py` serves citizens with a fixed number of waitress threads. When the frontend called its own
API on that port, citizens who all needed the API at once held every thread, and the API calls they waited
for queued behind them until the deadline ran out: each got the "service unavailable" page. The frontend
now calls the sandbox on a back channel, a listener with threads of its own.

Never a wall-clock threshold: a barrier makes every citizen thread busy at once, deterministically, and the
tests look at what the citizens got.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import app as entry_point
from tests.conftest import free_port
from tests.live_service import ROBOT_BUDGETS

CITIZEN_THREADS = 2
# Short, so that the starved case ends quickly; the outcome, not the time, is what the tests assert.
FAST_FAILURE = {"SCHEDULING_API_TIMEOUT": 1, "SCHEDULING_API_DEADLINE": 2}


class AllThreadsAtOnce:
    """Holds each request for a citizen page until `parties` of them are in the frontend together: every
    citizen thread is then busy, and only then do they call the API."""

    def __init__(self, frontend, parties: int):
        self.frontend = frontend
        self.barrier = threading.Barrier(parties, timeout=30)

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == "/municipalities":
            self.barrier.wait()
        return self.frontend(environ, start_response)


@pytest.fixture
def embedded(tmp_path):
    """The embedded default as app.py serves it (waitress, a fixed number of citizen threads), and a way to
    point its frontend back at its own port, as it used to be."""
    started = []

    def start(api_on_citizens_port: bool):
        citizens_port = entry_point.LoopbackServer(threads=CITIZEN_THREADS, ident="kepweb-test")
        overrides = {"RATELIMITS": ROBOT_BUDGETS, "SCHEDULING_CATALOGUE_SECONDS": 0, **FAST_FAILURE}
        if api_on_citizens_port:
            overrides["SCHEDULING_API_URL"] = f"{citizens_port.url}/sandbox/scheduling/v1"
        wsgi_app, frontend, outbox, back_channel = entry_point.embedded_default(
            citizens_port.url, free_port(), overrides, {"database": tmp_path / "scheduling.sqlite3"})
        wsgi_app.app = AllThreadsAtOnce(wsgi_app.app, CITIZEN_THREADS)
        citizens_port.serve(wsgi_app)
        started.extend([citizens_port, back_channel, outbox])
        return citizens_port.url, frontend, back_channel

    yield start
    for server in started:
        server.stop()


def citizens_at_once(url: str) -> list[int]:
    """As many citizens as there are threads open a page that needs the API, at the same moment."""
    with ThreadPoolExecutor(CITIZEN_THREADS) as pool:
        answers = list(pool.map(lambda _: requests.get(f"{url}/municipalities", timeout=60),
                                range(CITIZEN_THREADS)))
    return [answer.status_code for answer in answers]


def test_the_fault_calling_the_api_on_the_citizens_port_starves_every_citizen(embedded):
    """The failure issue 16 found, reproduced: with the API on the citizens' own port, the citizens'
    API calls wait for threads that the citizens themselves hold, and each gets a 503."""
    url, _frontend, _back_channel = embedded(api_on_citizens_port=True)
    assert citizens_at_once(url) == [503] * CITIZEN_THREADS


def test_the_api_on_its_back_channel_serves_citizens_who_hold_every_thread(embedded):
    url, frontend, back_channel = embedded(api_on_citizens_port=False)
    assert citizens_at_once(url) == [200] * CITIZEN_THREADS
    assert frontend.config["SCHEDULING_API_URL"] == f"{back_channel.url}/sandbox/scheduling/v1"


def test_every_call_the_frontend_makes_to_the_sandbox_goes_to_the_back_channel(embedded):
    """Signing in calls GSIS's token and userinfo endpoints from a citizen's thread; the SMS gateway is
    called from the sandbox's own loop. The browser's paths (sign-in page, logout) stay on the main port."""
    url, frontend, back_channel = embedded(api_on_citizens_port=False)
    config = frontend.config
    for name in ("GSIS_TOKEN_URL", "GSIS_USERINFO_URL"):
        assert config[name].startswith(f"{back_channel.url}/oauth2server/"), name
    for name in ("GSIS_AUTHORIZE_URL", "GSIS_LOGOUT_URL"):
        assert config[name].startswith(f"{url}/oauth2server/"), name
    assert back_channel.url.startswith("http://127.0.0.1:")  # loopback only
    # The back channel answers the stand-ins and nothing else: no citizen page is served there.
    assert requests.get(f"{back_channel.url}/sandbox/scheduling/v1/categories", timeout=10,
                        headers={"Authorization": f"Bearer {entry_point.SANDBOX_API_TOKEN}"}).status_code == 200
    assert requests.get(f"{back_channel.url}/", timeout=10).status_code == 404


def test_the_back_channel_listens_on_the_port_it_is_given(tmp_path):
    port = free_port()
    server = entry_point.LoopbackServer(port).serve(lambda environ, start: [])
    try:
        assert server.url == f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_app_py_serves_a_citizen_while_many_others_keep_connections_open():
    """Browsers keep their connections open between pages. At waitress's default limit of 100 open
    connections, app.py stopped accepting new ones: in the load test, half of 200 citizens waited a
    minute for the home page. Idle connections hold no thread; they must not shut others out."""
    import socket
    from types import SimpleNamespace

    from waitress import create_server

    def page(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    options = entry_point.waitress_options(SimpleNamespace(config={"TRUSTED_PROXIES": 0}))
    server = create_server(page, host="127.0.0.1", port=0, **options)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/"
    idle = []
    try:
        for _ in range(150):
            idle.append(socket.create_connection(("127.0.0.1", server.effective_port), timeout=10))
            requests.get(url, timeout=10)  # each new connection taken in, as a browser's would be
        assert requests.get(url, timeout=10).text == "ok"
    finally:
        for connection in idle:
            connection.close()
        server.close()
