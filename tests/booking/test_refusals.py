"""Every refusal the scheduling API can give, at every step that can meet it, has a page.

The frontend talks to the real reference service over HTTP; a thin WSGI layer in
front of it answers one chosen request with a chosen problem, so that every code
of the contract (also those the reference service never sends, like `forbidden`)
reaches every action of the citizen. What must hold every time: no 500; either
the citizen is sent back to the right page with the refusal explained in their
language and their answers kept, or they get the one fallback page and an error
is logged.
"""

from __future__ import annotations

import json
import logging
import re
from contextlib import contextmanager
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
import yaml

from kepweb import refusals
from kepweb.booking import state
from sandbox import scheduling
from tests.booking.conftest import MARIA, hold_the_first_free_time
from tests.booking.test_steps import answers_of, put_answers
from tests.conftest import API_TOKEN, NO_CAP_IN_THE_WAY, ServerThread
from tests.page_checks import check_page, text_of

CONTRACT = Path(__file__).resolve().parents[2] / "api" / "scheduling.openapi.yaml"
STATUS = {"unauthorized": 401, "forbidden": 403, "not_found": 404, "method_not_allowed": 405, "validation": 422,
          "slot_taken": 409, "hold_expired": 410, "outside_hours": 422, "not_allowed": 409,
          "idempotency_conflict": 422, "bad_request": 400, "call_server_unavailable": 502,
          "too_many_active_bookings": 409}


def contract_codes() -> list[str]:
    spec = yaml.safe_load(CONTRACT.read_text())
    return spec["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]


class ForcedProblems:
    """WSGI middleware: the one request that matches answers with a problem; all else goes through."""

    def __init__(self, app):
        self.app, self.rule = app, None

    @contextmanager
    def answering(self, method, path, code, field=None):
        self.rule = (method, re.compile(path), code, field)
        try:
            yield
        finally:
            self.rule = None

    def __call__(self, environ, start_response):
        if self.rule:
            method, path, code, field = self.rule
            if environ["REQUEST_METHOD"] == method and path.search(environ["PATH_INFO"]):
                problem = {"type": "about:blank", "title": code, "status": STATUS[code], "code": code}
                if code == "validation" and field:
                    problem["errors"] = {field: {"el": "Η τιμή δεν έγινε δεκτή", "en": "The value was refused"}}
                body = json.dumps(problem).encode()
                start_response(f"{STATUS[code]} Refused", [("Content-Type", "application/problem+json"),
                                                           ("Content-Length", str(len(body)))])
                return [body]
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def forced_api(tmp_path_factory, outbox_server):
    settings = scheduling.Settings(database=tmp_path_factory.mktemp("refusals") / "scheduling.sqlite3",
                                   frontend_token=API_TOKEN, smtp_port=outbox_server.port, background_loops=False,
                                   max_active_bookings=NO_CAP_IN_THE_WAY)
    forced = ForcedProblems(scheduling.create_app(settings))
    server = ServerThread(forced)
    forced.url = f"{server.url}/v1"
    yield forced
    server.stop()


@pytest.fixture(scope="module")
def scheduling_api(forced_api):
    return forced_api.url


TYPED = {
    "details": {"full_name": "Μαρία Παπαδοπούλου", "email": "m@example.com", "phone": "6912345678",
                "street": "Ερμού 10", "postcode": "10563", "town": "Αθήνα", "contact_preference": "email"},
    "document": {"id_document": "passport", "files": []},
    "needs": {"needs": [], "third_person_name": "", "third_person_email": "", "other_needs": "Παρακαλώ αργά"},
    "delivery": {"method": "email", "post_to": None},
}


@pytest.fixture
def answered(citizen_request):
    """Every answer given and a time really held by the API: the check-your-answers page."""
    api = citizen_request.client.application.extensions["scheduling"]
    slot, hold = hold_the_first_free_time(api)
    record = {"id": hold.id, "kep_id": hold.kep_id, "start": hold.start.isoformat(), "end": hold.end.isoformat(),
              "expires_at": hold.expires_at.isoformat(), "can_extend": hold.can_extend, "needs": []}
    put_answers(citizen_request, category="information", procedure="housing-allowance", municipality="hydra",
                kep="any", hold=record, **TYPED)
    yield slot
    api.holds.release(MARIA.tax_id, hold.id)


def slot_value(kep_id, start) -> str:
    return f"{kep_id}|{start.isoformat()}"


def send(client, url, data, token_from=None):
    """POST as the browser would (the page's own CSRF token), whatever the answer."""
    token = client.csrf_token(token_from or url)
    return client.client.post(url, data={**data, "csrf_token": token})


# Each action: the API request it makes (method, path), and how the citizen's browser asks for it.
def choose_time(client, slot, _booking):
    day = slot.start.date().isoformat()
    return send(client, f"/book/time?day={day}", {"slot": slot_value(slot.kep_id, slot.start)})


def browse(client, _slot, _booking):
    return client.client.get("/book/time")


def extend_hold(client, _slot, _booking):
    expires = answers_of(client)["hold"]["expires_at"]
    return send(client, "/book/hold/extend", {"next": "/book/details", "expires_at": expires},
                token_from="/book/details")


def change_needs(client, _slot, _booking):
    return send(client, "/book/needs", {"needs": ["lip_reading"]})


def book(client, _slot, _booking):
    return send(client, "/book/check", {})


def view_booking(client, _slot, _booking):
    put_answers(client, booked="KEP-2222-2222")
    return client.client.get("/book/confirmation")


def reschedule(client, _slot, booking):
    later = booking.start + timedelta(days=1)
    return send(client, f"/appointments/{booking.reference}/reschedule", {"slot": slot_value(booking.kep.id, later)})


def cancel(client, _slot, booking):
    return send(client, f"/appointments/{booking.reference}/cancel", {})


def view(client, _slot, booking):
    return client.client.get(f"/appointments/{booking.reference}")


def add_document(client, _slot, booking):
    token = client.csrf_token(f"/appointments/{booking.reference}")
    return client.client.post(f"/appointments/{booking.reference}/documents", content_type="multipart/form-data",
                              data={"csrf_token": token, "file": [(BytesIO(b"%PDF-1.4\n%%EOF\n"), "a.pdf")]})


def remove_document(client, _slot, booking):
    return send(client, f"/appointments/{booking.reference}/documents/a-document/remove", {},
                token_from=f"/appointments/{booking.reference}")


def download_document(client, _slot, booking):
    return client.client.get(f"/appointments/{booking.reference}/documents/a-document")


ACTIONS = {
    # action: (how, API method, API path, the field a validation problem names, the table)
    "browse": (browse, "GET", r"/availability/", "procedure", refusals.WIZARD),
    "choose_time": (choose_time, "POST", r"/holds$", "kep_id", refusals.WIZARD),
    "extend_hold": (extend_hold, "POST", r"/holds/[^/]+/extend$", None, refusals.WIZARD),
    "change_needs": (change_needs, "PATCH", r"/holds/[^/]+$", "needs", refusals.WIZARD),
    "book": (book, "POST", r"/bookings$", "contact.email", refusals.WIZARD),
    "view_booking": (view_booking, "GET", r"/bookings/", None, refusals.WIZARD),
    "reschedule": (reschedule, "POST", r"/holds$", "start", refusals.APPOINTMENTS),
    "cancel": (cancel, "POST", r"/cancel$", None, refusals.APPOINTMENTS),
    "view": (view, "GET", r"/bookings/KEP", None, refusals.APPOINTMENTS),
    "add_document": (add_document, "POST", r"/documents$", "file", refusals.APPOINTMENTS),
    "remove_document": (remove_document, "DELETE", r"/documents/", None, refusals.APPOINTMENTS),
    "download_document": (download_document, "GET", r"/documents/", None, refusals.APPOINTMENTS),
}


def test_the_mapping_knows_every_code_of_the_contract():
    assert set(contract_codes()) == refusals.CONTRACT_CODES
    for table in (refusals.WIZARD, refusals.APPOINTMENTS):
        for action, mapped in table.items():
            assert set(mapped) <= refusals.CONTRACT_CODES, action


# What the contract says each call can refuse with: these must have their own page, never the fallback.
DOCUMENTED = {
    "browse": {"not_found", "validation"},
    "choose_time": {"slot_taken", "not_allowed", "validation", "outside_hours", "too_many_active_bookings"},
    "extend_hold": {"not_found", "not_allowed", "hold_expired"},
    "change_needs": {"not_found", "slot_taken", "hold_expired", "validation"},
    "book": {"not_found", "slot_taken", "not_allowed", "hold_expired", "validation", "outside_hours",
             "idempotency_conflict", "too_many_active_bookings"},
    "view_booking": {"not_found"},
    "reschedule": {"not_found", "slot_taken", "not_allowed", "hold_expired", "validation", "outside_hours",
                   "idempotency_conflict"},
    "cancel": {"not_found", "not_allowed"},
    "view": {"not_found"},
    "add_document": {"not_found", "not_allowed", "validation"},
    "remove_document": {"not_found", "not_allowed"},
    "download_document": {"not_found"},
}


def test_every_refusal_the_contract_documents_has_its_own_page():
    for action, codes in DOCUMENTED.items():
        table = ACTIONS[action][-1]
        assert codes <= set(table[action]), (action, codes - set(table[action]))


@pytest.mark.parametrize("code", contract_codes())
@pytest.mark.parametrize("action", ACTIONS)
def test_every_refusal_at_every_step_has_a_page(citizen_request, answered, booked, forced_api, caplog, action,
                                                code):
    how, method, path, field, table = ACTIONS[action]
    with forced_api.answering(method, path, code, field), caplog.at_level(logging.ERROR, "kepweb.refusals"):
        response = how(citizen_request, answered, booked)

    assert response.status_code != 500
    refusal = table.get(action, {}).get(code)
    if code == "unauthorized":
        # Our own token refused: the API is unusable for us, as if it were down.
        assert response.status_code == 503
        return
    if refusal is None:
        assert response.status_code == 502, "an unforeseen refusal gets the fallback page"
        assert any(f"code={code}" in record.getMessage() and f"action={action}" in record.getMessage()
                   for record in caplog.records), "and it is logged for somebody to look at"
        assert not any(MARIA.tax_id in record.getMessage() for record in caplog.records), "no personal data"
        assert "we have recorded it in our error log" in text_of(check_page(response.get_data(as_text=True)))
        return
    if refusal.resume == refusals.NOT_FOUND:
        assert response.status_code == 404
        return
    if refusal.resume == refusals.OWN_PAGE:
        # Answered at once with a page of its own; this forced problem carries no `limit`, so no number.
        assert response.status_code == STATUS[code]
        page = citizen_request._checked(response, STATUS[code])
        assert str(refusal.says) in text_of(page.select_one("#main-content"))
        kept = answers_of(citizen_request)
    else:
        assert response.status_code == 303, response.status_code
        kept = answers_of(citizen_request)  # before the next page, which may start afresh (a new submission key)
        page = citizen_request.get(response.headers["Location"])
        notices = " ".join(text_of(notice) for notice in page.select("[role=alert]"))
        assert str(refusal.says) in notices
    if refusal.shows_field_messages:
        assert "The value was refused" in notices
    if table is refusals.WIZARD:
        for name, value in TYPED.items():
            if name == "needs" and action == "change_needs":
                value = {**value, "needs": ["lip_reading"], "remember": False}  # what was just sent is kept
            assert kept.get(name) == value, f"{name} was lost"
        for name in refusal.forgets:
            assert name not in kept


# -- the same, caused for real by the reference service ---------------------------------------

def follow_to_page(client, response):
    while response.status_code == 303:
        response = client.client.get(response.headers["Location"])
    return client._checked(response, 200)


def test_a_time_that_slipped_inside_the_notice_while_the_page_was_open(citizen_request, answered):
    from datetime import datetime, timezone

    from kepweb.i18n import ATHENS

    soon = datetime.now(timezone.utc).astimezone(ATHENS).replace(second=0, microsecond=0) + timedelta(minutes=40)
    soon = soon.replace(minute=soon.minute // 20 * 20)
    response = send(citizen_request, "/book/time", {"slot": slot_value(answered.kep_id, soon)})
    assert response.status_code == 303 and response.headers["Location"] == "/book/time"
    page = follow_to_page(citizen_request, response)
    assert "That time can no longer be booked" in text_of(page.select_one("[role=alert]"))
    assert answers_of(citizen_request)["details"] == TYPED["details"]


def test_a_time_on_a_closed_day_is_explained(citizen_request, answered):
    saturday = answered.start + timedelta(days=(5 - answered.start.weekday()) % 7 or 7)
    response = send(citizen_request, "/book/time", {"slot": slot_value(answered.kep_id, saturday)})
    page = follow_to_page(citizen_request, response)
    assert text_of(page.h1).endswith("Choose a day and time")
    assert "the KEP is closed then" in text_of(page.select_one("[role=alert]"))


def test_a_kep_the_api_does_not_know_is_asked_again_with_the_apis_words(citizen_request, answered):
    response = send(citizen_request, "/book/time", {"slot": slot_value("kep-that-is-gone", answered.start)})
    page = follow_to_page(citizen_request, response)
    notices = text_of(page)
    assert "Some of your answers were not accepted" in notices and "Unknown KEP" in notices
    kept = answers_of(citizen_request)
    assert "hold" not in kept and kept["details"] == TYPED["details"]


def test_changing_the_time_twice_moves_once_and_answers_the_same(citizen_request, booked):
    api = citizen_request.client.application.extensions["scheduling"]
    day = booked.start.date() + timedelta(days=1)
    free = [slot for days in range(0, 10)
            for slot in api.availability.slots(booked.category, booked.procedure_id, kep_id=booked.kep.id,
                                               day=day + timedelta(days=days))][:1]
    assert free, "the test needs a free time at the appointment's KEP"
    chosen = slot_value(free[0].kep_id, free[0].start)
    url = f"/appointments/{booked.reference}/reschedule"
    token = citizen_request.csrf_token(url)
    first = citizen_request.client.post(url, data={"slot": chosen, "csrf_token": token})
    second = citizen_request.client.post(url, data={"slot": chosen, "csrf_token": token})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"] == f"/appointments/{booked.reference}"
    page = follow_to_page(citizen_request, second)
    assert "Your appointment is now on" in text_of(page.select_one("[role=alert]"))
    assert api.bookings.get_booking(MARIA.tax_id, booked.reference).start == free[0].start


def test_cancelling_twice_answers_the_same(citizen_request, booked):
    url = f"/appointments/{booked.reference}/cancel"
    token = citizen_request.csrf_token(url)
    answers = [citizen_request.client.post(url, data={"csrf_token": token}) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [303, 303]
    page = follow_to_page(citizen_request, answers[1])
    assert "Your appointment is cancelled" in text_of(page.select_one("[role=alert]"))


def test_holding_longer_twice_extends_once(citizen_request, answered):
    before = answers_of(citizen_request)["hold"]["expires_at"]
    token = citizen_request.csrf_token("/book/details")
    data = {"next": "/book/details", "expires_at": before, "csrf_token": token}
    first = citizen_request.client.post("/book/hold/extend", data=data)
    after_first = answers_of(citizen_request)["hold"]["expires_at"]
    second = citizen_request.client.post("/book/hold/extend", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"] == "/book/details"
    assert answers_of(citizen_request)["hold"]["expires_at"] == after_first  # the second used up nothing


def test_the_same_file_sent_twice_is_kept_once(citizen_request, answered):
    from io import BytesIO

    pdf = b"%PDF-1.4\n" + b"x" * 2000
    for _ in range(2):
        response = citizen_request.client.post("/book/document", data={
            "id_document": "passport", "files": [(BytesIO(pdf), "άδεια.pdf")],
            "csrf_token": citizen_request.csrf_token("/book/document")}, content_type="multipart/form-data")
        assert response.status_code == 303
    files = answers_of(citizen_request)["document"]["files"]
    assert [entry["display_name"] for entry in files] == ["άδεια.pdf"]
    assert "content" not in files[0], "the answers hold a reference, not the bytes"
    with citizen_request.client.application.test_request_context():
        from flask import g

        from kepweb.booking import documents

        g.citizen = MARIA
        assert state.store().get(documents.content_key(files[0]["id"])) == pdf, "the bytes are in the upload store"


def test_an_oversized_request_gets_our_own_page_in_the_citizens_language(citizen_request, answered):
    citizen_request.use_language("el")
    token = citizen_request.csrf_token("/book/document")
    response = citizen_request.client.post("/book/document", data={
        "id_document": "passport", "csrf_token": token, "files": [(__import__("io").BytesIO(b"0" * (17 << 20)),
                                                                    "big.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 413
    page = citizen_request._checked(response, 413)
    assert text_of(page.h1) == "Αυτό που στείλατε είναι πολύ μεγάλο"
    assert page.find("a", href="/book/document")


@pytest.mark.parametrize("field", ["full_name", "street", "town"])
def test_control_characters_are_refused_with_a_field_error(citizen_request, answered, field):
    typed = TYPED["details"][field]
    details = {**TYPED["details"], field: typed[:1] + "\x00" + typed[1:]}
    page = citizen_request.post("/book/details", details)
    error = page.find(id=f"{field}-error")
    assert error and "control characters" in text_of(error)
