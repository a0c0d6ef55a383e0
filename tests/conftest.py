"""Fixtures: a real sandbox scheduling API and outbox, the frontend app, and a
page-checking client in the spirit of GOV.UK Notify's `client_request`."""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from kepweb import create_app
from kepweb.logs import handler as log_handler
from sandbox import outbox as outbox_module
from sandbox import scheduling
from tests.clock import SandboxClock
from tests.page_checks import check_page

API_TOKEN = "test-token"
ADMIN_TOKEN = "test-admin-token"
HOLD_MINUTES = 10
NO_CAP_IN_THE_WAY = 10_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerThread:
    """A WSGI app on a real port in a daemon thread."""

    def __init__(self, wsgi_app):
        self.server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def scheduling_database(tmp_path_factory):
    """The sandbox scheduling service's SQLite file, one per test module."""
    return tmp_path_factory.mktemp("scheduling") / "scheduling.sqlite3"


@pytest.fixture(scope="module")
def module_sandbox_clock():
    return SandboxClock()


@pytest.fixture
def sandbox_clock(module_sandbox_clock):
    """The scheduling service's clock, settable (`behind`), back to real time after the test."""
    yield module_sandbox_clock
    module_sandbox_clock.behind = timedelta(0)


@pytest.fixture(scope="module")
def scheduling_api(scheduling_database, outbox_server, module_sandbox_clock):
    """The reference service on a real port, with a database of its own for each
    test module, so that one module's bookings never take another's times. Its
    clock is real time unless a test sets `sandbox_clock`."""
    settings = scheduling.Settings(
        database=scheduling_database,
        frontend_token=API_TOKEN,
        admin_token=ADMIN_TOKEN,
        smtp_port=outbox_server.port,
        background_loops=False,
        hold_minutes=HOLD_MINUTES,
        clock=module_sandbox_clock,
        # A module's tests book many procedures as one citizen: the cap on active bookings is out of their
        # way here, proven in tests/sandbox/test_active_bookings_cap.py and tests/booking/test_active_bookings_cap.py.
        max_active_bookings=NO_CAP_IN_THE_WAY,
    )
    server = ServerThread(scheduling.create_app(settings))
    yield f"{server.url}/v1"
    server.stop()


@pytest.fixture(scope="session")
def outbox_server():
    outbox = outbox_module.Outbox()
    port = free_port()
    outbox.start(port=port)
    outbox.port = port
    yield outbox
    outbox.stop()


@pytest.fixture
def outbox(outbox_server):
    outbox_server.clear()
    return outbox_server


@pytest.fixture
def app_config(scheduling_api, outbox_server):
    """Overrides for create_app; a test may change them before asking for `app`."""
    return {
        "TESTING": True,
        "SCHEDULING_API_URL": scheduling_api,
        "SCHEDULING_API_TOKEN": API_TOKEN,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": outbox_server.port,
    }


@pytest.fixture
def app(app_config):
    return create_app(app_config)


@pytest.fixture
def client(app):
    return app.test_client()


class PageClient:
    """Fetches pages and checks every one (one h1, title, unique ids, labels, lang)."""

    def __init__(self, client):
        self.client = client

    def use_language(self, code: str) -> None:
        self.client.set_cookie("kepweb_lang", code)

    def get(self, url, expected_status=200, **kwargs):
        response = self.client.get(url, **kwargs)
        return self._checked(response, expected_status)

    def post(self, url, data=None, expected_status=200, follow_redirects=False, **kwargs):
        form = dict(data or {})
        if "csrf_token" not in form:
            form["csrf_token"] = self.csrf_token(url)
        response = self.client.post(url, data=form, follow_redirects=follow_redirects, **kwargs)
        if 300 <= response.status_code < 400:
            assert response.status_code == expected_status, response.status_code
            return response
        return self._checked(response, expected_status)

    def csrf_token(self, url) -> str:
        from bs4 import BeautifulSoup

        page = BeautifulSoup(self.client.get(url).get_data(as_text=True), "html.parser")
        # The token of the page's own form in <main>, not the header's sign-out form.
        field = page.select_one("main input[name=csrf_token]") or page.select_one("input[name=csrf_token]")
        assert field is not None, f"no CSRF token on {url}"
        return field["value"]

    @staticmethod
    def _checked(response, expected_status):
        assert response.status_code == expected_status, (response.status_code, response.get_data(as_text=True)[:500])
        page = check_page(response.get_data(as_text=True))
        page.response = response
        return page


@pytest.fixture
def client_request(client):
    return PageClient(client)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """Debian's redis-server on a loopback port of its own for the test session (deploy/processes.py);
    `scripts/test` installs it when missing."""
    from deploy.processes import redis_server

    port = free_port()
    server = redis_server(tmp_path_factory.mktemp("redis"), port).start()
    server.wait_until_listening()
    yield f"redis://127.0.0.1:{port}/0"
    server.stop()


@pytest.fixture
def json_log():
    """What the service logs while the test runs, as production writes it (JSON lines, kepweb/logs.py):
    `json_log()` is the list of lines, each parsed (a line that is not one JSON object fails the test)."""
    written = io.StringIO()
    handler = log_handler("json", written)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def lines() -> list[dict]:
        handler.flush()
        parsed = [json.loads(line) for line in written.getvalue().splitlines()]
        assert all(isinstance(line, dict) for line in parsed)
        return parsed

    lines.text = written.getvalue
    yield lines
    root.removeHandler(handler)
    root.setLevel(level)


@contextmanager
def a_process_of_its_own():
    """The root logger as in a process whose logging nobody has set up yet, as the service's own process starts
    (pytest's capture handlers taken off meanwhile), with what the service sets up taken off again after."""
    root = logging.getLogger()
    kept, level = list(root.handlers), root.level
    for handler in kept:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in kept:
            root.addHandler(handler)
        root.setLevel(level)
