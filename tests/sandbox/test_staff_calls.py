"""The KEP staff's calls in the reference service: the day by role, one call, and recording the
identity check, the outcome and the result over HTTP, each in the access log; another KEP's call is 404."""

from __future__ import annotations

import io

import pytest

from tests.sandbox.conftest import athens, citizen_headers, staff_headers
from tests.sandbox.test_staff import SUBJECT, access_log, bookings  # noqa: F401

PDF = b"%PDF-1.7\n"
CARD = {"document_kind": "identity_card", "document_number": "ΑΚ 123456", "shown_on_camera": True,
        "matches_person": True}


def as_staff(api, username, method, path, **kwargs):
    headers = staff_headers(SUBJECT[username])
    return api.client.open(f"/v1/staff{path}", method=method, headers=headers, **kwargs)


@pytest.fixture
def at_the_call(clock, bookings):  # noqa: F811 - booked first, then the clock moves to the call
    """The clock at the start of the Chania employee's call (Tuesday 1 December, 09:00)."""
    clock.now = athens(2026, 12, 1, 9, 0).astimezone(clock.now.tzinfo)


@pytest.mark.parametrize(("username", "sees"), [
    ("chania-employee", {"mine"}),
    ("chania-head", {"mine", "colleagues"}),
    ("ministry-admin", {"mine", "colleagues", "rhodes"}),
    ("rhodes-employee", {"rhodes"}),
])
def test_each_role_sees_its_calls_of_the_day(api, service, bookings, username, sees):  # noqa: F811
    with service.extensions["scheduling"].database.write() as connection:
        connection.execute("UPDATE bookings SET employee_id='kep-rhodes-1-e1' WHERE reference=?", (bookings["rhodes"],))
    answer = as_staff(api, username, "GET", "/calls?from=2026-12-01&days=1")
    assert answer.status_code == 200, answer.json
    assert {call["reference"] for call in answer.json["calls"]} == {bookings[name] for name in sees}


def test_a_call_says_what_the_kep_needs_to_serve_it(api, bookings):  # noqa: F811
    call = as_staff(api, "chania-employee", "GET", f"/calls/{bookings['mine']}").json
    assert call["citizen"]["name"] == "Μαρία Παπαδοπούλου" and call["citizen"]["email"] == "maria@example.com"
    assert call["procedure"]["id"] == "maternity-benefit" and call["delivery"] == "email"
    assert call["identity_check"] is None and call["outcome"] is None and call["meeting_url"].endswith("/join")


@pytest.mark.parametrize("username", ["rhodes-employee", "chania-employee"])
def test_a_call_they_may_not_see_is_not_found_and_the_refusal_is_logged(api, bookings, username):  # noqa: F811
    reference = bookings["rhodes"] if username == "chania-employee" else bookings["mine"]
    answer = as_staff(api, username, "GET", f"/calls/{reference}")
    assert answer.status_code == 404
    assert as_staff(api, username, "POST", f"/calls/{reference}/outcome", json={"outcome": "no_show"}).status_code \
        == 404
    assert any(entry["action"] == "staff.booking_denied" for entry in access_log(api))


@pytest.mark.usefixtures("at_the_call")
def test_the_employee_records_the_check_the_outcome_and_the_result(api, bookings):  # noqa: F811
    reference = bookings["mine"]
    checked = as_staff(api, "chania-employee", "POST", f"/calls/{reference}/identity-check", json=CARD)
    assert checked.status_code == 201, checked.json
    assert checked.json["identity_check"]["passed"] is True
    citizen_view = api.get(f"/bookings/{reference}").json
    assert citizen_view["identity_check"] == "passed" and citizen_view["sound_only_allowed"] is True

    served = as_staff(api, "chania-employee", "POST", f"/calls/{reference}/outcome",
                      json={"outcome": "served", "protocol_number": "4521/2026"})
    assert served.status_code == 201 and served.json["status"] == "served"

    result = as_staff(api, "chania-employee", "POST", f"/calls/{reference}/result",
                      data={"file": (io.BytesIO(PDF), "Βεβαίωση.pdf")}, content_type="multipart/form-data")
    assert result.status_code == 201, result.json
    assert result.json["result"]["state"] == "sending"
    download = as_staff(api, "chania-employee", "GET", f"/calls/{reference}/result")
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"

    actions = [entry["action"] for entry in access_log(api) if entry.get("booking_reference") == reference]
    assert {"staff.identity_check", "staff.outcome", "staff.result", "staff.result_download"} <= set(actions)
    assert api.get(f"/bookings/{reference}").json["status"] == "served"


@pytest.mark.usefixtures("at_the_call")
def test_a_failed_check_forbids_sound_only_and_serving(api, bookings):  # noqa: F811
    reference = bookings["mine"]
    failed = as_staff(api, "chania-employee", "POST", f"/calls/{reference}/identity-check",
                      json={**CARD, "document_number": "ΑΗ987654"})
    assert failed.json["identity_check"] == {**failed.json["identity_check"], "passed": False,
                                             "reason": "reported_lost"}
    assert api.get(f"/bookings/{reference}").json["sound_only_allowed"] is False
    refused = as_staff(api, "chania-employee", "POST", f"/calls/{reference}/outcome",
                       json={"outcome": "served", "protocol_number": "1/2026"})
    assert refused.status_code == 409


def test_the_window_is_checked(api, bookings):  # noqa: F811
    assert as_staff(api, "chania-employee", "GET", "/calls?from=yesterday").status_code == 422
    assert as_staff(api, "chania-employee", "GET", "/calls?days=15").status_code == 422


def test_the_employee_opens_the_citizens_documents_and_another_kep_cannot(api, bookings):  # noqa: F811
    reference = bookings["mine"]
    sent = api.client.post(f"/v1/bookings/{reference}/documents", data={"file": (io.BytesIO(PDF), "ΑΦΜ.pdf")},
                           content_type="multipart/form-data",
                           headers=citizen_headers("094014201"))
    assert sent.status_code == 201, sent.json
    call = as_staff(api, "chania-employee", "GET", f"/calls/{reference}").json
    [document] = call["documents"]
    opened = as_staff(api, "chania-employee", "GET", f"/calls/{reference}/documents/{document['id']}")
    assert opened.status_code == 200 and opened.data == PDF
    assert opened.headers["Content-Disposition"].startswith("attachment")
    assert as_staff(api, "rhodes-employee", "GET", f"/calls/{reference}/documents/{document['id']}").status_code == 404
    assert any(entry["action"] == "staff.document_download" for entry in access_log(api))
