"""When no sign-language interpreter is free in the horizon, the time step says so
plainly and offers what exists (text chat instead, a later day), never an empty list."""

from __future__ import annotations

import pytest

from kepweb.i18n import ATHENS
from tests.booking.test_steps import answers_of, put_answers
from tests.conftest import ADMIN_TOKEN
from tests.interpreters import Roster, take_the_only_interpreter_time
from tests.page_checks import text_of

PLACE = dict(category="information", procedure="child-benefit", municipality="psara", kep="kep-psara-1")
SIGN_LANGUAGE = {"needs": ["sign_language"], "third_person_name": "", "third_person_email": "", "other_needs": ""}


@pytest.fixture(scope="module")
def only_interpreter_taken(scheduling_api):
    """One interpreter left, free for one 40-minute call a day, on one day only; another citizen takes it."""
    from kepweb import create_app
    from tests.conftest import API_TOKEN

    roster = Roster(scheduling_api, ADMIN_TOKEN)
    interpreter = roster.keep_only_one("10:00", "10:40")
    frontend = create_app({"TESTING": True, "SCHEDULING_API_URL": scheduling_api, "SCHEDULING_API_TOKEN": API_TOKEN})
    return take_the_only_interpreter_time(frontend, roster, interpreter, "child-benefit", kep_id="kep-psara-1")


def test_no_interpreter_free_is_said_plainly_with_what_exists(citizen_request, only_interpreter_taken):
    put_answers(citizen_request, **PLACE, needs=SIGN_LANGUAGE)
    page = citizen_request.get("/book/time")
    banner = text_of(page.find(id="no-times-heading").find_parent(class_="govgr-notification-banner"))
    assert "No Greek Sign Language interpreter is free in the next 30 days" in banner
    assert "with text chat instead of an interpreter: the first free time is" in banner
    assert "try again on a later day" in banner
    assert "another KEP" not in banner, "interpreters serve every KEP: another one would not help"
    # Text chat instead: the needs change, and the times come back.
    response = citizen_request.post("/book/time/text-chat-instead", {"csrf_token": citizen_request.csrf_token(
        "/book/time")}, expected_status=303)
    page = citizen_request.get(response.headers["Location"])
    assert "text chat instead of a Greek Sign Language interpreter" in text_of(page.find(role="alert"))
    assert page.select(".kepweb-days a"), "times with text chat are offered"
    assert answers_of(citizen_request)["needs"]["needs"] == ["text_chat"]


def test_the_offered_times_are_only_those_with_a_free_interpreter(citizen_request, only_interpreter_taken):
    put_answers(citizen_request, **PLACE, needs={**SIGN_LANGUAGE, "needs": ["lip_reading"]})
    page = citizen_request.get("/book/time")
    assert page.select(".kepweb-days a"), "without an interpreter, times are free"
    put_answers(citizen_request, **PLACE, needs=SIGN_LANGUAGE)
    day = only_interpreter_taken.start.astimezone(ATHENS).date().isoformat()
    page = citizen_request.get(f"/book/time?day={day}&week={day}")
    assert not page.find("input", attrs={"name": "slot"}), "the only interpreter's time is taken"
