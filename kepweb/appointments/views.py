from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response
from flask_babel import get_locale
from flask_babel import gettext as _

from kepweb.appointments.calendar import appointment_calendar

from kepweb.auth import current_citizen, login_required
from kepweb.htmx import render_page
from kepweb.scheduling import clients

appointments = Blueprint("appointments", __name__)


@appointments.get("/appointments")
@login_required
def list_appointments():
    bookings = clients().bookings.bookings(current_citizen().tax_id)
    now = datetime.now(timezone.utc)
    upcoming = [b for b in bookings if b.status == "confirmed" and b.end > now]
    past = [b for b in reversed(bookings) if b not in upcoming]
    return render_page("appointments/list.html", page_title=_("My appointments"), upcoming=upcoming, past=past)


@appointments.get("/appointments/<reference>/calendar.ics")
@login_required
def calendar_file(reference):
    """Add to calendar. Somebody else's reference is "not found" (the API's 404)."""
    booking = clients().bookings.get_booking(current_citizen().tax_id, reference)
    body = appointment_calendar(booking, str(get_locale()), booking.meeting_url)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{booking.reference}.ics"', "Cache-Control": "no-store"})
