"""My appointments: the list, one appointment, cancel, reschedule, calendar, join."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta, timezone

from flask import Blueprint, Response, current_app, flash, get_flashed_messages, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from kepweb.appointments.calendar import appointment_calendar
from kepweb.auth import current_citizen, login_required
from kepweb.htmx import render_page
from kepweb.scheduling import HoldExpired, NotAllowed, NotFound, SlotTaken, clients
from kepweb.security import per_view_policy

# Only the join page may use the camera and microphone (for the device check).
JOIN_PERMISSIONS = {"camera": "(self)", "microphone": "(self)", "geolocation": "()", "payment": "()", "usb": "()"}

log = logging.getLogger(__name__)
appointments = Blueprint("appointments", __name__)

# The join page opens this long before the start, and closes at the end.
JOIN_OPENS_BEFORE = timedelta(minutes=15)


def now() -> datetime:
    """The time, from config in tests (a controllable clock, not sleeps)."""
    clock = current_app.config.get("KEPWEB_CLOCK")
    return clock() if clock else datetime.now(timezone.utc)


def own_booking(reference):
    # Somebody else's reference answers 404 from the API, and errors.py shows "page not found".
    try:
        return clients().bookings.get_booking(current_citizen().tax_id, reference)
    except NotFound:
        log.warning("refused: an appointment that is not the signed-in citizen's, or none")
        raise


@appointments.get("/appointments")
@login_required
def list_appointments():
    bookings = clients().bookings.bookings(current_citizen().tax_id)
    moment = now()
    upcoming = [b for b in bookings if b.status == "confirmed" and b.end > moment]
    past = [b for b in reversed(bookings) if b not in upcoming]
    return render_page("appointments/list.html", page_title=_("My appointments"), upcoming=upcoming, past=past)


@appointments.get("/appointments/<reference>")
@login_required
def show(reference):
    booking = own_booking(reference)
    moment = now()
    return render_page("appointments/show.html", page_title=_("Appointment %(reference)s", reference=reference),
                       booking=booking, upcoming=booking.status == "confirmed" and booking.end > moment,
                       messages=get_flashed_messages(category_filter=["appointment"]))


@appointments.route("/appointments/<reference>/cancel", methods=["GET", "POST"])
@login_required
def cancel(reference):
    booking = own_booking(reference)
    if request.method == "POST":  # CSRFProtect has checked the token
        try:
            clients().bookings.cancel(current_citizen().tax_id, reference)
        except NotAllowed:
            flash(_("This appointment has already started, so it can no longer be cancelled."), "appointment")
        else:
            flash(_("Your appointment is cancelled. We have emailed you to confirm."), "appointment")
        return redirect(url_for("appointments.show", reference=reference), code=303)
    return render_page("appointments/cancel.html", page_title=_("Cancel this appointment?"), booking=booking)


@appointments.route("/appointments/<reference>/reschedule", methods=["GET", "POST"])
@login_required
def reschedule(reference):
    """Choose a new time; the old one stays booked until the new one is."""
    from kepweb.booking.views import slot_label, today_in_athens, parse_day

    booking = own_booking(reference)
    if booking.status != "confirmed" or booking.end <= now():
        return redirect(url_for("appointments.show", reference=reference), code=303)
    citizen = current_citizen().tax_id
    needs = booking.details.get("needs") or []
    availability = clients().availability
    if request.method == "POST":
        kep_id, _sep, start = request.form.get("slot", "").partition("|")
        try:
            start_at = datetime.fromisoformat(start)
            hold = clients().holds.hold(citizen, category=booking.category, procedure=booking.procedure_id,
                                        kep_id=kep_id, start=start_at, needs=needs, for_booking=reference)
            moved = clients().bookings.reschedule(citizen, reference, hold.id, idempotency_key=str(uuid.uuid4()))
        except ValueError:
            flash(_("Choose a time"), "appointment")
            return redirect(url_for("appointments.reschedule", reference=reference), code=303)
        except (SlotTaken, HoldExpired):
            flash(_("Somebody has just taken that time. Choose another."), "appointment")
            return redirect(url_for("appointments.reschedule", reference=reference), code=303)
        flash(_("Your appointment is now on %(slot)s. We have emailed you to confirm.",
                slot=slot_label(moved.start, moved.end)), "appointment")
        return redirect(url_for("appointments.show", reference=reference), code=303)
    day = parse_day(request.args.get("day"), booking.start.date())
    today = today_in_athens()
    day = max(day, today)
    slots = availability.slots(booking.category, booking.procedure_id, needs=needs, kep_id=booking.kep.id, day=day)
    days = availability.days(booking.category, booking.procedure_id, needs=needs, kep_id=booking.kep.id,
                             first=today, last=today + timedelta(days=13))
    return render_page("appointments/reschedule.html", page_title=_("Choose a new time"), booking=booking,
                       slots=slots, day=day, days=days, slot_label=slot_label,
                       messages=get_flashed_messages(category_filter=["appointment"]))


@appointments.get("/appointments/<reference>/calendar.ics")
@login_required
def calendar_file(reference):
    """Add to calendar."""
    booking = own_booking(reference)
    body = appointment_calendar(booking, str(get_locale()), booking.meeting_url)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{booking.reference}.ics"', "Cache-Control": "no-store"})


@appointments.get("/appointments/<reference>/join")
@per_view_policy(permissions_policy=JOIN_PERMISSIONS)
@login_required
def join(reference):
    booking = own_booking(reference)
    moment = now()
    opens = booking.start - JOIN_OPENS_BEFORE
    if booking.status != "confirmed":
        state = "cancelled"
    elif moment < opens:
        state = "early"
    elif moment >= booking.end:
        state = "over"
    else:
        state = "open"
    return render_page("appointments/join.html", page_title=_("Join your video call"), booking=booking,
                       join_state=state, opens=opens, seconds_to_open=max(0, int((opens - moment).total_seconds())))
