"""The invited people's side: the third person and the interpreter open their own link,
without Taxisnet, on one device; the citizen's pages show what really happened."""

from __future__ import annotations

import sqlite3

import pytest

from kepweb.auth.sessions import GUEST_INVITATION
from kepweb.guests.views import DEVICE_COOKIE
from sandbox.scheduling import Settings
from sandbox.scheduling.invitations import token_for
from tests.booking.conftest import MARIA
from tests.conftest import PageClient
from tests.page_checks import text_of


def join_link(database, reference, role) -> str:
    """The path of the link the invitation email carries (the service signs it from the row)."""
    with sqlite3.connect(database) as connection:
        invitation_id, nonce = connection.execute(
            "SELECT i.id, i.nonce FROM invitations i JOIN bookings b ON b.id = i.booking_id"
            " WHERE b.reference=? AND i.role=?", (reference, role)).fetchone()
    return f"/join/{token_for(Settings(), invitation_id, nonce)}"


@pytest.fixture
def guest(app):
    """Somebody with a browser of their own and no Taxisnet session."""
    client = PageClient(app.test_client())
    client.use_language("en")
    return client


def arrive(guest, link):
    response = guest.client.get(link)
    assert response.status_code == 303 and response.headers["Location"] == "/join", "the token leaves the URL"
    return guest.get("/join")


def test_the_third_person_joins_with_their_own_link_and_confirms(citizen_request, booked, guest,
                                                                 scheduling_database):
    page = arrive(guest, join_link(scheduling_database, booked.reference, "third_person"))
    text = text_of(page)
    assert text_of(page.h1) == "Your invitation to a myKEPlive video call"
    assert "Γιώργος, a citizen has invited you" in text and booked.reference in text
    assert "Μαρία" not in text, "the invited person does not see the citizen's details"
    cookie = guest.client.get_cookie(DEVICE_COOKIE, path="/join")
    assert cookie is not None and cookie.http_only
    guest.post("/join/confirm", {"csrf_token": guest.csrf_token("/join")}, expected_status=303)
    page = guest.get("/join")
    assert "The citizen and the KEP can now see that you will take part" in text_of(page)
    assert "You have confirmed that you will take part" in text_of(page)
    # The citizen sees it, from the API, on the appointment page.
    shown = text_of(citizen_request.get(f"/appointments/{booked.reference}"))
    assert "Third person Γιώργος" in shown and "that they will take part" in shown


def test_a_link_opens_on_one_device_only(booked, guest, app, scheduling_database):
    link = join_link(scheduling_database, booked.reference, "third_person")
    arrive(guest, link)
    other_device = PageClient(app.test_client())
    other_device.use_language("en")
    page = arrive(other_device, link)
    assert "already been opened on another device" in text_of(page)
    assert not page.find("a", string="Join the call now") and not page.select("form[action='/join/confirm']")


def test_a_cancelled_appointment_withdraws_the_invitation(citizen_request, booked, guest, scheduling_database):
    link = join_link(scheduling_database, booked.reference, "third_person")
    citizen_request.post(f"/appointments/{booked.reference}/cancel", {}, expected_status=303)
    shown = text_of(citizen_request.get(f"/appointments/{booked.reference}"))
    assert "Invitation withdrawn on" in shown
    page = arrive(guest, link)
    assert "This invitation has been withdrawn" in text_of(page)


def test_a_link_that_is_not_ours_gets_a_plain_page(guest):
    response = guest.client.get("/join/not-a-real-token")
    assert response.headers["Location"] == "/join"
    page = guest.get("/join", expected_status=404)
    assert text_of(page.h1) == "This invitation link does not work"
    assert "help@mykeplive.example" in text_of(page)


def test_a_guest_writes_nothing_to_the_session_store_and_nothing_personal_to_a_cookie(booked, guest, app,
                                                                                      scheduling_database):
    """An invited guest has not signed in: their link travels in the signed session cookie (it is theirs,
    and the API checks it at every request); the store holds only signed-in sessions."""
    store = app.config["SESSION_CACHELIB"]
    before = len(list(store._list_dir()))  # the citizen who booked: one entry
    link = join_link(scheduling_database, booked.reference, "third_person")
    arrive(guest, link)
    guest.post("/join/confirm", {"csrf_token": guest.csrf_token("/join")}, expected_status=303)
    assert "You have confirmed that you will take part" in text_of(guest.get("/join"))
    assert len(list(store._list_dir())) == before
    cookie = guest.client.get_cookie("kepweb_session").value
    carried = app.session_interface.in_cookie.get_signing_serializer(app).loads(cookie)
    assert carried[GUEST_INVITATION] == link.removeprefix("/join/")
    assert not any(personal in str(carried) for personal in ("Γιώργος", "g@example.com", "Μαρία", MARIA.tax_id))
