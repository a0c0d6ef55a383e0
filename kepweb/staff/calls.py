"""The employee's day and one call: who, what, which needs and people, the documents, and the
record of the call as the decision writes it (identity check, outcome, result).

Every page asks the API, which answers only with what the signed-in staff member may see (a
call of another KEP is "page not found"). The day refreshes itself every minute with htmx and
says, through the page's polite live region, when the list has changed; without JavaScript it
is a plain page with a link to load it again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timedelta

from flask import flash, redirect, request, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from kepweb import calls as calls_timing
from kepweb import clock
from kepweb.htmx import render_page
from kepweb.i18n import ATHENS, in_greek, parse_day, today_in_athens
from kepweb.scheduling import NotFound, SchedulingProblem, clients
from kepweb.staff.access import current_staff, staff_required
from kepweb.staff.forms import DOCUMENT_KINDS, IdentityCheckForm, OutcomeForm, ResultForm
from kepweb.staff.views import PAGES, StaffPage, staff
from kepweb.uploads import attachment_response, sniff

DAYS_SHOWN = 5
RESULT_MAX_BYTES = 10 * 1024 * 1024

PAGES.append(StaffPage("staff.calls_day", _l("Calls: today and the next days"), ("employee", "head", "admin")))


def _subject() -> str:
    return current_staff().subject


def fingerprint(calls) -> str:
    """What the list shows, in a few characters: the refresh says "changed" only when this does. The
    state a card shows includes the identity check (`call_status`); the documents and the invitations
    change too."""
    shown = "|".join(
        f"{call.reference}:{call.status}:{_check_state(call)}:{call.start.isoformat()}:{call.end.isoformat()}"
        f":{len(call.documents)}:{','.join(invitation.state for invitation in call.invitations)}"
        for call in calls)
    return hashlib.sha256(shown.encode()).hexdigest()[:12]


def _check_state(call) -> str:
    return "" if call.identity_check is None else "passed" if call.identity_check.passed else "failed"


@staff.get("/calls")
@staff_required()
def calls_day():
    first = parse_day(request.args.get("day"), today_in_athens())
    calls = clients().staff_calls.day(_subject(), first, days=DAYS_SHOWN)
    by_day = defaultdict(list)
    for call in calls:
        by_day[call.start.astimezone(ATHENS).date()].append(call)
    days = [first + timedelta(days=offset) for offset in range(DAYS_SHOWN)]
    seen = fingerprint(calls)
    return render_page("staff/calls.html", page_title=_("Calls"), days=days, by_day=by_day, first=first,
                       kep_shown=current_staff().role == "admin",
                       seen=seen, changed=request.args.get("seen") not in (None, seen),
                       earlier=first - timedelta(days=DAYS_SHOWN), later=first + timedelta(days=DAYS_SHOWN))


def _call_page(reference, *, check_form=None, outcome_form=None, result_form=None, status=200):
    call = clients().staff_calls.call(_subject(), reference)
    erring = next((form for form in (check_form, outcome_form, result_form) if form is not None and form.errors),
                  None)
    member = current_staff()
    return render_page("staff/call.html", status=status,
                       page_title=_("Call %(reference)s", reference=reference), call=call, form=erring,
                       join_state=calls_timing.phase(call.start, call.end, clock.now()),
                       opens=calls_timing.opens_at(call.start),
                       serves_call=member.role == "employee" and member.employee_id == call.employee_id,
                       outcome_sentences=outcome_sentences(call),
                       check_form=check_form or IdentityCheckForm(formdata=None),
                       outcome_form=outcome_form or OutcomeForm(formdata=None),
                       result_form=result_form or ResultForm(formdata=None))


@staff.get("/calls/<reference>")
@staff_required()
def call(reference):
    return _call_page(reference)


def _refused(form, problem: SchedulingProblem) -> None:
    """The API's refusal, said at its field, or above the form when it is about the call."""
    language = str(get_locale())
    placed = False
    for name, messages in problem.field_errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [messages.get(language) or messages.get("el")]
            placed = True
    if not placed:
        form.form_errors.append(_("This cannot be recorded now: the call may have been cancelled, not opened yet, "
                                  "or its outcome is already recorded. Reload the page to see its state."))


#: The outcomes the API records only after a passed identity check.
NEEDS_A_PASSED_CHECK = ("served", "follow_up")


def _check_passed(reference) -> bool:
    check = clients().staff_calls.call(_subject(), reference).identity_check
    return check is not None and check.passed


def _after(reference, message):
    flash(message, "success")
    return redirect(url_for("staff.call", reference=reference), code=303)


@staff.post("/calls/<reference>/identity-check")
@staff_required()
def identity_check(reference):
    form = IdentityCheckForm()
    if form.validate():
        try:
            recorded = clients().staff_calls.record_identity_check(_subject(), reference, form.as_request())
        except NotFound:
            raise
        except SchedulingProblem as problem:
            _refused(form, problem)
        else:
            return _after(reference, _("The identity check has passed.") if recorded.identity_check.passed
                          else _("The identity check has not passed. You may check again."))
    return _call_page(reference, check_form=form, status=422)


@staff.post("/calls/<reference>/outcome")
@staff_required()
def outcome(reference):
    form = OutcomeForm()
    if form.validate():
        try:
            clients().staff_calls.record_outcome(_subject(), reference, form.as_request())
        except NotFound:
            raise
        except SchedulingProblem as problem:
            if form.outcome.data in NEEDS_A_PASSED_CHECK and not problem.field_errors and not _check_passed(reference):
                # Art. 6.2: said at the choice, not as "the call may have been cancelled".
                form.outcome.errors = [_("Served and follow-up can be recorded only after a passed identity check. "
                                         "Check the citizen's identity above, or choose another outcome.")]
            else:
                _refused(form, problem)
        else:
            return _after(reference, _("The outcome of the call is recorded."))
    return _call_page(reference, outcome_form=form, status=422)


@staff.post("/calls/<reference>/result")
@staff_required()
def result(reference):
    form = ResultForm()
    upload = request.files.get(form.file.name)
    content = upload.read(RESULT_MAX_BYTES + 1) if upload else b""
    if form.validate():
        media_type = sniff(content[:16]) if content else None
        if not content:
            form.file.errors = [_("Choose the result's file")]
        elif len(content) > RESULT_MAX_BYTES or media_type is None:
            form.file.errors = [_("The file must be a PDF, JPEG or PNG of 10 MB or less")]
        else:
            try:
                clients().staff_calls.deliver_result(_subject(), reference, name=upload.filename or "result",
                                                     content=content, media_type=media_type,
                                                     post_record=(form.post_record.data or "").strip())
            except NotFound:
                raise
            except SchedulingProblem as problem:
                _refused(form, problem)
            else:
                return _after(reference, _("The result is on its way to the citizen."))
    return _call_page(reference, result_form=form, status=422)


@staff.get("/calls/<reference>/documents/<document_id>")
@staff_required()
def document(reference, document_id):
    kept = clients().staff_calls.document(_subject(), reference, document_id)
    return _download(kept)


@staff.get("/calls/<reference>/result")
@staff_required()
def result_file(reference):
    return _download(clients().staff_calls.result_file(_subject(), reference))


def _download(kept):
    return attachment_response(kept.name, kept.media_type, kept.content)


DELIVERY_NAMES = {"email": _l("By email"), "post": _l("By post"), "pickup": _l("Collected at the KEP")}
STATUS_NAMES = {
    "confirmed": _l("Booked"), "cancelled": _l("Cancelled"), "served": _l("Served"), "not_served": _l("Not served"),
    "no_show": _l("The citizen did not join"), "follow_up": _l("Needs a follow-up"),
}


@staff.app_context_processor
def calls_in_templates():
    def category_name(category_id):
        category = clients().categories.category(category_id)
        return category.name if category else category_id

    def call_status(call):
        if call.status == "confirmed" and call.identity_check is not None:
            return _("Identity checked") if call.identity_check.passed else _("Identity check not passed")
        return STATUS_NAMES[call.status]

    return {"category_name": category_name, "call_status": call_status, "now": clock.now,
            "check_sentence": check_sentence, "result_sentence": result_sentence,
            "document_kind_name": lambda kind: dict(DOCUMENT_KINDS).get(kind, kind),
            "delivery_name": lambda method: DELIVERY_NAMES.get(method, method)}


CHECK_REASONS = {
    "not_shown": _l("the document was not shown on camera"),
    "not_the_person": _l("the document is not the person in the call"),
    "other_person": _l("the register gives the document to another person"),
    "reported_lost": _l("the register has the document as lost or stolen"),
    "expired": _l("the register has the document as expired"),
    "not_in_register": _l("the register does not know the document"),
}


def check_sentence(check) -> str:
    when = format_datetime(check.at, "HH:mm")
    if check.passed:
        return _("The identity check passed at %(time)s: the citizen may go on with sound only.", time=when)
    return _("The identity check did not pass at %(time)s: %(reason)s. The call goes on with picture and sound.",
             time=when, reason=CHECK_REASONS.get(check.reason, check.reason))


def outcome_sentences(call) -> list[str]:
    outcome = call.outcome
    if outcome is None:
        return []
    sentences = [STATUS_NAMES[outcome.outcome]]
    if outcome.protocol_number:
        sentences.append(_("Protocol number: %(number)s", number=outcome.protocol_number))
    if outcome.reason:
        sentences.append(Markup(_("Reason: %(reason)s")) % {"reason": in_greek(outcome.reason)})
    return sentences


def result_sentence(call) -> str:
    result = call.result
    return {
        "sending": _("The result is being emailed to the citizen."),
        "emailed": _("The result was emailed to the citizen."),
        "posted": Markup(_("The result was posted: %(record)s.")) % {"record": in_greek(result.post_record or "")},
        "ready_for_pickup": _("The result is ready for the citizen to collect at the KEP."),
    }[result.state]
