"""A signed-in citizen for the wizard's tests (the sign-in itself is tested in test_sign_in.py)."""

from __future__ import annotations

import time

import pytest

from kepweb.auth.citizen import Citizen
from kepweb.auth.sessions import LAST_SEEN, SESSION_CITIZEN

# Her own ΑΦΜ: other tests share the sandbox API and book as 094014201.
MARIA = Citizen(tax_id="111111114", first_name="ΜΑΡΙΑ", last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ", father_name="ΓΕΩΡΓΙΟΣ",
                mother_name="ΕΛΕΝΗ", birth_year="1980", user_id="User094014201")


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "SESSION_DIRECTORY": str(tmp_path / "sessions")}


def sign_in_as(client, citizen=MARIA):
    with client.session_transaction() as session:
        session[SESSION_CITIZEN] = citizen.to_session()
        session[LAST_SEEN] = time.time()


@pytest.fixture
def citizen_request(client_request):
    client_request.client.set_cookie("kepweb_lang", "en")
    sign_in_as(client_request.client)
    return client_request


def hold_the_first_free_time(api):
    """MARIA holds the first free time for a housing allowance in Hydra: (the free time, the hold)."""
    slot = api.availability.first_free("information", "housing-allowance", municipality_id="hydra").slot
    return slot, api.holds.hold(MARIA.tax_id, category="information", procedure="housing-allowance",
                                kep_id=slot.kep_id, start=slot.start)


@pytest.fixture
def booked(citizen_request):
    """An appointment of MARIA's, made through the frontend's own client, cancelled afterwards."""
    api = citizen_request.client.application.extensions["scheduling"]
    _slot, hold = hold_the_first_free_time(api)
    booking = api.bookings.book(MARIA.tax_id, {
        "hold_id": hold.id, "contact": {"name": "Μαρία", "email": "m@example.com", "phone": "6912345678",
                                        "address": {"street": "Α 1", "postcode": "10563", "town": "Αθήνα"}},
        "id_document": "passport", "needs": ["third_person"],
        "third_person": {"name": "Γιώργος", "email": "g@example.com"},
        "contact_preference": "email", "delivery": {"method": "email"}, "language": "en"},
        idempotency_key=hold.id)
    yield booking
    # One active booking per procedure: leave none behind for the next test of this module.
    if api.bookings.get_booking(MARIA.tax_id, booking.reference).status == "confirmed":
        api.bookings.cancel(MARIA.tax_id, booking.reference)


