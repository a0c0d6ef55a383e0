"""The needs step comes before the time and remembers the needs only when asked
(health-related data, GDPR art. 9): kept by the scheduling API, shown, changed
and deleted from "Your communication needs"."""

from __future__ import annotations

import pytest

from kepweb.scheduling import clients
from tests.booking.conftest import MARIA
from tests.booking.test_steps import answers_of, put_answers
from tests.page_checks import text_of

ON_THE_NEEDS_STEP = dict(category="information", procedure="child-benefit", municipality="psara", kep="kep-psara-1")


def saved_profile(citizen_request):
    with citizen_request.client.application.app_context():
        return clients().needs_profiles.saved(MARIA.tax_id)


@pytest.fixture
def no_profile(citizen_request):
    with citizen_request.client.application.app_context():
        clients().needs_profiles.delete_saved(MARIA.tax_id)
    yield
    with citizen_request.client.application.app_context():
        clients().needs_profiles.delete_saved(MARIA.tax_id)


def test_the_needs_come_before_the_time(citizen_request):
    put_answers(citizen_request, **ON_THE_NEEDS_STEP)
    response = citizen_request.client.get("/book/time")
    assert response.headers["Location"] == "/book/needs"
    page = citizen_request.get("/book/needs")
    assert "Step 5 of 10" in page.title.get_text()


def test_needs_are_kept_only_when_the_citizen_asks(citizen_request, no_profile):
    put_answers(citizen_request, **ON_THE_NEEDS_STEP)
    page = citizen_request.get("/book/needs")
    assert not page.find(id="remember").has_attr("checked"), "consent is never given for the citizen"
    citizen_request.post("/book/needs", {"needs": ["lip_reading"]}, expected_status=303)
    assert saved_profile(citizen_request) is None

    citizen_request.post("/book/needs", {"needs": ["sign_language", "third_person"], "remember": "y",
                                         "third_person_name": "Ελένη Π.", "third_person_email": "eleni@example.com",
                                         "other_needs": "Αργά, παρακαλώ"}, expected_status=303)
    kept = saved_profile(citizen_request)
    assert kept.needs == ("sign_language", "third_person") and kept.other_needs == "Αργά, παρακαλώ"
    assert kept.third_person == {"name": "Ελένη Π.", "email": "eleni@example.com"}


def test_the_next_booking_starts_with_the_remembered_needs(citizen_request, no_profile):
    put_answers(citizen_request, **ON_THE_NEEDS_STEP)
    citizen_request.post("/book/needs", {"needs": ["text_chat"], "remember": "y"}, expected_status=303)
    put_answers(citizen_request, **ON_THE_NEEDS_STEP)  # a new booking: no needs answered yet
    page = citizen_request.get("/book/needs")
    assert "We have filled in the needs you asked us to remember" in text_of(page)
    assert page.find("input", attrs={"name": "needs", "value": "text_chat"}).has_attr("checked")
    assert page.find(id="remember").has_attr("checked")
    # Unticked, the consent is withdrawn: the kept needs are deleted.
    citizen_request.post("/book/needs", {"needs": ["text_chat"]}, expected_status=303)
    assert saved_profile(citizen_request) is None
    assert answers_of(citizen_request)["needs"]["needs"] == ["text_chat"]


def test_the_citizen_sees_changes_and_deletes_the_kept_needs(citizen_request, no_profile):
    page = citizen_request.get("/needs-profile")
    assert "We keep no communication needs for you" in text_of(page)
    page = citizen_request.post("/needs-profile/change", {"needs": ["third_person"]})
    assert page.title.get_text().startswith("Error: ")
    citizen_request.post("/needs-profile/change", {"needs": ["lip_reading"], "other_needs": "Φως στο πρόσωπο"},
                         expected_status=303)
    page = citizen_request.get("/needs-profile")
    assert "Lip-reading" in text_of(page) and "Φως στο πρόσωπο" in text_of(page)
    assert "We have saved your communication needs" in text_of(page)
    citizen_request.get("/needs-profile/delete")
    citizen_request.post("/needs-profile/delete", {}, expected_status=303)
    assert saved_profile(citizen_request) is None
    assert "We have deleted your communication needs" in text_of(citizen_request.get("/needs-profile"))


def test_the_needs_pages_need_sign_in(client):
    for path in ("/needs-profile", "/needs-profile/change", "/needs-profile/delete"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in"), path


def test_needs_are_listed_one_per_item_never_joined_by_a_semicolon(citizen_request, no_profile):
    """«;» is the Greek question mark: a list joined by it reads aloud as questions."""
    citizen_request.use_language("el")
    citizen_request.post("/needs-profile/change", {"needs": ["lip_reading", "text_chat"]}, expected_status=303)
    page = citizen_request.get("/needs-profile")
    needs_row = page.select_one(".govgr-summary-list__value")
    assert [text_of(item) for item in needs_row.select("li")] == [
        "Χειλεανάγνωση: ο υπάλληλος κοιτάζει την κάμερα, με καλό φωτισμό", "Γραπτή συνομιλία ή υπότιτλοι"]
    assert ";" not in text_of(needs_row)
