"""The call page's views: each person gets their own way into the room (and nobody else's), the page's
own policies (connect-src only the call server, the camera allowed, never cached), sound only after
the identity check, and a call server that is not answering said plainly with a way to try again.

The reference service runs with `FakeCallServer` (what Janus keeps); e2e/call runs the real Janus."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from kepweb import create_app
from sandbox import scheduling
from tests.conftest import ADMIN_TOKEN, API_TOKEN, HOLD_MINUTES, ServerThread
from tests.sandbox.test_meetings import FakeCallServer
from tests.test_staff_calls import TAX_ID, book_a_chania_call, sign_in_staff

CALL_SERVER = "ws://127.0.0.1:8188/"
MARIA = {"tax_id": TAX_ID, "first_name": "Μαρία", "last_name": "Παπαδοπούλου", "father_name": "", "mother_name": "",
         "birth_year": "1980", "user_id": "maria"}


@pytest.fixture(scope="module")
def call_server():
    return FakeCallServer()


@pytest.fixture(scope="module")
def scheduling_api(scheduling_database, outbox_server, module_sandbox_clock, call_server):
    """The reference service with a call server (the module's own: its rooms are this module's)."""
    settings = scheduling.Settings(database=scheduling_database, frontend_token=API_TOKEN, admin_token=ADMIN_TOKEN,
                                   smtp_port=outbox_server.port, background_loops=False, hold_minutes=HOLD_MINUTES,
                                   clock=module_sandbox_clock, call_rooms=call_server, call_server_url=CALL_SERVER)
    server = ServerThread(scheduling.create_app(settings))
    yield f"{server.url}/v1"
    server.stop()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CALL_SERVER_ORIGINS": ("ws://127.0.0.1:8188",)}


@pytest.fixture(scope="module")
def booking(scheduling_api, scheduling_database):
    return book_a_chania_call(scheduling_api, scheduling_database, "housing-allowance")


@pytest.fixture
def at_the_call(sandbox_clock, booking):
    """The API's clock five minutes before the call (the frontend's stays real: the API decides)."""
    sandbox_clock.behind = -(booking.start - datetime.now(timezone.utc) - timedelta(minutes=5))


def sign_in_citizen(client, language="en"):
    client.set_cookie("kepweb_lang", language)
    with client.session_transaction() as session:
        session.clear()
        session["last_seen"] = time.time()
        session["citizen"] = MARIA


def call_config(page) -> dict:
    return page.find(id="call").attrs


@pytest.mark.usefixtures("at_the_call")
def test_the_citizen_gets_the_call_page_with_their_own_token_and_its_own_policies(client, client_request, booking,
                                                                                 call_server):
    sign_in_citizen(client)
    response = client.get(f"/appointments/{booking.reference}/call")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' ws://127.0.0.1:8188" in policy and "media-src 'self' blob: mediastream:" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "camera=(self)" in response.headers["Permissions-Policy"]
    assert "no-store" in response.headers["Cache-Control"]
    page = client_request.get(f"/appointments/{booking.reference}/call")
    config = call_config(page)
    [room] = call_server.rooms
    assert config["data-server-url"] == CALL_SERVER and int(config["data-room"]) == room
    assert call_server.admits(room, config["data-token"])


def test_the_join_page_leads_to_the_call_page_and_says_it_needs_javascript(client, client_request, booking,
                                                                          sandbox_clock):
    sign_in_citizen(client)
    # The join page follows the frontend's clock: open from 15 minutes before the start.
    page = client_request.get(f"/appointments/{booking.reference}/join")
    assert "needs JavaScript" in page.text
    link = page.find("a", href=f"/appointments/{booking.reference}/call")
    assert (link is not None) == (booking.start - datetime.now(timezone.utc) <= timedelta(minutes=15))


def test_before_the_window_the_call_page_sends_the_citizen_to_the_join_page(client, booking, sandbox_clock):
    sandbox_clock.behind = timedelta(0)
    sign_in_citizen(client)
    response = client.get(f"/appointments/{booking.reference}/call")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/appointments/{booking.reference}/join")


@pytest.mark.usefixtures("at_the_call")
def test_another_citizen_gets_page_not_found(client, booking):
    sign_in_citizen(client)
    with client.session_transaction() as session:
        session["citizen"] = {**MARIA, "tax_id": "090000045"}
    assert client.get(f"/appointments/{booking.reference}/call").status_code == 404


@pytest.mark.usefixtures("at_the_call")
def test_signed_out_the_call_page_asks_to_sign_in_first(client, booking):
    response = client.get(f"/appointments/{booking.reference}/call")
    assert response.status_code in (302, 303) and "/sign-in" in response.headers["Location"]


@pytest.mark.usefixtures("at_the_call")
def test_the_employee_joins_the_same_room_with_another_token(client, client_request, booking, call_server):
    sign_in_citizen(client)
    citizen = call_config(client_request.get(f"/appointments/{booking.reference}/call"))
    sign_in_staff(client, "chania-employee")
    employee = call_config(client_request.get(f"/staff/calls/{booking.reference}/call"))
    assert employee["data-room"] == citizen["data-room"] and employee["data-token"] != citizen["data-token"]
    assert employee["data-role"] == "employee"


@pytest.mark.usefixtures("at_the_call")
def test_only_the_serving_employee_may_open_the_employee_call_page(client, booking):
    sign_in_staff(client, "chania-head")
    assert client.get(f"/staff/calls/{booking.reference}/call").status_code == 404
    sign_in_staff(client, "rhodes-employee")
    assert client.get(f"/staff/calls/{booking.reference}/call").status_code == 404


@pytest.mark.usefixtures("at_the_call")
def test_sound_only_is_refused_before_the_identity_check_with_a_sentence(client, booking):
    sign_in_citizen(client)
    token = csrf_of(client, f"/appointments/{booking.reference}/call")
    refused = client.post(f"/appointments/{booking.reference}/call/sound-only", headers={"X-CSRFToken": token})
    assert refused.status_code == 409 and "identity" in refused.get_data(as_text=True)
    assert client.post(f"/appointments/{booking.reference}/call/sound-only").status_code == 400, "CSRF"


def csrf_of(client, url) -> str:
    import json

    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    return json.loads(page.body["data-hx-headers"])["X-CSRFToken"]


@pytest.mark.usefixtures("at_the_call")
def test_a_call_server_that_does_not_answer_gets_a_plain_page_with_a_way_to_try_again(client, client_request,
                                                                                    booking, call_server):
    sign_in_citizen(client)
    call_server.down = True
    try:
        response = client.get(f"/appointments/{booking.reference}/call")
        page = client_request.get(f"/appointments/{booking.reference}/call", expected_status=503)
    finally:
        call_server.down = False
    assert response.status_code == 503 and "Content-Security-Policy" in response.headers
    assert "not answering" in page.text and page.find("a", href=f"/appointments/{booking.reference}/call")
    assert page.find("a", href=f"/appointments/{booking.reference}")


@pytest.mark.usefixtures("at_the_call")
def test_a_call_server_the_frontend_does_not_know_is_never_connected_to(client, booking, app_config):
    app = create_app({**app_config, "CALL_SERVER_ORIGINS": ("wss://call.example",)})
    visitor = app.test_client()
    sign_in_citizen(visitor)
    response = visitor.get(f"/appointments/{booking.reference}/call")
    assert response.status_code == 503 and "ws://127.0.0.1:8188" not in response.headers["Content-Security-Policy"]


@pytest.mark.usefixtures("at_the_call")
def test_the_staff_call_page_offers_the_call_to_the_employee_serving_it_only(app, client, client_request, booking):
    app.config["KEPWEB_CLOCK"] = lambda: booking.start - timedelta(minutes=5)
    sign_in_staff(client, "chania-employee")
    page = client_request.get(f"/staff/calls/{booking.reference}")
    assert page.find("a", href=f"/staff/calls/{booking.reference}/call")
    sign_in_staff(client, "chania-head")
    page = client_request.get(f"/staff/calls/{booking.reference}")
    assert not page.find("a", href=f"/staff/calls/{booking.reference}/call")
    assert "Only the employee serving this call joins the video call." in page.text
    app.config["KEPWEB_CLOCK"] = lambda: booking.start - timedelta(minutes=30)
    sign_in_staff(client, "chania-employee")
    page = client_request.get(f"/staff/calls/{booking.reference}")
    assert not page.find("a", href=f"/staff/calls/{booking.reference}/call") and "The video call opens at" in page.text
