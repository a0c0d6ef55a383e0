"""The whole wizard through the Flask test client, as a browser without JavaScript."""

from __future__ import annotations

import re

from tests.page_checks import text_of


def follow(client_request, response):
    """Follow post-redirect-get to the next step and check that page."""
    assert response.status_code == 303, response.status_code
    return client_request.get(response.headers["Location"])


def first_time_on(page):
    return page.find("input", attrs={"name": "slot"})["value"]


def test_an_information_booking_from_start_to_confirmation(citizen_request, outbox):
    client = citizen_request
    page = follow(client, client.client.get("/book"))
    assert page.title.get_text().startswith("Step 1 of 9: What do you need help with?")
    page = follow(client, client.post("/book/category", {"category": "information"}, expected_status=303))
    assert "Step 2 of 9" in page.title.get_text()  # no business step for this category
    page = client.get("/book/procedure?q=epidoma paidiou")
    options = [text_of(label) for label in page.select("label.govgr-radios__label")]
    assert options and all("παιδ" in option.lower() or "child" in option.lower() for option in options)
    procedure = page.find("input", attrs={"name": "procedure"})["value"]
    page = follow(client, client.post("/book/procedure", {"procedure": procedure}, expected_status=303))
    page = follow(client, client.post("/book/municipality", {"municipality": "psara"}, expected_status=303))
    # Psara has one KEP: chosen for the citizen; the needs come before the time.
    assert "Communication needs" in text_of(page.h1)
    page = follow(client, client.post("/book/needs", {"needs": ["lip_reading"]}, expected_status=303))
    assert "Choose a day and time" in text_of(page.h1)
    day_link = page.select(".kepweb-days a")[0]["href"]
    page = client.get(day_link)
    slot = first_time_on(page)
    page = follow(client, client.post(day_link, {"slot": slot}, expected_status=303))
    assert "is held for you until" in text_of(page)
    page = follow(client, client.post("/book/details", {
        "full_name": "Μαρία Παπαδοπούλου", "email": "maria@example.com", "phone": "691 234 5678",
        "street": "Ερμού 10", "postcode": "105 63", "town": "Αθήνα", "contact_preference": "sms"},
        expected_status=303))
    page = follow(client, client.post("/book/document", {"id_document": "passport"}, expected_status=303))
    page = follow(client, client.post("/book/delivery", {"method": "email"}, expected_status=303))
    assert text_of(page.h1) == "Step 10 of 10 Check your answers"  # the step number is read with the heading
    assert "Lip-reading" in text_of(page)
    token = client.csrf_token("/book/check")
    response = client.post("/book/check", {"csrf_token": token}, expected_status=303)
    # A double click, or a reload that sends the form again: the same form, the same booking.
    again = client.post("/book/check", {"csrf_token": token}, expected_status=303)
    page = follow(client, response)
    assert text_of(page.h1) == "Your appointment is booked"
    reference = text_of(page.select_one(".kepweb-reference"))
    assert re.fullmatch(r"KEP-[2-9A-Z]{4}-[2-9A-Z]{4}", reference)
    assert again.headers["Location"] == response.headers["Location"]
    bookings = client.get("/appointments")
    assert text_of(bookings).count(reference) == 1


def test_the_calendar_file_is_only_for_its_citizen(citizen_request, booked):
    from kepweb.auth.citizen import Citizen
    from tests.booking.conftest import sign_in_as

    link = f"/appointments/{booked.reference}/calendar.ics"
    response = citizen_request.client.get(link)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert "TZID=Europe/Athens" in body and "BEGIN:VALARM" in body and booked.reference in body
    other = Citizen(tax_id="090000045", first_name="Ν", last_name="Ν", father_name="", mother_name="",
                    birth_year="", user_id="")
    sign_in_as(citizen_request.client, other)
    assert citizen_request.client.get(link).status_code == 404
