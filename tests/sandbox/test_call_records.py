"""The KEP's record of a call (articles 6–7): identity check, outcome and result, in the reference service."""

from __future__ import annotations

import pytest

from sandbox.scheduling import call_records
from sandbox.scheduling.problems import Problem
from tests.sandbox.conftest import athens
from tests.sandbox.test_invitations import scheduling_of

TUESDAY_NINE = athens(2026, 12, 1, 9, 0)
PDF = b"%PDF-1.7\n% the decision\n"
EMPLOYEE = "employee-subject"
MARIAS_CARD = {"document_kind": "identity_card", "document_number": "ΑΚ 123456", "shown_on_camera": True,
               "matches_person": True}


@pytest.fixture
def booked(api, service, clock):
    """Maria's booking on Tuesday at 09:00, and the clock at its start."""
    def book(delivery="email"):
        hold = api.hold(TUESDAY_NINE)
        assert hold.status_code == 201, hold.json
        delivery_answer = {"method": delivery}
        if delivery == "pickup":
            delivery_answer = {"method": "email"}  # pickup is for municipal services: set below
        booking = api.book(hold.json["id"], delivery=delivery_answer)
        assert booking.status_code == 201, booking.json
        if delivery == "pickup":
            with scheduling_of(service).database.write() as connection:
                connection.execute("UPDATE bookings SET details=json_set(details, '$.delivery.method', 'pickup')"
                                   " WHERE reference=?", (booking.json["reference"],))
        clock.now = TUESDAY_NINE.astimezone(clock.now.tzinfo)
        return booking.json["reference"]
    return book


def act(service, clock, reference, action, *args):
    with scheduling_of(service).database.write() as connection:
        row = connection.execute("SELECT * FROM bookings WHERE reference=?", (reference,)).fetchone()
        return action(connection, row, EMPLOYEE, *args, int(clock().timestamp()))


def refused(service, clock, reference, action, *args) -> Problem:
    with pytest.raises(Problem) as problem:
        act(service, clock, reference, action, *args)
    return problem.value


def test_a_passed_check_needs_the_document_shown_the_person_and_the_register(service, clock, booked):
    reference = booked()
    check = act(service, clock, reference, call_records.record_identity_check, MARIAS_CARD)
    assert check["passed"] is True and check["register_answer"] == "match" and check["reason"] is None


@pytest.mark.parametrize(("changes", "reason"), [
    ({"shown_on_camera": False}, "not_shown"),
    ({"matches_person": False}, "not_the_person"),
    ({"document_number": "ΑΗ987654"}, "reported_lost"),
    ({"document_kind": "passport", "document_number": "ΑΝ1234567"}, "expired"),
    ({"document_number": "ΑΒ246802"}, "other_person"),
    ({"document_number": "ΧΧ000000"}, "not_in_register"),
])
def test_a_failed_check_says_which_step_failed(service, clock, booked, changes, reason):
    reference = booked()
    check = act(service, clock, reference, call_records.record_identity_check, {**MARIAS_CARD, **changes})
    assert check["passed"] is False and check["reason"] == reason


def test_the_latest_attempt_counts_and_only_the_numbers_ending_is_kept(service, clock, booked):
    reference = booked()
    act(service, clock, reference, call_records.record_identity_check, {**MARIAS_CARD, "matches_person": False})
    check = act(service, clock, reference, call_records.record_identity_check, MARIAS_CARD)
    assert check["passed"] is True and check["attempts"] == 2
    stored = scheduling_of(service).database.read().execute("SELECT document_ending FROM identity_checks").fetchall()
    assert {row[0] for row in stored} == {"456"}


def test_nothing_is_recorded_before_the_call_opens(service, clock, booked):
    reference = booked()
    clock.advance(minutes=-16)
    assert refused(service, clock, reference, call_records.record_identity_check, MARIAS_CARD).code == "not_allowed"


def test_served_needs_a_passed_check_and_a_protocol_number(service, clock, booked):
    reference = booked()
    no_check = refused(service, clock, reference, call_records.record_outcome,
                       {"outcome": "served", "protocol_number": "1234/2026"})
    assert no_check.code == "not_allowed"
    act(service, clock, reference, call_records.record_identity_check, MARIAS_CARD)
    no_number = refused(service, clock, reference, call_records.record_outcome, {"outcome": "served"})
    assert no_number.code == "validation" and "protocol_number" in no_number.errors
    act(service, clock, reference, call_records.record_outcome, {"outcome": "served", "protocol_number": "1234/2026"})
    row = scheduling_of(service).database.read().execute("SELECT * FROM bookings WHERE reference=?",
                                                          (reference,)).fetchone()
    assert call_records.outcome_view(row)["outcome"] == "served" and row["protocol_number"] == "1234/2026"


def test_not_served_needs_a_reason_and_an_outcome_is_recorded_once(service, clock, booked):
    reference = booked()
    assert refused(service, clock, reference, call_records.record_outcome, {"outcome": "not_served"}).code == \
        "validation"
    act(service, clock, reference, call_records.record_outcome,
        {"outcome": "not_served", "reason": "The procedure needs the citizen's signature in person."})
    again = refused(service, clock, reference, call_records.record_outcome, {"outcome": "no_show"})
    assert again.code == "not_allowed"


def test_no_show_only_once_the_call_has_started(service, clock, booked):
    reference = booked()
    clock.advance(minutes=-5)
    assert refused(service, clock, reference, call_records.record_outcome, {"outcome": "no_show"}).code == \
        "not_allowed"
    clock.advance(minutes=15)
    act(service, clock, reference, call_records.record_outcome, {"outcome": "no_show"})


def served(service, clock, reference):
    act(service, clock, reference, call_records.record_identity_check, MARIAS_CARD)
    act(service, clock, reference, call_records.record_outcome, {"outcome": "served", "protocol_number": "77/2026"})


@pytest.mark.parametrize(("delivery", "post_record", "state"), [
    ("email", "", "sending"), ("post", "RE123456789GR", "posted"), ("pickup", "", "ready_for_pickup")])
def test_the_result_is_delivered_the_way_the_citizen_chose(service, clock, booked, delivery, post_record, state):
    reference = booked(delivery)
    served(service, clock, reference)
    result = act(service, clock, reference, call_records.store_result, "Πιστοποιητικό.pdf", PDF, post_record)
    assert result["delivery"] == delivery and result["state"] == state
    assert result["media_type"] == "application/pdf" and result["name"].endswith(".pdf")


def test_a_result_by_post_needs_the_post_record_and_a_result_is_a_pdf_or_an_image(service, clock, booked):
    reference = booked("post")
    served(service, clock, reference)
    problem = refused(service, clock, reference, call_records.store_result, "result.pdf", b"PK\x03\x04zip", "")
    assert problem.code == "validation" and set(problem.errors) == {"file", "post_record"}


def test_no_result_before_the_call_is_served(service, clock, booked):
    reference = booked()
    assert refused(service, clock, reference, call_records.store_result, "r.pdf", PDF, "").code == "not_allowed"


def test_the_record_is_deleted_with_the_booking_after_its_period(service, clock, booked):
    from sandbox.scheduling.retention import purge

    reference = booked()
    served(service, clock, reference)
    act(service, clock, reference, call_records.store_result, "r.pdf", PDF, "")
    clock.advance(days=367)
    scheduling = scheduling_of(service)
    assert purge(scheduling.database, scheduling.settings, int(clock().timestamp())).bookings == 1
    connection = scheduling.database.read()
    assert connection.execute("SELECT COUNT(*) FROM identity_checks").fetchone()[0] == 0
    assert connection.execute("SELECT COUNT(*) FROM call_results").fetchone()[0] == 0



def test_a_result_by_email_is_attached_and_the_record_says_when_it_was_sent(service, clock, booked, outbox, settings):
    from sandbox.scheduling.mailer import deliver_pending

    settings.smtp_port = outbox.port
    reference = booked("email")
    served(service, clock, reference)
    act(service, clock, reference, call_records.store_result, "Βεβαίωση.pdf", PDF, "")
    deliver_pending(scheduling_of(service))
    [message] = [m for m in outbox.messages() if "result" in m["subject"].lower() or "αποτέλεσμα" in m["subject"]]
    assert message["to"] == ["maria@example.com"]
    assert "77/2026" in message["text"]  # the protocol number
    [attachment] = message["attachments"]
    assert attachment["content_type"] == "application/pdf"
    connection = scheduling_of(service).database.read()
    state = connection.execute("SELECT state, delivered_at FROM call_results").fetchone()
    assert state["state"] == "emailed" and state["delivered_at"] is not None


@pytest.mark.parametrize("delivery", ["post", "pickup"])
def test_by_post_or_pickup_the_email_says_so_and_attaches_nothing(service, clock, booked, outbox, settings,
                                                                  delivery):
    from sandbox.scheduling.mailer import deliver_pending

    settings.smtp_port = outbox.port
    reference = booked(delivery)
    served(service, clock, reference)
    act(service, clock, reference, call_records.store_result, "r.pdf", PDF, "RE123456789GR")
    deliver_pending(scheduling_of(service))
    [message] = [m for m in outbox.messages() if "αποτέλεσμα" in m["subject"].lower()]
    assert message["attachments"] == []
    assert ("RE123456789GR" in message["text"]) == (delivery == "post")
    assert ("Παραλάβετέ το από το ΚΕΠ" in message["text"]) == (delivery == "pickup")
