"""/healthz (the process answers) and /readyz (the systems this instance needs answer): JSON, never
cached, no sign-in, no session, a short timeout on the scheduling API, and a hook for more checks."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from kepweb import create_app, health
from tests.conftest import free_port


def assert_probe_answer(response, status_code):
    assert response.status_code == status_code
    assert response.is_json
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session made for a probe


def test_healthz_answers_ok_without_asking_the_api(app_config):
    app = create_app({**app_config, "SCHEDULING_API_URL": f"http://127.0.0.1:{free_port()}/v1"})
    response = app.test_client().get("/healthz")
    assert_probe_answer(response, 200)
    assert response.json == {"status": "ok"}


def test_readyz_answers_ok_when_the_scheduling_api_answers(client):
    response = client.get("/readyz")
    assert_probe_answer(response, 200)
    assert response.json == {"status": "ok", "checks": {"scheduling_api": "ok"}}


def test_readyz_answers_503_when_the_scheduling_api_is_not_there(app_config, monkeypatch):
    asked = []
    real_get = requests.get

    def recording_get(url, **kwargs):
        asked.append((url, kwargs["timeout"]))
        return real_get(url, **kwargs)

    monkeypatch.setattr(health.requests, "get", recording_get)
    closed = f"http://127.0.0.1:{free_port()}/v1"
    response = create_app({**app_config, "SCHEDULING_API_URL": closed}).test_client().get("/readyz")
    assert_probe_answer(response, 503)
    assert response.json == {"status": "unavailable", "checks": {"scheduling_api": "unreachable (ConnectionError)"}}
    # One cheap call, no retries, with the probe's short timeout, not the pages' eight seconds.
    assert asked == [(f"{closed}/categories", health.READINESS_TIMEOUT)]


@pytest.fixture
def hung_api():
    """A port that accepts connections and never answers (a hung API)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"


def test_readyz_gives_up_on_a_hung_api_after_its_short_timeout(app_config, hung_api):
    response = create_app({**app_config, "SCHEDULING_API_URL": hung_api}).test_client().get("/readyz")
    assert_probe_answer(response, 503)
    assert response.json["checks"] == {"scheduling_api": "timed out"}


def test_readyz_says_which_check_failed_and_more_checks_can_be_added(app):
    # How Redis will join when sessions move there.
    health.add_readiness_check(app, "redis", lambda: "unreachable (ConnectionError)")
    response = app.test_client().get("/readyz")
    assert_probe_answer(response, 503)
    assert response.json == {"status": "unavailable",
                             "checks": {"scheduling_api": "ok", "redis": "unreachable (ConnectionError)"}}


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_a_probe_does_not_count_as_a_signed_in_person_being_active(client, url):
    seen = time.time() - 60
    with client.session_transaction() as session:
        session["last_seen"] = seen
        session["citizen"] = {"tax_id": "094014201"}
    assert client.get(url).status_code == 200
    with client.session_transaction() as session:
        assert session["last_seen"] == seen
