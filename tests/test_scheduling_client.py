"""The frontend's scheduling client against the reference service (real HTTP),
and against a misbehaving server for the faults."""

from __future__ import annotations

import threading
import uuid

import pytest
from werkzeug.serving import make_server

from kepweb.scheduling import (
    NotFound,
    SchedulingProblem,
    SchedulingUnavailable,
    clients,
)
from kepweb.scheduling.base import ApiClient

MARIA, NIKOS, ELENI = "094014201", "090000045", "998877666"

ANSWERS = {
    "contact": {"name": "Μαρία Παπαδοπούλου", "email": "maria@example.com", "phone": "6912345678",
                "address": {"street": "Ερμού 10", "postcode": "10563", "town": "Αθήνα"}},
    "id_document": "passport", "needs": [], "contact_preference": "sms",
    "delivery": {"method": "post"}, "language": "en",
}


@pytest.fixture
def api(app):
    with app.app_context():
        yield clients()


def test_catalogue(api):
    categories = api.categories.categories()
    assert [c.id for c in categories] == ["information", "business", "disability", "municipal"]
    assert {c.id: c.delivery_methods for c in categories}["municipal"] == ("email", "post", "pickup")
    assert len(api.places.municipalities()) == 112
    assert len(api.procedures.procedures("information")) >= 20
    assert api.procedures.procedures("municipal", "chania")
    with pytest.raises(SchedulingProblem) as refused:
        api.procedures.procedures("municipal")
    assert refused.value.code == "validation" and "municipality" in refused.value.field_errors


def test_the_whole_life_of_a_booking(api):
    slot = api.availability.first_free("information", "unemployment-benefit", municipality_id="psara").slot
    assert slot is not None and slot.kep_id == "kep-psara-1"
    days = api.availability.days("information", "unemployment-benefit", kep_id=slot.kep_id,
                                 first=slot.start.date(), last=slot.start.date())
    assert days[0].free_slots >= 1
    hold = api.holds.hold(MARIA, category="information", procedure="unemployment-benefit",
                          kep_id=slot.kep_id, start=slot.start)
    assert hold.start == slot.start and hold.expires_at > hold.start.replace(year=2000)
    key = str(uuid.uuid4())
    booking = api.bookings.book(MARIA, {"hold_id": hold.id, **ANSWERS}, idempotency_key=key)
    again = api.bookings.book(MARIA, {"hold_id": hold.id, **ANSWERS}, idempotency_key=key)
    assert again.reference == booking.reference
    assert booking.details["delivery"]["method"] == "post"
    assert [b.reference for b in api.bookings.bookings(MARIA) if b.reference == booking.reference]
    with pytest.raises(NotFound):
        api.bookings.get_booking(NIKOS, booking.reference)
    with pytest.raises(SchedulingProblem, match="not_allowed"):
        api.holds.hold(MARIA, category="information", procedure="unemployment-benefit",
                       kep_id=slot.kep_id, start=slot.start)
    later = api.availability.slots("information", "unemployment-benefit", kep_id=slot.kep_id,
                                   day=slot.start.date())[-1]
    new_hold = api.holds.hold(MARIA, category="information", procedure="unemployment-benefit",
                              kep_id=later.kep_id, start=later.start, for_booking=booking.reference)
    moved = api.bookings.reschedule(MARIA, booking.reference, new_hold.id, idempotency_key=str(uuid.uuid4()))
    assert moved.start == later.start
    assert api.bookings.cancel(MARIA, booking.reference).status == "cancelled"


def test_a_bookings_documents_through_the_client(api):
    slot = api.availability.first_free("information", "ehic", municipality_id="psara").slot
    hold = api.holds.hold(MARIA, category="information", procedure="ehic", kep_id=slot.kep_id, start=slot.start)
    booking = api.bookings.book(MARIA, {"hold_id": hold.id, **ANSWERS}, idempotency_key=str(uuid.uuid4()))
    assert booking.documents == ()
    pdf = b"%PDF-1.7\n%%EOF\n"
    # The name in any script goes as a form field; the multipart part's own file name may be ASCII only.
    added = api.documents.add(MARIA, booking.reference, name="Βεβαίωση κατοικίας.pdf", file_name="document.pdf",
                              media_type="application/pdf", content=pdf)
    assert (added.name, added.media_type, added.size) == ("Βεβαίωση κατοικίας.pdf", "application/pdf", len(pdf))
    again = api.documents.add(MARIA, booking.reference, name="Βεβαίωση κατοικίας.pdf", file_name="document.pdf",
                              media_type="application/pdf", content=pdf)
    assert again == added
    assert api.documents.documents(MARIA, booking.reference) == [added]
    assert api.bookings.get_booking(MARIA, booking.reference).documents == (added,)
    downloaded = api.documents.download(MARIA, booking.reference, added.id)
    assert (downloaded.name, downloaded.media_type, downloaded.content) == (added.name, "application/pdf", pdf)
    with pytest.raises(SchedulingProblem) as refused:
        api.documents.add(MARIA, booking.reference, name="a.pdf", file_name="a.pdf", media_type="application/pdf",
                          content=b"PK\x03\x04 not a pdf")
    assert refused.value.code == "validation" and set(refused.value.field_errors) == {"file"}
    with pytest.raises(NotFound):
        api.documents.download(NIKOS, booking.reference, added.id)
    api.documents.remove(MARIA, booking.reference, added.id)
    api.documents.remove(MARIA, booking.reference, added.id)
    assert api.documents.documents(MARIA, booking.reference) == []
    api.bookings.cancel(MARIA, booking.reference)


def test_a_taken_slot_and_bad_answers_raise_typed_problems(api):
    # kep-megisti-1 has two employees: the third citizen for one time is refused.
    slot = api.availability.first_free("information", "child-benefit", kep_id="kep-megisti-1").slot
    for citizen in (MARIA, NIKOS):
        api.holds.hold(citizen, category="information", procedure="child-benefit", kep_id=slot.kep_id, start=slot.start)
    with pytest.raises(SchedulingProblem) as taken:
        api.holds.hold(ELENI, category="information", procedure="child-benefit", kep_id=slot.kep_id, start=slot.start)
    assert taken.value.code == "slot_taken"
    hold = api.holds.get_hold(MARIA, api.holds.hold(
        MARIA, category="information", procedure="child-benefit", kep_id=slot.kep_id, start=slot.start).id)
    with pytest.raises(SchedulingProblem) as invalid:
        api.bookings.book(MARIA, {"hold_id": hold.id, **ANSWERS, "contact": {}}, idempotency_key="k")
    assert invalid.value.code == "validation" and invalid.value.field_errors["contact.name"]["en"] == "Enter a value"
    api.holds.release(MARIA, hold.id)


# -- faults -----------------------------------------------------------------------------

class FlakyServer:
    """Answers with `failures` errors (or a bad body), then with `good`."""

    def __init__(self, failures=0, status="503 Service Unavailable", body=b"{}", content_type="application/json",
                 hold_answers=False, good=b'{"municipalities": []}'):
        self.calls = []
        self.failures, self.status, self.body, self.content_type = failures, status, body, content_type
        self.good = good
        # `hold_answers`: no answer until the test sets `answer_now` (a slow API, with no guess at how slow).
        self.answer_now = threading.Event()
        if not hold_answers:
            self.answer_now.set()
        self.server = make_server("127.0.0.1", 0, self, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.config = {"SCHEDULING_API_URL": f"http://127.0.0.1:{self.server.port}/v1",
                       "SCHEDULING_API_TOKEN": "t", "SCHEDULING_API_TIMEOUT": 0.5}

    def __call__(self, environ, start_response):
        self.calls.append(environ["REQUEST_METHOD"])
        self.answer_now.wait(timeout=60)
        if len(self.calls) <= self.failures:
            start_response(self.status, [("Content-Type", self.content_type)])
            return [self.body]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [self.good]


def test_a_get_is_retried_after_a_503():
    server = FlakyServer(failures=2)
    assert ApiClient(server.config).get("/municipalities") == {"municipalities": []}
    assert server.calls == ["GET", "GET", "GET"]


def test_a_post_without_idempotency_key_is_never_retried():
    server = FlakyServer(failures=1)
    with pytest.raises(SchedulingUnavailable):
        ApiClient(server.config).post("/holds", json={})
    assert server.calls == ["POST"]


def test_a_post_with_idempotency_key_is_retried():
    server = FlakyServer(failures=1)
    ApiClient(server.config).post("/bookings", json={}, idempotency_key="abc")
    assert server.calls == ["POST", "POST"]


def test_a_slow_api_times_out():
    # The answer comes only after the client has given up, and it is a good one:
    # only the 0.5 s read timeout turns it into "unavailable".
    server = FlakyServer(hold_answers=True)
    try:
        with pytest.raises(SchedulingUnavailable):
            ApiClient(server.config, retries=0).get("/municipalities")
    finally:
        server.answer_now.set()
    assert server.calls == ["GET"]


@pytest.mark.parametrize("body, content_type", [(b"not json", "application/json"), (b'{"a": 1}', "text/html"),
                                                (b"[1, 2]", "application/json")])
def test_nonsense_answers_are_unavailable(body, content_type):
    server = FlakyServer(failures=1, status="200 OK", body=body, content_type=content_type)
    with pytest.raises(SchedulingUnavailable):
        ApiClient(server.config, retries=0).get("/municipalities")


def test_catalogue_answers_are_cached_briefly():
    from kepweb.scheduling.catalogue import PlacesClient

    server = FlakyServer()
    client = PlacesClient({**server.config, "SCHEDULING_CATALOGUE_SECONDS": 60})
    client.municipalities()
    client.municipalities()
    assert server.calls == ["GET"]
    client.forget()
    client.municipalities()
    assert server.calls == ["GET", "GET"]


def test_a_download_in_a_type_not_asked_for_is_unavailable():
    from kepweb.scheduling.documents import DocumentsClient

    server = FlakyServer(failures=1, status="200 OK", body=b"<html>", content_type="text/html")
    with pytest.raises(SchedulingUnavailable):
        DocumentsClient(server.config, retries=0).download(MARIA, "KEP-2222-2222", "x")


# -- the citizen's assertion ---------------------------------------------------------------------------


def test_the_client_proves_the_citizen_with_a_short_lived_assertion_and_never_sends_the_tax_id(monkeypatch):
    import time

    from joserfc import jwt
    from joserfc.jwk import OctKey

    sent = {}

    def fake(self, method, url, **kwargs):
        sent.update(kwargs)
        raise __import__("requests").ConnectionError("no")

    monkeypatch.setattr("requests.Session.request", fake)
    key = "the-key-the-frontend-shares-with-the-api"
    config = {"SCHEDULING_API_URL": "http://api.invalid/v1", "SCHEDULING_API_TOKEN": "t",
              "SCHEDULING_API_TIMEOUT": 1, "CITIZEN_ASSERTION_KEY": key}
    with pytest.raises(SchedulingUnavailable):
        ApiClient(config, retries=0).get("/bookings", citizen_tax_id=MARIA)
    headers = sent["headers"]
    assert not any(MARIA in value for value in headers.values())
    assert "X-Citizen-Tax-Id" not in headers
    claims = jwt.decode(headers["X-Citizen-Assertion"], OctKey.import_key(key), algorithms=["HS256"]).claims
    assert claims["sub"] == MARIA and claims["aud"] == "mykeplive-scheduling-api" and claims["iss"] == "kepweb"
    assert claims["jti"] and abs(claims["iat"] - time.time()) < 5 and 0 < claims["exp"] - claims["iat"] <= 60
    with pytest.raises(Exception):  # noqa: B017 - any failure: signed with the key, and with no other
        jwt.decode(headers["X-Citizen-Assertion"], OctKey.import_key("another-key-entirely-0123456789"),
                   algorithms=["HS256"])


def test_the_assertion_key_is_required_in_production():
    from kepweb.config import REQUIRED_IN_PRODUCTION, ConfigError, from_environment

    assert "KEPWEB_CITIZEN_ASSERTION_KEY" in REQUIRED_IN_PRODUCTION
    with pytest.raises(ConfigError, match="at least 32"):
        from_environment({"KEPWEB_CITIZEN_ASSERTION_KEY": "short"})
    assert from_environment({"KEPWEB_CITIZEN_ASSERTION_KEY": "k" * 32})["CITIZEN_ASSERTION_KEY"] == "k" * 32
