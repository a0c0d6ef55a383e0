"""The reference service's access log (sandbox/scheduling/access_log.py): one line per request with the caller's
request id, echoed in `X-Request-Id`; nothing personal, no query string; JSON lines when it runs on its own in
production."""

from __future__ import annotations

import json
import re

import pytest

from sandbox.scheduling import create_app
from tests.conftest import a_process_of_its_own
from tests.sandbox.conftest import FRONTEND, MARIA, citizen_headers

FRONTENDS_ID = "3f2c1e0d9b8a7f6e5d4c3b2a1f0e9d8c"


def access_lines(json_log):
    return [line for line in json_log() if line["logger"] == "sandbox.scheduling.access"]


def test_the_callers_id_is_logged_and_echoed(api, json_log):
    answer = api.client.get("/v1/bookings?status=any", headers={**citizen_headers(MARIA), "X-Request-Id": FRONTENDS_ID})
    assert answer.status_code == 200 and answer.headers["X-Request-Id"] == FRONTENDS_ID
    [line] = access_lines(json_log)
    assert {key: line[key] for key in ("request_id", "method", "path", "status")} == {
        "request_id": FRONTENDS_ID, "method": "GET", "path": "/v1/bookings", "status": 200}
    assert line["duration_ms"] >= 0 and "status=any" not in json.dumps(line) and MARIA not in json.dumps(line)


@pytest.mark.parametrize("sent", [None, "short", "has space", "x" * 129])
def test_without_a_well_formed_id_the_service_makes_its_own(api, json_log, sent):
    headers = {"Authorization": f"Bearer {FRONTEND}", **({"X-Request-Id": sent} if sent else {})}
    made = api.client.get("/v1/categories", headers=headers).headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert [line["request_id"] for line in access_lines(json_log)] == [made]


def test_a_refused_request_is_logged_with_its_id_too(api, json_log):
    answer = api.client.get("/v1/categories", headers={"Authorization": "Bearer wrong", "X-Request-Id": FRONTENDS_ID})
    assert answer.status_code == 401 and answer.headers["X-Request-Id"] == FRONTENDS_ID
    assert [(line["request_id"], line["status"]) for line in access_lines(json_log)] == [(FRONTENDS_ID, 401)]


def served_alone(settings) -> None:
    with a_process_of_its_own():
        service = create_app(settings)
        service.test_client().get("/v1/categories", headers={"Authorization": f"Bearer {FRONTEND}",
                                                             "X-Request-Id": FRONTENDS_ID})


def test_run_on_its_own_in_production_it_writes_json_lines(settings, monkeypatch, capsys):
    monkeypatch.setenv("KEPWEB_ENV", "production")
    monkeypatch.delenv("KEPWEB_LOG_FORMAT", raising=False)
    served_alone(settings)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["logger"], line["request_id"], line["path"], line["status"]) for line in lines] == [
        ("sandbox.scheduling.access", FRONTENDS_ID, "/v1/categories", 200)]


def test_run_on_its_own_on_a_laptop_it_writes_text(settings, monkeypatch, capsys):
    monkeypatch.delenv("KEPWEB_ENV", raising=False)
    monkeypatch.delenv("KEPWEB_LOG_FORMAT", raising=False)
    served_alone(settings)
    [line] = capsys.readouterr().err.splitlines()
    assert f"INFO sandbox.scheduling.access [{FRONTENDS_ID}] GET /v1/categories 200" in line


def test_a_guests_invitation_token_is_named_in_the_log_not_written(api, json_log):
    token = "a-guests-invitation-token-that-opens-the-call-0123456789"
    answer = api.client.post(f"/v1/invitations/{token}/open", headers={"Authorization": f"Bearer {FRONTEND}"},
                             json={"device": "d" * 32})
    assert answer.status_code in (404, 422)
    assert [line["path"] for line in access_lines(json_log)] == ["/v1/invitations/<token>/open"]
    assert token not in json.dumps(json_log())
