"""The citizen's side of the KEP's record: the status in My appointments, the outcome and the
result on the appointment's page, and sound only on the join page only after a passed check."""

from __future__ import annotations

import pytest

from sandbox.scheduling import call_records
from sandbox.scheduling.db import Database
from tests.page_checks import text_of

PDF = b"%PDF-1.7\n"


@pytest.fixture
def record(scheduling_database):
    """Record on the reference service's database what the KEP's employee does, at the call's start."""
    database = Database(scheduling_database)

    def act(reference, action, *args):
        with database.write() as connection:
            row = connection.execute("SELECT * FROM bookings WHERE reference=?", (reference,)).fetchone()
            return action(connection, row, "employee-subject", *args, row["starts"])
    return act


def passed_check(record, reference, tax_id_card="ΑΚ123456"):
    # MARIA of these tests has her own ΑΦΜ, which the register does not know: point her booking at
    # the register's Maria, as if she had signed in as her.
    return record(reference, lambda connection, row, staff, data, now: call_records.record_identity_check(
        connection, {**dict(row), "citizen": "094014201"}, staff, data, now),
        {"document_kind": "identity_card", "document_number": tax_id_card, "shown_on_camera": True,
         "matches_person": True})


def test_served_with_a_result_by_email_shows_the_outcome_and_where_the_result_is(citizen_request, booked, record):
    assert passed_check(record, booked.reference)["passed"]
    record(booked.reference, call_records.record_outcome, {"outcome": "served", "protocol_number": "1234/2026"})
    record(booked.reference, call_records.store_result, "certificate.pdf", PDF, "")

    page = citizen_request.get(f"/appointments/{booked.reference}")
    words = text_of(page.main)
    assert "Served" in text_of(page.find(class_="kepweb-status"))
    assert "The KEP employee completed your request." in words and "Protocol number: 1234/2026" in words
    # Queued, not yet sent: the page says "are emailing", never "emailed".
    assert "We are emailing you the result: certificate.pdf." in words

    listed = citizen_request.get("/appointments")
    assert "Served" in text_of(listed.main)


def test_not_served_says_the_employees_reason(citizen_request, booked, record):
    record(booked.reference, call_records.record_outcome,
           {"outcome": "not_served", "reason": "The procedure needs a signature in person."})
    words = text_of(citizen_request.get(f"/appointments/{booked.reference}").main)
    assert "Not served" in words and "The employee's note: The procedure needs a signature in person." in words
    assert "The result" not in words


def test_before_any_outcome_the_page_says_nothing_of_one(citizen_request, booked):
    words = text_of(citizen_request.get(f"/appointments/{booked.reference}").main)
    assert "The outcome of your call" not in words and "Booked" in words


def test_an_outcome_ends_the_join_page_instead_of_calling_it_cancelled(citizen_request, booked, record):
    record(booked.reference, call_records.record_outcome,
           {"outcome": "not_served", "reason": "Wrong procedure."})
    words = text_of(citizen_request.get(f"/appointments/{booked.reference}/join").main)
    assert "This appointment has ended" in words and "cancelled" not in words


def test_the_join_page_offers_sound_only_after_a_passed_check_and_only_then(citizen_request, booked, record):
    from datetime import timedelta

    into_the_call = booked.start + timedelta(minutes=1)  # for the frontend's clock
    citizen_request.client.application.config["KEPWEB_CLOCK"] = lambda: into_the_call
    words = text_of(citizen_request.get(f"/appointments/{booked.reference}/join").main)
    assert "sound only: tell the employee" not in words

    record(booked.reference, lambda connection, row, staff, data, now: call_records.record_identity_check(
        connection, {**dict(row), "citizen": "094014201"}, staff, data, now),
        {"document_kind": "identity_card", "document_number": "ΑΚ123456", "shown_on_camera": True,
         "matches_person": False})
    words = text_of(citizen_request.get(f"/appointments/{booked.reference}/join").main)
    assert "The identity check has not passed, so the call goes on with picture and sound." in words

    passed_check(record, booked.reference)
    words = text_of(citizen_request.get(f"/appointments/{booked.reference}/join").main)
    assert "If you prefer, the call can now go on with sound only" in words


def test_greek_words_in_the_outcome_are_marked_greek_not_shown_as_markup(citizen_request, booked, record):
    """On an English page the employee's Greek note is read with a Greek voice (lang="el"), and its
    mark-up is never shown as text."""
    record(booked.reference, call_records.record_outcome, {"outcome": "not_served", "reason": "Χρειάζεται υπογραφή."})
    page = citizen_request.get(f"/appointments/{booked.reference}")
    assert "<span" not in text_of(page.main)
    assert page.main.find("span", lang="el", string="Χρειάζεται υπογραφή.")
