"""My appointments: one's own only, cancel, reschedule, and the join page's opening times."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kepweb.auth.citizen import Citizen
from kepweb.i18n import ATHENS
from tests.booking.conftest import MARIA, sign_in_as
from tests.page_checks import text_of

NIKOS = Citizen(tax_id="090000045", first_name="ΝΙΚΟΣ", last_name="Ν", father_name="", mother_name="",
                birth_year="", user_id="")


def test_my_appointments_lists_and_shows_my_own(citizen_request, booked):
    page = citizen_request.get("/appointments")
    assert booked.reference in text_of(page)
    page = citizen_request.get(f"/appointments/{booked.reference}")
    assert text_of(page.h1) == f"Appointment {booked.reference}"
    links = {text_of(a): a["href"] for a in page.select(".kepweb-actions a")}
    assert links["Cancel the appointment"] == f"/appointments/{booked.reference}/cancel"
    assert links["Join the video call"] == f"/appointments/{booked.reference}/join"


@pytest.mark.parametrize("suffix", ["", "/cancel", "/reschedule", "/join", "/calendar.ics"])
def test_another_citizens_appointment_is_not_found(citizen_request, booked, suffix):
    sign_in_as(citizen_request.client, NIKOS)
    assert citizen_request.client.get(f"/appointments/{booked.reference}{suffix}").status_code == 404


def test_the_email_links_go_through_sign_in(app, booked):
    response = app.test_client().get(f"/appointments/{booked.reference}/reschedule")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/sign-in?next=/appointments/{booked.reference}/reschedule"


def test_cancel_asks_first_then_frees_the_time(citizen_request, booked):
    page = citizen_request.get(f"/appointments/{booked.reference}/cancel")
    assert text_of(page.h1) == "Cancel this appointment?"
    response = citizen_request.post(f"/appointments/{booked.reference}/cancel", {}, expected_status=303)
    page = citizen_request.get(response.headers["Location"])
    assert "Your appointment is cancelled" in text_of(page)
    assert text_of(page.select_one(".kepweb-status")) == "Cancelled"
    api = citizen_request.client.application.extensions["scheduling"]
    assert api.bookings.get_booking(MARIA.tax_id, booked.reference).status == "cancelled"


def another_time(citizen_request, page, booked) -> str:
    """A free time other than the booked one: on the booked day, or (late in the day) on the next day that has one."""
    def others(page):
        return [i["value"] for i in page.find_all("input", attrs={"name": "slot"})
                if not i["value"].endswith(booked.start.isoformat())]

    booked_day = booked.start.astimezone(ATHENS).date().isoformat()
    for link in [None, *(a["href"] for a in page.select(".kepweb-days a") if f"day={booked_day}" not in a["href"])]:
        found = others(citizen_request.get(link) if link else page)
        if found:
            return found[0]
    raise AssertionError("no other free time in the week of the appointment")


def test_reschedule_moves_the_appointment_and_only_then_frees_the_old_time(citizen_request, booked):
    page = citizen_request.get(f"/appointments/{booked.reference}/reschedule")
    assert "stays booked until you choose a new time" in text_of(page)
    new = another_time(citizen_request, page, booked)
    response = citizen_request.post(f"/appointments/{booked.reference}/reschedule", {"slot": new}, expected_status=303)
    page = citizen_request.get(response.headers["Location"])
    assert "Your appointment is now on" in text_of(page)
    api = citizen_request.client.application.extensions["scheduling"]
    moved = api.bookings.get_booking(MARIA.tax_id, booked.reference)
    assert moved.start.isoformat() == new.partition("|")[2] and moved.start != booked.start


def test_the_join_page_opens_15_minutes_before_and_closes_at_the_end(citizen_request, booked):
    app = citizen_request.client.application
    url = f"/appointments/{booked.reference}/join"
    moments = {
        "early": booked.start - timedelta(minutes=16),
        "open": booked.start - timedelta(minutes=15),
        "during": booked.start + timedelta(minutes=5),
        "over": booked.end,
    }
    seen = {}
    for name, moment in moments.items():
        app.config["KEPWEB_CLOCK"] = lambda moment=moment: moment
        page = citizen_request.get(url)
        seen[name] = bool(page.find("a", href=f"/appointments/{booked.reference}/call"))
        if name == "early":
            assert "You can join from" in text_of(page)
        if name == "over":
            assert "This appointment has ended" in text_of(page)
    assert seen == {"early": False, "open": True, "during": True, "over": False}


def test_only_the_join_page_may_use_camera_and_microphone(citizen_request, booked):
    join = citizen_request.client.get(f"/appointments/{booked.reference}/join")
    assert "camera=(self)" in join.headers["Permissions-Policy"]
    assert "microphone=(self)" in join.headers["Permissions-Policy"]
    other = citizen_request.client.get(f"/appointments/{booked.reference}")
    assert "camera=()" in other.headers["Permissions-Policy"]


def test_the_join_page_says_who_else_joins(citizen_request, booked):
    page = citizen_request.get(f"/appointments/{booked.reference}/join")
    text = text_of(page)
    assert "identity document" in text and "sound only" in text and "Γιώργος" in text
