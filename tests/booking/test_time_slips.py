"""A time the citizen saw as free that, by the time they choose it, can no longer
be booked: it slipped inside the minimum notice (120 minutes before its start)
while they read the list. The sandbox API answers `outside_hours`; the citizen
must be told, in their language, and sent to choose another time, not shown
an error page. Caused with the sandbox's settable clock; outcomes asserted, not
wording (the wizard's messages are being reworked).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kepweb.scheduling.models import parse_moment
from tests.booking.conftest import MARIA
from tests.booking.test_final_submit import ERROR_PAGE_TITLES, assert_told_on_a_step
from tests.booking.test_steps import NO_NEEDS, answers_of, put_answers
from tests.page_checks import check_page, text_of

MIN_NOTICE = timedelta(minutes=120)  # the sandbox's default `min_notice_minutes`


@pytest.fixture
def app_config(app_config):
    """An unexpected error becomes the 500 page, as for a citizen, not an exception in the test."""
    return {**app_config, "PROPAGATE_EXCEPTIONS": False}


def landed(client, response, url):
    """Where a form sent to `url` leaves the citizen: the page shown again (200) or
    the page it redirects to. Returns (path, page); an error status fails."""
    assert response.status_code in (200, 303), f"the form answered {response.status_code}"
    if response.status_code == 200:
        return url, check_page(response.get_data(as_text=True))
    path = response.headers["Location"]
    return path, client.get(path)


def just_inside_the_notice(start: datetime) -> timedelta:
    """How far ahead the API's clock goes (a negative `behind`) for `start` to be a minute inside the notice."""
    return -(start - datetime.now(timezone.utc) - MIN_NOTICE + timedelta(minutes=1))


def test_a_time_that_slipped_inside_the_notice_sends_you_to_choose_another(citizen_request, sandbox_clock):
    put_answers(citizen_request, category="information", procedure="child-benefit", municipality="psara",
                kep="kep-psara-1", needs=NO_NEEDS)
    day = citizen_request.get("/book/time").select(".kepweb-days a")[0]["href"]
    slot = citizen_request.get(day).find("input", attrs={"name": "slot"})["value"]
    token = citizen_request.csrf_token(day)
    sandbox_clock.behind = just_inside_the_notice(parse_moment(slot.partition("|")[2]))

    response = citizen_request.client.post(day, data={"slot": slot, "csrf_token": token})
    path, page = landed(citizen_request, response, day)
    assert path.startswith("/book/time"), path
    assert_told_on_a_step(path, page)
    answers = answers_of(citizen_request)
    assert "hold" not in answers and answers["procedure"] == "child-benefit"


def test_rescheduling_to_a_time_that_slipped_inside_the_notice_keeps_the_old_time(citizen_request, booked,
                                                                                   sandbox_clock):
    url = f"/appointments/{booked.reference}/reschedule"
    page = citizen_request.get(url)
    others = [radio["value"] for radio in page.find_all("input", attrs={"name": "slot"})
              if not radio["value"].endswith(booked.start.isoformat())]
    if not others:  # the booked day has no other free time: the first day that has
        page = citizen_request.get(page.select(".kepweb-days a")[0]["href"])
        others = [radio["value"] for radio in page.find_all("input", attrs={"name": "slot"})]
    chosen = min(others, key=lambda value: parse_moment(value.partition("|")[2]))
    token = citizen_request.csrf_token(url)
    sandbox_clock.behind = just_inside_the_notice(parse_moment(chosen.partition("|")[2]))

    response = citizen_request.client.post(url, data={"slot": chosen, "csrf_token": token})
    path, page = landed(citizen_request, response, url)
    assert path.startswith(f"/appointments/{booked.reference}"), path
    assert text_of(page.h1) not in ERROR_PAGE_TITLES
    assert page.select("[role=alert], [data-error-summary], .govgr-notification-banner, .govgr-error-message")
    api = citizen_request.client.application.extensions["scheduling"]
    kept = api.bookings.get_booking(MARIA.tax_id, booked.reference)
    assert (kept.status, kept.start) == ("confirmed", booked.start)
