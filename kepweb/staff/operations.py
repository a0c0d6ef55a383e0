"""The operators' pages (article 3.5): a KEP's head for their KEP, the Ministry's administrators for every KEP.

* Closed days: the upcoming ones, with a way to open one again; closing a day is a form (day, reason, and for an
  administrator which KEP or every KEP), then a page that lists the appointments it touches and says exactly what
  will happen to them, then the confirmation, then a page that says what happened to each.
* A KEP's opening hours, and each employee's availability and absences. A change that touches appointments is
  shown first, as a closed day is; one that touches none is made at once.
* The interpreters (administrators only): their weekly hours and days off.

The API acts for the signed-in staff member and decides what they may change: another KEP's answers 404, and so
does every page here for a role that may not open it (`staff_required`). The change waiting for confirmation and
the last change's result are kept in the (server-side) session, never in a hidden field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from kepweb import refusals
from kepweb.htmx import render_page
from kepweb.i18n import in_greek, long_date
from kepweb.scheduling import NotFound, SchedulingProblem, clients
from kepweb.scheduling.models import LocalText
from kepweb.scheduling.operations import AvailabilityPeriod, parse_bookings
from kepweb.staff.access import current_staff, staff_required
from kepweb.staff.operator_forms import (
    WEEKDAY_NAMES,
    WORKING_WEEKDAYS,
    AbsenceForm,
    ClosureForm,
    DayOffForm,
    HoursForm,
    KepChoiceForm,
    PeriodForm,
)
from kepweb.staff.views import PAGES, StaffPage, staff

OPERATORS = ("head", "admin")
PAGES.extend([
    StaffPage("staff.closed_days", _l("Closed days"), OPERATORS),
    StaffPage("staff.keps", _l("Opening hours, employees' availability and absences"), OPERATORS),
    StaffPage("staff.interpreters", _l("Greek Sign Language interpreters"), ("admin",)),
])

CHANGE = "staff_change"    # the change waiting for its confirmation
SETTLED = "staff_settled"  # what the last confirmed change did to the appointments, for its result page


def _subject() -> str:
    return current_staff().subject


def _operations():
    return clients().operations


def _text(value) -> dict:
    return {"el": value.el, "en": value.en}


def _local(value) -> LocalText | None:
    return LocalText(**value) if value else None


def _place_refusal(form, problem: SchedulingProblem, names: dict[str, str] | None = None) -> None:
    """The API's refusal at its field (the API's field names mapped to the form's), or above the form."""
    language = str(get_locale())
    placed = False
    for name, messages in problem.field_errors.items():
        field = getattr(form, (names or {}).get(name, name), None)
        if field is not None:
            field.errors = [messages.get(language) or messages.get("el")]
            placed = True
    if not placed:
        form.form_errors.append(_("This could not be saved: the page may be out of date. Load it again and check "
                                  "what it shows."))


# -- changes that touch appointments: the rule, the preview, the confirmation, the result ------------------------

@dataclass(frozen=True)
class ChangeKind:
    impact: Callable[[dict], list]     # the appointments it would touch (nothing changes)
    apply: Callable[[dict], dict]      # made: the API's answer, with what happened to each appointment
    check_title: Callable[[dict], str]
    done_title: Callable[[dict], str]
    saved: Callable[[dict], str]       # said when it touched no appointment
    back: Callable[[dict], str]        # the page the change was made from
    after_day: bool = False            # a closed day: moved to a later day, never a colleague the same day


def _closed(change) -> str:
    return long_date(date.fromisoformat(change["day"]))


def _kep_url(change):
    return url_for("staff.kep", kep_id=change["kep_id"])


def _employee_url(change):
    return url_for("staff.employee", kep_id=change["kep_id"], employee_id=change["employee_id"])


KINDS = {
    "closure": ChangeKind(
        impact=lambda change: _operations().closure_impact(_subject(), change["body"]),
        apply=lambda change: _operations().close_day(_subject(), change["body"]),
        check_title=lambda change: _("Check before you close %(day)s", day=_closed(change)),
        done_title=lambda change: _("%(day)s is closed", day=_closed(change)),
        saved=lambda change: _("%(day)s is closed", day=_closed(change)),
        back=lambda change: url_for("staff.close_day", change="1"),
        after_day=True),
    "hours": ChangeKind(
        impact=lambda change: _operations().hours_impact(_subject(), change["kep_id"], change["body"]),
        apply=lambda change: _operations().set_hours(_subject(), change["kep_id"], change["body"]),
        check_title=lambda change: _("Check the new opening hours"),
        done_title=lambda change: _("The opening hours are changed"),
        saved=lambda change: _("The opening hours are saved. No appointment was affected."),
        back=_kep_url),
    "availability": ChangeKind(
        impact=lambda change: _operations().availability_impact(_subject(), change["employee_id"], change["body"]),
        apply=lambda change: _operations().set_availability(_subject(), change["employee_id"], change["body"]),
        check_title=lambda change: _("Check the new availability"),
        done_title=lambda change: _("The availability is changed"),
        saved=lambda change: _("The availability is saved. No appointment was affected."),
        back=_employee_url),
    "absence": ChangeKind(
        impact=lambda change: _operations().absence_impact(_subject(), change["employee_id"], change["body"]),
        apply=lambda change: _operations().add_absence(_subject(), change["employee_id"], change["body"]),
        check_title=lambda change: _("Check the absence"),
        done_title=lambda change: _("The absence is recorded"),
        saved=lambda change: _("The absence is recorded. No appointment was affected."),
        back=_employee_url),
}


def _settled(change: dict, answer: dict):
    session[SETTLED] = {**change, "bookings": answer["bookings"]}
    return redirect(url_for("staff.change_result"), code=303)


def _propose(change: dict):
    """A change that touches appointments waits for its confirmation; one that touches none is made now.
    Raises SchedulingProblem when the API refuses it (the caller says why at the form)."""
    kind = KINDS[change["kind"]]
    if kind.impact(change):
        session[CHANGE] = change
        return redirect(url_for("staff.check_change"), code=303)
    answer = kind.apply(change)
    if answer["bookings"]:  # an appointment was booked in between: settled all the same, and said
        return _settled(change, answer)
    flash(kind.saved(change), "success")
    return redirect(kind.back(change), code=303)


def sentence(template, **values) -> Markup:
    """A translated sentence whose values (a reason or a name someone typed) are marked Greek on an English page,
    so that a screen reader does not read them with an English voice."""
    marked = {name: value if isinstance(value, Markup) else in_greek(value) for name, value in values.items()}
    return Markup(escape(str(template))) % marked


def change_sentences(change: dict) -> list[Markup]:
    """What the change is, in a few sentences, for the check and result pages."""
    kind = change["kind"]
    if kind == "closure":
        kep = _local(change.get("kep"))
        return [sentence(_l("Day: %(day)s"), day=_closed(change)),
                sentence(_l("KEP: %(kep)s"), kep=str(kep)) if kep else sentence(_l("Every KEP")),
                sentence(_l("Reason: %(reason)s"), reason=change["body"]["reason"])]
    if kind == "hours":
        return [sentence(_l("KEP: %(kep)s"), kep=str(_local(change["kep"]))),
                *week_sentences([(item["weekday"], item["opens"], item["closes"])
                                 for item in change["body"]["opening_hours"]])]
    who = sentence(_l("Employee: %(employee)s"), employee=change["employee"])
    if kind == "absence":
        body = change["body"]
        said = [who, sentence(_l("Away from %(first)s to %(last)s"),
                              first=long_date(date.fromisoformat(body["first_day"])),
                              last=long_date(date.fromisoformat(body["last_day"])))]
        return said + ([sentence(_l("Reason: %(reason)s"), reason=body["reason"])] if body.get("reason") else [])
    periods = [AvailabilityPeriod.parse(item) for item in change["body"]["availability"]]
    if change.get("added"):
        said = sentence(_l("Adds: %(period)s"), period=period_text(AvailabilityPeriod.parse(change["added"])))
    else:
        said = sentence(_l("Removes: %(period)s"), period=period_text(AvailabilityPeriod.parse(change["removed"])))
    if not periods:
        return [who, said, sentence(_l("Their availability becomes: whenever the KEP is open"))]
    # One period a line: a list joined by «;» would read as questions in Greek.
    return [who, said, sentence(_l("Their availability becomes:")), *(period_text(period) for period in periods)]


def week_sentences(week) -> list[Markup]:
    """Monday to Friday, each with its hours or "closed"."""
    by_day = {}
    for weekday, opens, closes in sorted(week):
        by_day.setdefault(weekday, []).append(sentence(_l("%(from)s to %(until)s"), **{"from": opens, "until": closes}))
    said = []
    for weekday in WORKING_WEEKDAYS:
        day = str(WEEKDAY_NAMES[weekday])
        said.append(sentence(_l("%(day)s: %(hours)s"), day=day, hours=Markup(", ").join(by_day[weekday]))
                    if weekday in by_day else sentence(_l("%(day)s: closed"), day=day))
    return said


def period_text(period) -> Markup:
    days = _("every working day") if period.weekday is None else str(WEEKDAY_NAMES[period.weekday])
    text = sentence(_l("%(first)s to %(last)s, %(days)s, %(from)s to %(until)s"), first=long_date(period.valid_from),
                    last=long_date(period.valid_to), days=days, **{"from": period.starts, "until": period.ends})
    return sentence(_l("%(period)s, workstation %(workstation)s"), period=text, workstation=period.workstation) \
        if period.workstation else text


@staff.route("/changes/check", methods=["GET", "POST"])
@staff_required(*OPERATORS)
def check_change():
    change = session.get(CHANGE)
    if not change:  # confirmed already (a second click, or the back button), or never asked
        return redirect(url_for("staff.change_result" if session.get(SETTLED) else "staff.home"), code=303)
    kind = KINDS[change["kind"]]
    try:
        if request.method == "POST":
            answer = kind.apply(change)
        else:
            bookings = kind.impact(change)
    except NotFound:
        raise
    except SchedulingProblem as problem:  # e.g. the day has passed since the form was sent: said at the form
        flash(_("The change was not made: %(reason)s", reason=refusal_words(problem)), refusals.NOTICE)
        return redirect(kind.back(change), code=303)
    if request.method == "POST":
        session.pop(CHANGE, None)
        return _settled(change, answer)
    return render_page("staff/check_change.html", page_title=kind.check_title(change), change=change,
                       kind=kind, sentences=change_sentences(change), bookings=bookings)


def refusal_words(problem: SchedulingProblem) -> str:
    language = str(get_locale())
    messages = [item.get(language) or item.get("el") for item in problem.field_errors.values()]
    return next((message for message in messages if message), None) or _("the page was out of date")


@staff.get("/changes/result")
@staff_required(*OPERATORS)
def change_result():
    settled = session.get(SETTLED)
    if not settled:
        return redirect(url_for("staff.home"), code=303)
    kind = KINDS[settled["kind"]]
    bookings = parse_bookings({"bookings": settled["bookings"]})
    return render_page("staff/change_result.html", page_title=kind.done_title(settled), change=settled, kind=kind,
                       sentences=change_sentences(settled), back_url=kind.back(settled) if settled["kind"] != "closure"
                       else url_for("staff.closed_days"),
                       moved=[item for item in bookings if item.outcome == "moved"],
                       reassigned=[item for item in bookings if item.outcome == "reassigned"],
                       cancelled=[item for item in bookings if item.outcome == "cancelled"])


# -- closed days ---------------------------------------------------------------------------------------------------

@staff.get("/closed-days")
@staff_required(*OPERATORS)
def closed_days():
    member = current_staff()
    days = _operations().closed_days(_subject())
    return render_page("staff/closed_days.html", page_title=_("Closed days"), days=days,
                       may_reopen=lambda day: member.role == "admin" or day.kep_id == member.kep_id)


def _kep_groups():
    """The municipalities with their KEPs, for an administrator's choice of KEP."""
    return [municipality for municipality in clients().places.municipalities_with_keps() if municipality.keps]


@staff.route("/closed-days/new", methods=["GET", "POST"])
@staff_required(*OPERATORS)
def close_day():
    member = current_staff()
    waiting = session.get(CHANGE) if request.args.get("change") else None
    if request.method == "POST":
        form = ClosureForm()
    else:
        form = ClosureForm(formdata=None, data=waiting["form"] if waiting and waiting["kind"] == "closure" else None)
    groups = []
    if member.role == "head":
        del form.scope
        del form.kep_id
    else:
        groups = _kep_groups()
        form.known_keps = frozenset(kep.id for municipality in groups for kep in municipality.keps)
    if request.method == "POST" and form.validate():
        every = "scope" in form and form.scope.data == "every"
        if member.role == "head":
            kep_id, kep_name = member.kep_id, member.kep_name
        elif every:
            kep_id, kep_name = None, None
        else:
            kep_id = form.kep_id.data
            kep_name = next(kep.name for municipality in groups for kep in municipality.keps if kep.id == kep_id)
        session[CHANGE] = {
            "kind": "closure", "day": form.day.day.isoformat(), "kep": _text(kep_name) if kep_name else None,
            "body": {"date": form.day.day.isoformat(), "kep_id": kep_id, "reason": form.reason.data.strip()},
            "form": {name: field.data for name, field in form._fields.items() if name != "csrf_token"},
        }
        return redirect(url_for("staff.check_change"), code=303)
    return render_page("staff/close_day.html", status=422 if form.errors else 200, page_title=_("Close a day"),
                       form=form, groups=groups, member=member)


def _closed_day(day: str, kep_id: str | None):
    """The closed day the staff member may open again, or None."""
    member = current_staff()
    for closed in _operations().closed_days(_subject()):
        if closed.day.isoformat() == day and closed.kep_id == kep_id \
                and (member.role == "admin" or closed.kep_id == member.kep_id):
            return closed
    return None


@staff.route("/closed-days/<day>/reopen", methods=["GET", "POST"])
@staff_required(*OPERATORS)
def reopen_day(day):
    kep_id = request.args.get("kep") or None
    closed = _closed_day(day, kep_id)
    if closed is None:
        return refusals.not_found()
    if request.method == "POST":
        _operations().reopen_day(_subject(), closed.day, kep_id)
        flash(_("%(day)s is open again for booking. The appointments that were moved or cancelled stay as they are.",
                day=long_date(closed.day)), "success")
        return redirect(url_for("staff.closed_days"), code=303)
    return render_page("staff/reopen_day.html", page_title=_("Open %(day)s again?", day=long_date(closed.day)),
                       closed=closed)


# -- a KEP: its hours, its employees' availability and absences -------------------------------------------------------

@staff.get("/keps")
@staff_required(*OPERATORS)
def keps():
    member = current_staff()
    if member.role == "head":
        return redirect(url_for("staff.kep", kep_id=member.kep_id), code=303)
    groups = _kep_groups()
    asked = "kep" in request.args
    form = KepChoiceForm(formdata=request.args if asked else None)
    form.known_keps = frozenset(kep.id for municipality in groups for kep in municipality.keps)
    if asked and form.validate():
        return redirect(url_for("staff.kep", kep_id=form.kep.data), code=303)
    return render_page("staff/keps.html", status=422 if form.errors else 200, page_title=_("Choose a KEP"),
                       form=form, groups=groups)


@staff.get("/keps/<kep_id>")
@staff_required(*OPERATORS)
def kep(kep_id):
    detail = _operations().kep(_subject(), kep_id)
    return render_page("staff/kep.html", page_title=str(detail.name), kep=detail,
                       week=hours_sentences(detail.opening_hours), period_text=period_text)


def employee_label(employee) -> str:
    """How the check and result pages name an employee: their name when the registry has one, and their number."""
    if employee.name:
        return _("%(name)s (employee %(number)s)", name=employee.name, number=employee.workstation)
    return _("Employee %(number)s", number=employee.workstation)


def _several_openings(hours) -> list[str]:
    """The weekdays with more than one opening, which the form (one opening a day) would join into one."""
    counts = {}
    for item in hours:
        counts[item.weekday] = counts.get(item.weekday, 0) + 1
    return [str(WEEKDAY_NAMES[weekday]) for weekday in WORKING_WEEKDAYS if counts.get(weekday, 0) > 1]


@staff.route("/keps/<kep_id>/hours", methods=["GET", "POST"])
@staff_required(*OPERATORS)
def kep_hours(kep_id):
    detail = _operations().kep(_subject(), kep_id)
    form = HoursForm() if request.method == "POST" else HoursForm.filled(detail.opening_hours)
    if request.method == "POST" and form.validate():
        # The weekend's hours, if any, are kept as they are: calls are served Monday to Friday.
        hours = [{"weekday": weekday, "opens": opens, "closes": closes} for weekday, opens, closes in form.week()]
        hours += [item.as_request() for item in detail.opening_hours if item.weekday not in WORKING_WEEKDAYS]
        change = {"kind": "hours", "kep_id": kep_id, "kep": _text(detail.name), "body": {"opening_hours": hours}}
        try:
            return _propose(change)
        except NotFound:
            raise
        except SchedulingProblem as problem:
            _place_refusal(form, problem)
    return render_page("staff/kep_hours.html", status=422 if form.errors else 200,
                       page_title=_("Opening hours: %(kep)s", kep=detail.name), kep=detail, form=form,
                       several=_several_openings(detail.opening_hours), weekday_names=WEEKDAY_NAMES,
                       weekdays=WORKING_WEEKDAYS)


def _employee_of(kep_id, employee_id):
    detail = _operations().kep(_subject(), kep_id)
    return detail, detail.employee(employee_id)


def _employee_page(detail, employee, period_form=None, absence_form=None, status=200):
    erring = next((form for form in (period_form, absence_form) if form is not None and form.errors), None)
    return render_page("staff/employee.html", status=status, kep=detail,
                       page_title=_("Employee %(number)s, %(kep)s", number=employee.workstation, kep=detail.name),
                       employee=employee, form=erring, period_text=period_text, period_key=period_key,
                       period_form=period_form or PeriodForm(formdata=None),
                       absence_form=absence_form or AbsenceForm(formdata=None))


def period_key(period) -> str:
    return "|".join(str(value) for value in period.as_request().values())


@staff.get("/keps/<kep_id>/employees/<employee_id>")
@staff_required(*OPERATORS)
def employee(kep_id, employee_id):
    detail, found = _employee_of(kep_id, employee_id)
    if found is None:
        return refusals.not_found()
    return _employee_page(detail, found)


def _employee_change(detail, found, kind: str, body: dict, **extra) -> dict:
    return {"kind": kind, "kep_id": detail.id, "kep": _text(detail.name), "employee_id": found.id,
            "employee": employee_label(found), "body": body, **extra}


@staff.post("/keps/<kep_id>/employees/<employee_id>/availability")
@staff_required(*OPERATORS)
def add_period(kep_id, employee_id):
    detail, found = _employee_of(kep_id, employee_id)
    if found is None:
        return refusals.not_found()
    form = PeriodForm()
    if form.validate():
        added = form.as_request()
        periods = [period.as_request() for period in found.availability] + [added]
        try:
            return _propose(_employee_change(detail, found, "availability", {"availability": periods}, added=added))
        except NotFound:
            raise
        except SchedulingProblem as problem:
            _place_refusal(form, problem)
    return _employee_page(detail, found, period_form=form, status=422)


@staff.post("/keps/<kep_id>/employees/<employee_id>/availability/remove")
@staff_required(*OPERATORS)
def remove_period(kep_id, employee_id):
    detail, found = _employee_of(kep_id, employee_id)
    if found is None:
        return refusals.not_found()
    wanted = request.form.get("period", "")
    removed = next((period for period in found.availability if period_key(period) == wanted), None)
    if removed is None:  # changed meanwhile (another tab, a colleague)
        flash(_("That period had already changed. Check the availability below."), refusals.NOTICE)
        return redirect(url_for("staff.employee", kep_id=kep_id, employee_id=employee_id), code=303)
    periods = [period.as_request() for period in found.availability if period is not removed]
    try:
        return _propose(_employee_change(detail, found, "availability", {"availability": periods},
                                         removed=removed.as_request()))
    except NotFound:
        raise
    except SchedulingProblem as problem:
        flash(_("The change was not made: %(reason)s", reason=refusal_words(problem)), refusals.NOTICE)
        return redirect(url_for("staff.employee", kep_id=kep_id, employee_id=employee_id), code=303)


@staff.post("/keps/<kep_id>/employees/<employee_id>/absences")
@staff_required(*OPERATORS)
def add_absence(kep_id, employee_id):
    detail, found = _employee_of(kep_id, employee_id)
    if found is None:
        return refusals.not_found()
    form = AbsenceForm()
    if form.validate():
        try:
            return _propose(_employee_change(detail, found, "absence", form.as_request()))
        except NotFound:
            raise
        except SchedulingProblem as problem:
            _place_refusal(form, problem)
    return _employee_page(detail, found, absence_form=form, status=422)


@staff.post("/keps/<kep_id>/employees/<employee_id>/absences/<int:absence_id>/remove")
@staff_required(*OPERATORS)
def remove_absence(kep_id, employee_id, absence_id):
    detail, found = _employee_of(kep_id, employee_id)
    if found is None or all(absence.id != absence_id for absence in found.absences):
        return refusals.not_found()
    _operations().remove_absence(_subject(), employee_id, absence_id)
    flash(_("The absence is removed. The appointments it moved or cancelled stay as they are."), "success")
    return redirect(url_for("staff.employee", kep_id=kep_id, employee_id=employee_id), code=303)


# -- interpreters (administrators) ---------------------------------------------------------------------------------

@staff.get("/interpreters")
@staff_required("admin")
def interpreters():
    return render_page("staff/interpreters.html", page_title=_("Greek Sign Language interpreters"),
                       interpreters=_operations().interpreters(_subject()), hours_sentences=hours_sentences)


def hours_sentences(hours) -> list[str]:
    return week_sentences([(item.weekday, item.opens, item.closes) for item in hours])


def _interpreter_page(interpreter_id, hours_form=None, day_form=None, status=200):
    found = _operations().interpreter(_subject(), interpreter_id)
    erring = next((form for form in (hours_form, day_form) if form is not None and form.errors), None)
    # The title names the interpreter by number: a name in Greek letters cannot be marked Greek in a <title>.
    number = found.id.rsplit("-", 1)[-1]
    return render_page("staff/interpreter.html", status=status, interpreter=found,
                       page_title=_("Interpreter %(number)s", number=number if number.isdigit() else found.id),
                       form=erring, hours_form=hours_form or HoursForm.filled(found.hours),
                       day_form=day_form or DayOffForm(formdata=None), weekday_names=WEEKDAY_NAMES,
                       weekdays=WORKING_WEEKDAYS, several=_several_openings(found.hours))


@staff.get("/interpreters/<interpreter_id>")
@staff_required("admin")
def interpreter(interpreter_id):
    return _interpreter_page(interpreter_id)


@staff.post("/interpreters/<interpreter_id>/hours")
@staff_required("admin")
def interpreter_hours(interpreter_id):
    form = HoursForm()
    if form.validate():
        found = _operations().interpreter(_subject(), interpreter_id)
        hours = [{"weekday": weekday, "starts": starts, "ends": ends} for weekday, starts, ends in form.week()]
        hours += [{"weekday": item.weekday, "starts": item.opens, "ends": item.closes} for item in found.hours
                  if item.weekday not in WORKING_WEEKDAYS]
        try:
            _operations().set_interpreter_hours(_subject(), interpreter_id, hours)
        except NotFound:
            raise
        except SchedulingProblem as problem:
            _place_refusal(form, problem)
        else:
            flash(_("The interpreter's hours are saved. Calls already booked stay as they are."), "success")
            return redirect(url_for("staff.interpreter", interpreter_id=interpreter_id), code=303)
    return _interpreter_page(interpreter_id, hours_form=form, status=422)


@staff.post("/interpreters/<interpreter_id>/closed-days")
@staff_required("admin")
def interpreter_close_day(interpreter_id):
    form = DayOffForm()
    if form.validate():
        try:
            _operations().close_interpreter_day(_subject(), interpreter_id, form.day.day,
                                                (form.reason.data or "").strip())
        except NotFound:
            raise
        except SchedulingProblem as problem:
            if problem.code == "not_allowed":
                form.day.errors = [_("The interpreter has a call that day. Move or cancel it first, then close the "
                                     "day.")]
            else:
                _place_refusal(form, problem, {"date": "day"})
        else:
            flash(_("%(day)s is closed for the interpreter.", day=long_date(form.day.day)), "success")
            return redirect(url_for("staff.interpreter", interpreter_id=interpreter_id), code=303)
    return _interpreter_page(interpreter_id, day_form=form, status=422)


@staff.post("/interpreters/<interpreter_id>/closed-days/<day>/reopen")
@staff_required("admin")
def interpreter_reopen_day(interpreter_id, day):
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return refusals.not_found()
    _operations().reopen_interpreter_day(_subject(), interpreter_id, parsed)
    flash(_("%(day)s is open again for the interpreter.", day=long_date(parsed)), "success")
    return redirect(url_for("staff.interpreter", interpreter_id=interpreter_id), code=303)
