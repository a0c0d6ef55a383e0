"""What the citizen sees when the scheduling API refuses: one table for the whole service.

Every problem `code` of the contract (api/scheduling.openapi.yaml, `Problem.code`)
is mapped here, for every action of the citizen that can meet it, to a
`Refusal`: what happened and what to do next, in the citizen's language, and
where to resume. The feature packages apply it (the wizard forgets what the
refusal made meaningless and resumes at a step; my appointments goes back to
the appointment), so nothing typed is lost and no refusal becomes a 500.

A refusal that needs more than a sentence (the cap on active bookings: the
number, why, what to do) has a page of its own (`OWN_PAGE`, `Refusal.page`).

A code the API should never send us for an action (our own fault: a wrong
token, a malformed request) and a code the contract does not know get the one
fallback page, `errors/refused.html`, and are logged as errors: somebody has to
look at them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import flash, redirect, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from kepweb.htmx import render_page
from kepweb.scheduling import SchedulingProblem

log = logging.getLogger(__name__)

#: Every problem code in the contract. A test checks this against the OpenAPI file.
CONTRACT_CODES = frozenset({
    "unauthorized", "forbidden", "not_found", "method_not_allowed", "validation", "slot_taken", "hold_expired",
    "outside_hours", "not_allowed", "idempotency_conflict", "bad_request", "call_server_unavailable",
    "too_many_active_bookings",
})

#: The flash category of what a refusal says (templates/components/notices.html shows it).
NOTICE = "notice"

# Resume points that are not pages of their own.
SAME_PAGE = "same page"     # the page the form was sent from
NOT_FOUND = "not found"     # the "page not found" page: not the citizen's, or gone
BY_FIELDS = "by fields"     # the wizard step that asks for the refused field
OWN_PAGE = "own page"       # a page of its own (`Refusal.page`), answered at once with the problem's status


@dataclass(frozen=True)
class Refusal:
    says: object                     # a lazy string: what happened, and what to do next
    resume: str                      # a wizard step's name, an endpoint, or one of the resume points above
    forgets: tuple[str, ...] = ()    # wizard answers the refusal made meaningless
    shows_field_messages: bool = False  # add the API's own messages per field
    page: str | None = None          # with OWN_PAGE: the template


# -- the wizard ------------------------------------------------------------------------------

_TIME_GONE = ("hold", "submission_key")

_TAKEN = Refusal(_l("Somebody has just taken that time. Your other answers are kept: choose another time."),
                 "time", _TIME_GONE)
_RELEASED = Refusal(_l("The time you chose is no longer held for you. Your other answers are kept: "
                       "choose a time again."), "time", _TIME_GONE)
_TOO_LATE = Refusal(_l("That time can no longer be booked: it is too soon, or the KEP is closed then. "
                       "Your other answers are kept: choose another time."), "time", _TIME_GONE)
_ALREADY_BOOKED = Refusal(_l("You already have an appointment for this procedure. You can change or cancel it "
                             "in My appointments."), SAME_PAGE)
_NOT_ACCEPTED = Refusal(_l("Some of your answers were not accepted. Your answers are kept: correct them and "
                           "continue."), BY_FIELDS, shows_field_messages=True)
_PLACE_GONE = Refusal(_l("The KEP you chose no longer takes appointments. Your other answers are kept: "
                         "choose where you would like to be served."), "municipality", ("municipality", "kep", "hold"))

_GONE = Refusal(_l("Page not found"), NOT_FOUND)
# The held time is let go (a citizen at the cap cannot book it; somebody else can), every other answer is kept.
_AT_THE_CAP = Refusal(_l("You already have as many upcoming appointments as one person can have at a time."),
                      OWN_PAGE, _TIME_GONE, page="errors/too_many_active_bookings.html")

WIZARD = {
    "view_booking": {"not_found": _GONE},
    # Showing a step: the catalogue or the free times of a KEP or procedure that is no longer offered.
    "browse": {"not_found": _PLACE_GONE, "validation": _NOT_ACCEPTED},
    # Choosing a time (POST /holds), or the first free one.
    "choose_time": {"slot_taken": _TAKEN, "outside_hours": _TOO_LATE, "not_allowed": _ALREADY_BOOKED,
                    "validation": _NOT_ACCEPTED, "not_found": _PLACE_GONE,
                    "too_many_active_bookings": _AT_THE_CAP},
    "extend_hold": {
        "hold_expired": _RELEASED, "not_found": _RELEASED,
        "not_allowed": Refusal(_l("We cannot hold this time for longer. Finish your booking before it is "
                                  "released, or choose a time again then."), SAME_PAGE),
    },
    # Needs lengthen the call, and a sign-language call needs an interpreter (PATCH /holds/{id}).
    "change_needs": {
        "slot_taken": Refusal(_l("With these needs the call no longer fits at the time you chose: it is longer, or "
                                 "it needs an interpreter who is not free then. Your answers are kept: choose a "
                                 "time again."), "time", _TIME_GONE),
        "hold_expired": _RELEASED, "not_found": _RELEASED, "validation": _NOT_ACCEPTED,
    },
    # The final "Book" (POST /bookings).
    "book": {
        "hold_expired": _RELEASED, "not_found": _RELEASED, "slot_taken": _TAKEN, "outside_hours": _TOO_LATE,
        "not_allowed": _ALREADY_BOOKED, "validation": _NOT_ACCEPTED, "too_many_active_bookings": _AT_THE_CAP,
        "idempotency_conflict": Refusal(_l("Your answers changed while we were booking. Nothing was booked: "
                                           "check them and book again."), "check", ("submission_key",)),
    },
}

# The step that asks for each field the API can refuse ("contact.phone" is asked by "details").
FIELD_STEPS = {
    "category": "category", "business": "business", "procedure": "procedure", "municipality": "municipality",
    "kep_id": "kep", "start": "time", "hold_id": "time", "contact": "details", "id_document": "document",
    "needs": "needs", "third_person": "needs", "other_needs": "needs", "contact_preference": "details",
    "delivery": "delivery", "language": "check",
}
# Answers chosen from the API's own lists: refused, they are asked again.
FIELD_FORGETS = {"procedure": ("procedure", "hold"), "kep_id": ("kep", "hold"), "category": ("category", "hold"),
                 "municipality": ("municipality", "kep", "hold"), "start": ("hold",), "hold_id": ("hold",)}
WIZARD_ORDER = ("category", "business", "municipality", "kep", "procedure", "needs", "time", "details", "document",
                "delivery", "check")


def refused_fields(problem: SchedulingProblem) -> list[str]:
    return [name.split(".")[0] for name in problem.field_errors]


def step_for_fields(problem: SchedulingProblem, default: str) -> str:
    """The earliest step that asks for a refused field."""
    steps = [FIELD_STEPS[field] for field in refused_fields(problem) if field in FIELD_STEPS]
    return min(steps, key=WIZARD_ORDER.index) if steps else default


def forgets_for_fields(problem: SchedulingProblem) -> tuple[str, ...]:
    return tuple(name for field in refused_fields(problem) for name in FIELD_FORGETS.get(field, ()))


# -- my appointments ---------------------------------------------------------------------------

_UNCHANGED_TAKEN = Refusal(_l("Somebody has just taken that time. Your appointment has not changed: "
                              "choose another time."), SAME_PAGE)
_UNCHANGED_TOO_LATE = Refusal(_l("That time can no longer be booked: it is too soon, or the KEP is closed then. "
                                 "Your appointment has not changed: choose another time."), SAME_PAGE)
_UNCHANGED_RETRY = Refusal(_l("We could not move your appointment. It has not changed: choose the time again."),
                           SAME_PAGE)

APPOINTMENTS = {
    "view": {"not_found": _GONE},
    # Change the time: a hold for the booking, then the move (POST /holds, POST /bookings/{ref}/reschedule).
    "reschedule": {
        "slot_taken": _UNCHANGED_TAKEN, "outside_hours": _UNCHANGED_TOO_LATE, "hold_expired": _UNCHANGED_RETRY,
        "idempotency_conflict": _UNCHANGED_RETRY,
        "validation": Refusal(_l("That time could not be chosen. Your appointment has not changed."), SAME_PAGE,
                              shows_field_messages=True),
        "not_allowed": Refusal(_l("Only an upcoming appointment can be changed. This one has started, ended or "
                                  "been cancelled."), "appointments.show"),
        # The appointment was there a moment ago (the page read it): what is gone is the held new time.
        "not_found": _UNCHANGED_RETRY,
    },
    "cancel": {
        "not_allowed": Refusal(_l("This appointment has already started, so it can no longer be cancelled."),
                               "appointments.show"),
        "not_found": _GONE,
    },
    # A supporting document sent from the appointment's page (POST /bookings/{ref}/documents).
    "add_document": {
        "validation": Refusal(_l("The document was not sent, because it was not accepted. Check that it is a PDF, "
                                 "JPEG or PNG file of up to 5 MB, and send it again."), "appointments.show",
                              shows_field_messages=True),
        "not_allowed": Refusal(_l("The document was not sent: an appointment takes at most 3 documents, and only "
                                  "until it ends."), "appointments.show"),
        "not_found": _GONE,
    },
    "download_document": {"not_found": _GONE},
    "remove_document": {
        "not_allowed": Refusal(_l("The document was not removed: documents can be removed only until the "
                                  "appointment ends."), "appointments.show"),
        "not_found": _GONE,
    },
}

# What the citizen was doing, from the view and the method.
ACTIONS = {
    ("booking.confirmation", "GET"): "view_booking",
    ("booking.time", "POST"): "choose_time",
    ("booking.extend_hold", "POST"): "extend_hold",
    ("booking.needs", "POST"): "change_needs",
    ("booking.check", "POST"): "book",
    ("appointments.reschedule", "POST"): "reschedule",
    ("appointments.cancel", "POST"): "cancel",
    ("appointments.add_document", "POST"): "add_document",
    ("appointments.download_document", "GET"): "download_document",
    ("appointments.remove_document", "POST"): "remove_document",
}


def current_action(default: str) -> str:
    return ACTIONS.get((request.endpoint, request.method), default)


def refusal_for(table: dict, action: str, problem: SchedulingProblem) -> Refusal | None:
    """The mapped refusal, or None: then `unforeseen` shows the fallback page."""
    return table.get(action, {}).get(problem.code)


def field_messages(problem: SchedulingProblem) -> list[str]:
    """The API's own words per field, in the citizen's language (LocalText)."""
    language = str(get_locale())
    messages = []
    for message in problem.field_errors.values():
        text = message.get(language) or message.get("el") if isinstance(message, dict) else None
        if isinstance(text, str) and text:
            messages.append(text)
    return messages


def go_on(action: str, refusal: Refusal, problem: SchedulingProblem, target: str, back_url: str):
    """Say what the refusal says (and the API's words per field) on the page to go on from."""
    if request.method == "GET" and target == request.full_path.rstrip("?"):
        # Going back to this very page would only meet the same refusal.
        return unforeseen(action, problem, back_url=back_url)
    flash(refusal.says, NOTICE)
    if refusal.shows_field_messages:
        for message in field_messages(problem):
            flash(message, NOTICE)
    return redirect(target, code=303)


def own_page(refusal: Refusal, problem: SchedulingProblem):
    """A refusal with a page of its own, answered at once with the API's status (htmx swaps 4xx answers too).
    `limit` is the number a rule allows, when the problem carries one (too_many_active_bookings)."""
    return render_page(refusal.page, status=problem.status if 400 <= problem.status < 500 else 409,
                       limit=getattr(problem, "limit", None))


def not_found():
    """Somebody else's booking and no booking look the same: "page not found"."""
    return render_page("errors/404.html", status=404)


def unforeseen(action: str, problem: SchedulingProblem, back_url: str):
    """The one fallback: logged as an error (code and action only, never personal data)."""
    known = problem.code in CONTRACT_CODES
    log.error("scheduling API refusal not handled: code=%s status=%s action=%s (%s)", problem.code,
              problem.status, action, "in the contract" if known else "NOT in the contract")
    return render_page("errors/refused.html", status=502, page_title=_l("We could not do that"), back_url=back_url)
