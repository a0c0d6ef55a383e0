"""My appointments: the list, one appointment, cancel, reschedule, calendar, join, and the
supporting documents the KEP has for it (see them, download, add, remove)."""

from __future__ import annotations

import hashlib
import logging

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from kepweb import calls, limits, refusals
from kepweb.appointments import outcomes
from kepweb.appointments.calendar import appointment_calendar
from kepweb.appointments.forms import AddDocumentForm
from kepweb.auth import current_citizen, login_required
from kepweb.booking.documents import digest_of, message_for
from kepweb.clock import now
from kepweb.htmx import render_page
from kepweb.i18n import ATHENS, slot_label
from kepweb.scheduling import NotFound, SchedulingProblem, clients
from kepweb.security import per_view_policy
from kepweb.time_picker import Query, TimeForm, choose
from kepweb.uploads import MAX_FILES, attachment_response, check_uploads, describe_size

log = logging.getLogger(__name__)
appointments = Blueprint("appointments", __name__)


def own_booking(reference):
    # Somebody else's reference answers 404 from the API: "page not found".
    try:
        return clients().bookings.get_booking(current_citizen().tax_id, reference)
    except NotFound:
        log.warning("refused: an appointment that is not the signed-in citizen's, or none")
        raise


def is_upcoming(booking) -> bool:
    return booking.status == "confirmed" and booking.end > now()


@appointments.errorhandler(SchedulingProblem)
def refused(problem):
    """The API refused: say why on the page the citizen can act from; the appointment is as it was."""
    action = refusals.current_action(default="view")
    refusal = refusals.refusal_for(refusals.APPOINTMENTS, action, problem)
    reference = (request.view_args or {}).get("reference")
    back = url_for("appointments.show", reference=reference) if reference else url_for(
        "appointments.list_appointments")
    if refusal is None:
        return refusals.unforeseen(action, problem, back_url=back)
    if refusal.resume == refusals.NOT_FOUND:
        return refusals.not_found()
    target = request.full_path.rstrip("?") if refusal.resume == refusals.SAME_PAGE else back
    return refusals.go_on(action, refusal, problem, target, back_url=back)


@appointments.get("/appointments")
@login_required
def list_appointments():
    bookings = clients().bookings.bookings(current_citizen().tax_id)
    upcoming = [b for b in bookings if is_upcoming(b)]
    past = [b for b in reversed(bookings) if b not in upcoming]
    return render_page("appointments/list.html", page_title=_("My appointments"), upcoming=upcoming, past=past,
                       status_label=outcomes.status_label, is_upcoming=is_upcoming)


def show_page(booking, form=None):
    """One appointment; `form` is the supporting-document form, with its errors when it was refused."""
    return render_page("appointments/show.html", page_title=_("Appointment %(reference)s",
                                                              reference=booking.reference),
                       booking=booking, upcoming=is_upcoming(booking), max_documents=MAX_FILES,
                       form=form or AddDocumentForm(formdata=None), status_label=outcomes.status_label,
                       outcome_sentences=outcomes.outcome_sentences(booking),
                       result_sentence=outcomes.result_sentence(booking))


@appointments.get("/appointments/<reference>")
@login_required
def show(reference):
    return show_page(own_booking(reference))


@appointments.route("/appointments/<reference>/cancel", methods=["GET", "POST"])
@limits.protect("change")
@login_required
def cancel(reference):
    booking = own_booking(reference)
    if request.method == "POST":  # CSRFProtect has checked the token
        # Sent twice (a double click), the second finds it cancelled: the same answer.
        if booking.status != "cancelled":
            clients().bookings.cancel(current_citizen().tax_id, reference)
        flash(_("Your appointment is cancelled. We are emailing you to confirm."), "success")
        return redirect(url_for("appointments.show", reference=reference), code=303)
    return render_page("appointments/cancel.html", page_title=_("Cancel this appointment?"), booking=booking)


def move_key(booking, kep_id, start) -> str:
    """One Idempotency-Key per move: this booking, from its time now, to the chosen time."""
    move = f"{booking.reference}|{booking.start.isoformat()}|{kep_id}|{start.isoformat()}"
    return hashlib.sha256(move.encode()).hexdigest()


def is_at(booking, kep_id, start) -> bool:
    return booking.status == "confirmed" and booking.kep.id == kep_id and booking.start == start


def moved(booking):
    flash(_("Your appointment is now on %(slot)s. We are emailing you to confirm.",
            slot=slot_label(booking.start, booking.end)), "success")
    return redirect(url_for("appointments.show", reference=booking.reference), code=303)


@appointments.route("/appointments/<reference>/reschedule", methods=["GET", "POST"])
@limits.protect("change")
@login_required
def reschedule(reference):
    """Choose a new time; the old one stays booked until the new one is."""
    booking = own_booking(reference)
    form = TimeForm()
    chosen = form.chosen() if form.validate_on_submit() else None
    if chosen and is_at(booking, *chosen):
        return moved(booking)  # the same form sent twice: it is already there
    if not is_upcoming(booking):
        return redirect(url_for("appointments.show", reference=reference), code=303)
    if chosen:
        return move(booking, *chosen)
    query = Query(category=booking.category, procedure=booking.procedure_id,
                  needs=booking.details.get("needs") or [], kep_id=booking.kep.id)
    # First the day of the appointment as it is, and its week.
    day = request.args.get("day") or booking.start.astimezone(ATHENS).date().isoformat()
    choice = choose(query, request.args.get("week") or day, day, form)
    return render_page("appointments/reschedule.html", page_title=_("Choose a new time"), booking=booking,
                       form=form, choice=choice)


def move(booking, kep_id, start):
    citizen = current_citizen().tax_id
    try:
        hold = clients().holds.hold(citizen, category=booking.category, procedure=booking.procedure_id,
                                    kep_id=kep_id, start=start, needs=booking.details.get("needs") or [],
                                    for_booking=booking.reference)
        result = clients().bookings.reschedule(citizen, booking.reference, hold.id,
                                               idempotency_key=move_key(booking, kep_id, start))
    except SchedulingProblem:
        # Sent twice at once, the twin may have moved it first (and let this hold go).
        again = own_booking(booking.reference)
        if not is_at(again, kep_id, start):
            raise
        result = again
    return moved(result)


@appointments.get("/appointments/<reference>/calendar.ics")
@login_required
def calendar_file(reference):
    """Add to calendar."""
    booking = own_booking(reference)
    body = appointment_calendar(booking, str(get_locale()), booking.meeting_url)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{booking.reference}.ics"', "Cache-Control": "no-store"})


@appointments.get("/appointments/<reference>/join")
@per_view_policy(permissions_policy=calls.JOIN_PERMISSIONS)
@login_required
def join(reference):
    booking = own_booking(reference)
    moment = now()
    opens = calls.opens_at(booking.start)
    # An outcome recorded means the call is over, whatever the clock says; only a cancellation is "cancelled".
    state = ("cancelled" if booking.status == "cancelled" else "over" if booking.status != "confirmed"
             else calls.phase(booking.start, booking.end, moment))
    return render_page("appointments/join.html", page_title=_("Join your video call"), booking=booking,
                       join_state=state, opens=opens, seconds_to_open=max(0, int((opens - moment).total_seconds())))


# -- supporting documents --------------------------------------------------------------

DOCUMENT_TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


@appointments.app_template_filter("document_type")
def document_type(media_type: str) -> str:
    return DOCUMENT_TYPE_NAMES.get(media_type, media_type)


@appointments.app_template_filter("file_size")
def file_size(size: int) -> str:
    return describe_size(size, str(get_locale()))


def back_to(booking):
    return redirect(url_for("appointments.show", reference=booking.reference), code=303)


@appointments.route("/appointments/<reference>/documents", methods=["GET", "POST"])
@login_required
def add_document(reference):
    """Send the KEP one more document: the wizard's checks and messages, then the API's."""
    if request.method == "GET":  # e.g. "Go back" from the page that says the file was too large
        return redirect(url_for("appointments.show", reference=reference), code=303)
    booking = own_booking(reference)
    form = AddDocumentForm()
    if not is_upcoming(booking):
        flash(_("This appointment has ended or been cancelled, so you can no longer add documents to it."),
              refusals.NOTICE)
        return back_to(booking)
    form.validate_on_submit()  # the CSRF token, which CSRFProtect has checked already
    file = request.files.get(form.file.name)
    if file is not None and digest_of(file) in {document.sha256 for document in booking.documents}:
        # The same file sent twice (a double click): the KEP has it already, as the first one said.
        flash(_("Your document has been sent to the KEP."), "success")
        return back_to(booking)
    uploads, problems = check_uploads([file] if file is not None else [], already_kept=len(booking.documents))
    if problems:
        form.file.errors = [message_for(problem) for problem in problems]
    elif not uploads:
        form.file.errors = [_("Choose the document you want to send")]
    if form.file.errors:
        return show_page(booking, form)
    upload = uploads[0]
    clients().documents.add(current_citizen().tax_id, booking.reference, name=upload.display_name,
                            file_name=upload.original_name, media_type=upload.media_type, content=upload.content)
    flash(_("Your document has been sent to the KEP."), "success")
    return back_to(booking)


@appointments.get("/appointments/<reference>/documents/<document_id>")
@login_required
def download_document(reference, document_id):
    """The citizen's own document, saved rather than shown, never cached."""
    document = clients().documents.download(current_citizen().tax_id, reference, document_id)
    return attachment_response(document.name, document.media_type, document.content)


@appointments.post("/appointments/<reference>/documents/<document_id>/remove")
@login_required
def remove_document(reference, document_id):
    booking = own_booking(reference)
    if not is_upcoming(booking):
        flash(_("This appointment has ended or been cancelled, so its documents can no longer be removed."),
              refusals.NOTICE)
        return back_to(booking)
    # Sent twice (a double click), the second finds it gone: the same answer.
    clients().documents.remove(current_citizen().tax_id, booking.reference, document_id)
    flash(_("The document has been removed. The KEP no longer has it."), "success")
    return back_to(booking)
