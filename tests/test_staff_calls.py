"""The employee's day and one call in the KEP staff area: what each role sees, the record of the call
(identity check, outcome, result) through plain forms, and the day's refresh that keeps no session alive."""

from __future__ import annotations

import io
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kepweb import create_app
from sandbox.scheduling.db import Database
from tests.conftest import API_TOKEN
from tests.page_checks import text_of
from tests.test_staff_access import identity

TAX_ID = "094014201"  # the register's Maria (sandbox/scheduling/identity_register.py)
PDF = b"%PDF-1.7\n"
CARD = {"shown_on_camera": "yes", "matches_person": "yes", "document_kind": "identity_card",
        "document_number": "ΑΚ 123456"}


def sign_in_staff(client, username, language="en"):
    client.set_cookie("kepweb_lang", language)
    with client.session_transaction() as session:
        session.clear()
        session["last_seen"] = time.time()
        session["staff"] = identity(username)


def book_a_chania_call(scheduling_api, scheduling_database, procedure):
    """A call at the Chania KEP given to its employee e1, booked through the API as the frontend does."""
    app = create_app({"TESTING": True, "SCHEDULING_API_URL": scheduling_api, "SCHEDULING_API_TOKEN": API_TOKEN})
    with app.app_context():
        api = app.extensions["scheduling"]
        slot = api.availability.first_free("information", procedure, municipality_id="chania").slot
        hold = api.holds.hold(TAX_ID, category="information", procedure=procedure, kep_id=slot.kep_id,
                              start=slot.start, needs=("lip_reading",))
        booking = api.bookings.book(TAX_ID, {
            "hold_id": hold.id, "contact": {"name": "Μαρία Παπαδοπούλου", "email": "maria@example.com",
                                            "phone": "6912345678",
                                            "address": {"street": "Ερμού 1", "postcode": "10563", "town": "Αθήνα"}},
            "id_document": "identity_card", "needs": ["lip_reading"], "contact_preference": "email",
            "delivery": {"method": "email"}, "language": "el"}, idempotency_key=hold.id)
    with Database(scheduling_database).write() as connection:
        connection.execute("UPDATE bookings SET employee_id='kep-chania-1-e1', kep_id='kep-chania-1' "
                           "WHERE reference=?", (booking.reference,))
    return booking


@pytest.fixture(scope="module")
def chania_call(scheduling_api, scheduling_database):
    return book_a_chania_call(scheduling_api, scheduling_database, "housing-allowance")


@pytest.fixture(scope="module")
def unchecked_call(scheduling_api, scheduling_database):
    """Another such call, whose identity check never passes."""
    return book_a_chania_call(scheduling_api, scheduling_database, "child-benefit")


def day_of(call):
    return call.start.astimezone(ZoneInfo("Europe/Athens")).date().isoformat()


def test_the_employee_sees_the_call_in_their_day_with_what_they_need(client_request, client, chania_call):
    sign_in_staff(client, "chania-employee", "el")
    page = client_request.get(f"/staff/calls?day={day_of(chania_call)}")
    words = text_of(page.main)
    assert "Μαρία Παπαδοπούλου" in words and "Χειλεανάγνωση" in words
    assert page.find("a", href=f"/staff/calls/{chania_call.reference}")


def test_another_keps_employee_neither_sees_nor_opens_it(client_request, client, chania_call):
    sign_in_staff(client, "rhodes-employee")
    page = client_request.get(f"/staff/calls?day={day_of(chania_call)}")
    assert not page.find("a", href=f"/staff/calls/{chania_call.reference}")
    assert client.get(f"/staff/calls/{chania_call.reference}").status_code == 404


def test_the_day_refreshes_itself_without_keeping_the_session_alive(client, chania_call):
    sign_in_staff(client, "chania-head")
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - 60
        before = session["last_seen"]
    answer = client.get(f"/staff/calls?day={day_of(chania_call)}&seen=stale",
                        headers={"HX-Request": "true", "HX-Target": "staff-calls", "X-Kepweb-Refresh": "1"})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and body.lstrip().startswith('<div id="staff-calls"') and "<main" not in body
    assert "data-announce" in body  # the list is not what the page had: said in the live region
    with client.session_transaction() as session:
        assert session["last_seen"] == before


def test_the_refresh_of_an_ended_session_loads_the_whole_expired_page(client, chania_call):
    sign_in_staff(client, "chania-head")
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - 3 * 3600
    answer = client.get(f"/staff/calls?day={day_of(chania_call)}",
                        headers={"HX-Request": "true", "HX-Target": "staff-calls", "X-Kepweb-Refresh": "1"})
    assert answer.headers.get("HX-Redirect", "").endswith("/staff/session/expired")


@pytest.fixture
def at_the_call(sandbox_clock, chania_call):
    """The API's clock a minute into the call."""
    sandbox_clock.behind = -(chania_call.start - datetime.now(timezone.utc) + timedelta(minutes=1))


@pytest.mark.usefixtures("at_the_call")
def test_the_employee_records_the_check_the_outcome_and_the_result(client_request, client, chania_call):
    sign_in_staff(client, "chania-employee")
    url = f"/staff/calls/{chania_call.reference}"
    token = client_request.csrf_token(url)

    # Served without a protocol number: said at the field, before the API is asked.
    refused = client.post(f"{url}/outcome", data={"csrf_token": token, "outcome": "served"})
    assert refused.status_code == 422
    assert "Enter the protocol number" in refused.get_data(as_text=True)

    checked = client.post(f"{url}/identity-check", data={"csrf_token": token, **CARD})
    assert checked.status_code == 303
    page = client_request.get(url)
    assert "The identity check passed" in text_of(page.main)
    # What was just done is said at the top of the page, as an alert.
    assert "The identity check has passed." in text_of(page.main.find(role="alert"))

    served = client.post(f"{url}/outcome", data={"csrf_token": token, "outcome": "served",
                                                  "protocol_number": "881/2026"})
    assert served.status_code == 303
    sent = client.post(f"{url}/result", data={"csrf_token": token, "file": (io.BytesIO(PDF), "Βεβαίωση.pdf")},
                       content_type="multipart/form-data")
    assert sent.status_code == 303
    words = text_of(client_request.get(url).main)
    assert "Protocol number: 881/2026" in words and "The result is being emailed to the citizen." in words
    download = client.get(f"{url}/result")
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.usefixtures("at_the_call")
def test_the_apis_refusal_is_said_at_the_form(client_request, client, chania_call):
    sign_in_staff(client, "chania-head")
    url = f"/staff/calls/{chania_call.reference}"
    token = client_request.csrf_token(url)
    answer = client.post(f"{url}/identity-check", data={"csrf_token": token, **CARD, "document_number": ""})
    assert answer.status_code == 422
    assert "Enter the document" in answer.get_data(as_text=True)


def test_served_without_a_passed_check_is_refused_saying_why(client_request, client, sandbox_clock, unchecked_call):
    sandbox_clock.behind = -(unchecked_call.start - datetime.now(timezone.utc) + timedelta(minutes=1))
    sign_in_staff(client, "chania-employee")
    url = f"/staff/calls/{unchecked_call.reference}"
    token = client_request.csrf_token(url)
    served = {"csrf_token": token, "outcome": "served", "protocol_number": "882/2026"}
    reason = "Served and follow-up can be recorded only after a passed identity check."
    refused = client.post(f"{url}/outcome", data=served)  # no check at all
    assert refused.status_code == 422 and reason in refused.get_data(as_text=True)
    lost = client.post(f"{url}/identity-check", data={"csrf_token": token, **CARD, "document_number": "ΑΗ 987654"})
    assert lost.status_code == 303
    refused = client.post(f"{url}/outcome", data=served)  # a card reported lost
    assert refused.status_code == 422 and reason in refused.get_data(as_text=True)
    assert "may have been cancelled" not in refused.get_data(as_text=True)


def test_the_days_fingerprint_changes_with_what_a_card_shows():
    """The refresh says "The list of calls has changed." when the fingerprint differs: a check recorded
    changes a card's state ("Identity checked") while the booking's status stays "confirmed"."""
    from types import SimpleNamespace

    from kepweb.staff.calls import fingerprint

    start = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)
    call = SimpleNamespace(reference="KEP-AAAA-BBBB", status="confirmed", identity_check=None, start=start,
                           end=start + timedelta(minutes=20), documents=(), invitations=())
    before = fingerprint([call])
    assert fingerprint([call]) == before
    for change in ({"identity_check": SimpleNamespace(passed=True)}, {"identity_check": SimpleNamespace(passed=False)},
                   {"status": "served"}, {"documents": ("a document",)},
                   {"invitations": (SimpleNamespace(state="confirmed"),)}):
        assert fingerprint([SimpleNamespace(**{**vars(call), **change})]) != before, change
