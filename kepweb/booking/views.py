"""The booking wizard: one question per page, post-redirect-get, htmx on top.

Every step is a GET that shows the question and a POST that checks the answer,
stores it on the server and redirects to the next step that applies and is not
answered yet. With JavaScript, htmx swaps <main> and pushes the URL; without
it the same forms work as plain HTML.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, get_flashed_messages, redirect, request, session, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from kepweb.auth import current_citizen, login_required
from kepweb.booking import state, steps
from kepweb.booking.forms import (
    ID_DOCUMENTS, NEEDS, BusinessForm, CategoryForm, ConfirmForm, DeliveryForm, DetailsForm, DocumentForm, KepForm, MunicipalityForm,
    NeedsForm, ProcedureForm, TimeForm,
)
from kepweb.htmx import render_page
from kepweb.scheduling import (
    HoldExpired, InvalidRequest, NotAllowed, SchedulingProblem, SchedulingUnavailable, SlotTaken, clients,
)
from kepweb.scheduling.models import parse_moment
from kepweb.search import matches_any_script

booking = Blueprint("booking", __name__, url_prefix="/book")
ATHENS = ZoneInfo("Europe/Athens")
HOLD_MESSAGES = "hold"


# -- shared ----------------------------------------------------------------------------

def go_next(answers):
    return redirect(url_for(f"booking.{steps.next_step(answers).name}"), code=303)


def shown(step_name, template, form=None, **context):
    """Render a step with what every step shows: its number, back link and the held time."""
    answers = context.pop("answers")
    number, total = steps.number_of(step_name, answers)
    previous = steps.previous_step(step_name, answers)
    return render_page(
        template,
        page_title=str(steps.BY_NAME[step_name].title) if "page_title" not in context else context.pop("page_title"),
        step_name=step_name, step_number=number, step_total=total, form=form,
        step_caption=_("Step %(number)d of %(total)d", number=number, total=total),
        back_url=url_for(f"booking.{previous.name}") if previous else url_for("pages.start"),
        hold=held_time(answers),
        hold_messages=get_flashed_messages(category_filter=[HOLD_MESSAGES]),
        answers=answers,
        **context,
    )


def held_time(answers):
    hold = answers.get("hold")
    if not hold:
        return None
    expires = parse_moment(hold["expires_at"])
    start, end = parse_moment(hold["start"]), parse_moment(hold["end"])
    return {**hold, "start_at": start, "end_at": end, "label": slot_label(start, end), "expires": expires,
            "seconds_left": max(0, int((expires - datetime.now(timezone.utc)).total_seconds()))}


def step_view(name):
    """Guard a step: signed in, and every step before it answered."""
    def decorate(view):
        @login_required
        def wrapped(*args, **kwargs):
            answers = state.load()
            if name == "check" and answers.get("booked") and not answers.get("category"):
                # Sent again after it was booked (a double click, a reload): show what was booked.
                return redirect(url_for("booking.confirmation"), code=303)
            if not steps.may_show(name, answers):
                return go_next(answers)
            if name not in ("time",) and steps.BY_NAME["time"].answered(answers) and lost_hold(answers):
                return redirect(url_for("booking.time"), code=303)
            return view(answers, *args, **kwargs)
        wrapped.__name__ = view.__name__
        return wrapped
    return decorate


def lost_hold(answers) -> bool:
    """The held time ran out: say so plainly and send the citizen back to choose again."""
    hold = held_time(answers)
    if hold and hold["seconds_left"] <= 0:
        state.forget("hold")
        flash(_("We held the time you chose for 10 minutes and it has now been released. "
                "Your other answers are kept: choose a time again."), HOLD_MESSAGES)
        return True
    return False


def set_answer(answers, name, value):
    """Store an answer; forget the answers it makes meaningless, and let go of a held time."""
    old, hold = answers.get(name), answers.get("hold")
    answers.pop("booked", None)  # a new answer starts a new booking
    answers[name] = value
    forgotten = steps.invalidate_after(answers, name, old)
    state.save(answers)
    if hold and "hold" in forgotten:
        try:
            clients().holds.release(current_citizen().tax_id, hold["id"])
        except (SchedulingUnavailable, SchedulingProblem):
            pass  # an unreleased hold expires by itself in minutes
    return answers


# -- entry -----------------------------------------------------------------------------

@booking.get("")
@login_required
def start():
    answers = state.load()
    preselected = session.pop("booking_preselection", None) or {}
    if not answers and preselected:
        answers = dict(preselected)
        state.save(answers)
    return go_next(answers)


# -- 1. category -------------------------------------------------------------------------

@booking.route("/category", methods=["GET", "POST"])
@step_view("category")
def category(answers):
    categories = clients().categories.categories()
    form = CategoryForm(data={"category": answers.get("category")})
    form.category.choices = [(c.id, str(c.name)) for c in categories]
    if form.validate_on_submit():
        return go_next(set_answer(answers, "category", form.category.data))
    return shown("category", "booking/category.html", form, answers=answers,
                 hints={c.id: str(c.description) for c in categories})


# -- 2. business ---------------------------------------------------------------------------

@booking.route("/business", methods=["GET", "POST"])
@step_view("business")
def business(answers):
    form = BusinessForm(data=answers.get("business") or {})
    if form.validate_on_submit():
        return go_next(set_answer(answers, "business", {"representative": "yes", "tax_id": form.tax_id.data,
                                                        "name": form.name.data.strip()}))
    return shown("business", "booking/business.html", form, answers=answers)


# -- 3. procedure --------------------------------------------------------------------------

def procedures_for(answers):
    municipality = answers.get("municipality") if answers.get("category") == "municipal" else None
    if answers.get("category") == "municipal" and municipality in (None, "anywhere"):
        return None  # municipal procedures differ per municipality: ask where first
    return clients().procedures.procedures(answers["category"], municipality)


@booking.route("/procedure", methods=["GET", "POST"])
@step_view("procedure")
def procedure(answers):
    offered = procedures_for(answers)
    query = request.args.get("q", "").strip()[:100]
    found = [p for p in offered if matches_any_script(query, p.title.el, p.title.en,
                                                       *( (p.keywords.el, p.keywords.en) if p.keywords else ()))]
    form = ProcedureForm(data={"procedure": answers.get("procedure")})
    form.procedure.choices = [(p.id, str(p.title)) for p in found]
    if form.validate_on_submit():
        if form.procedure.data not in {p.id for p in offered}:
            form.procedure.errors = [_("Choose the procedure")]
        else:
            return go_next(set_answer(answers, "procedure", form.procedure.data))
    return shown("procedure", "booking/procedure.html", form, answers=answers, query=query, found=found,
                 total=len(offered))


# -- 4. municipality and KEP ---------------------------------------------------------------

@booking.route("/municipality", methods=["GET", "POST"])
@step_view("municipality")
def municipality(answers):
    everywhere = answers.get("category") != "municipal"
    places = clients().places
    query = request.args.get("q", "").strip()[:100]
    found = [m for m in places.municipalities()
             if matches_any_script(query, m.name.el, m.name.en, m.region.el, m.region.en)]
    form = MunicipalityForm(data={"municipality": answers.get("municipality")})
    choices = [(m.id, str(m.name)) for m in found]
    if everywhere:
        choices.insert(0, ("anywhere", _("Any KEP: the first free time anywhere in Greece")))
    form.municipality.choices = choices
    if form.validate_on_submit():
        chosen = form.municipality.data
        known = {m.id for m in places.municipalities()} | ({"anywhere"} if everywhere else set())
        if chosen not in known:
            form.municipality.errors = [_("Choose where you would like to be served")]
        else:
            answers = set_answer(answers, "municipality", chosen)
            if chosen != "anywhere":
                keps = places.keps(chosen)
                if len(keps) == 1:  # nothing to choose
                    answers = set_answer(answers, "kep", keps[0].id)
            return go_next(answers)
    return shown("municipality", "booking/municipality.html", form, answers=answers, query=query, found=found,
                 everywhere=everywhere)


@booking.route("/kep", methods=["GET", "POST"])
@step_view("kep")
def kep(answers):
    keps = clients().places.keps(answers["municipality"])
    form = KepForm(data={"kep": answers.get("kep")})
    form.kep.choices = [("any", _("Any KEP of the municipality: the first free time"))] + \
        [(k.id, str(k.name)) for k in keps]
    if form.validate_on_submit():
        return go_next(set_answer(answers, "kep", form.kep.data))
    return shown("kep", "booking/kep.html", form, answers=answers,
                 hints={k.id: f"{k.street}, {k.postcode} {k.town}" for k in keps})


# -- 5. day and time -----------------------------------------------------------------------

def place_of(answers) -> dict:
    if answers.get("municipality") in (None, "anywhere"):
        return {}
    if answers.get("kep") and answers["kep"] != "any":
        return {"kep_id": answers["kep"]}
    return {"municipality_id": answers["municipality"]}


def needs_of(answers):
    return (answers.get("needs") or {}).get("needs", [])


def slot_label(start, end) -> str:
    """A full sentence, never "09:30" alone: "Τρίτη 1 Δεκεμβρίου, 09:30 έως 09:50"."""
    return _("%(day)s, %(start)s to %(end)s", day=format_datetime(start, "EEEE d MMMM"),
             start=format_datetime(start, "HH:mm"), end=format_datetime(end, "HH:mm"))


def today_in_athens() -> date:
    return datetime.now(ATHENS).date()


def parse_day(raw, default):
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


@booking.route("/time", methods=["GET", "POST"])
@step_view("time")
def time(answers):
    lost_hold(answers)
    answers = state.load()
    availability, query = clients().availability, {
        "needs": needs_of(answers), **place_of(answers)}
    today = today_in_athens()
    week = parse_day(request.args.get("week"), today)
    week = max(today, min(week, today + timedelta(days=35)))
    day = parse_day(request.args.get("day"), None)
    form = TimeForm()
    slots = []
    if day:
        slots = availability.slots(answers["category"], answers["procedure"], day=day, **query)
    form.slot.choices = [(f"{s.kep_id}|{s.start.isoformat()}", slot_label(s.start, s.end)) for s in slots]

    if request.method == "POST":
        if request.form.get("first_free"):
            first = availability.first_free(answers["category"], answers["procedure"], **query)
            if first is None:
                flash(_("There are no free times in the next 30 days for this choice."), HOLD_MESSAGES)
                return redirect(url_for("booking.time"), code=303)
            return take(answers, first.kep_id, first.start)
        if form.validate_on_submit():
            kep_id, _sep, start = form.slot.data.partition("|")
            try:
                return take(answers, kep_id, datetime.fromisoformat(start))
            except ValueError:
                form.slot.errors = [_("Choose a time")]
    days = availability.days(answers["category"], answers["procedure"], first=week, last=week + timedelta(days=6),
                             **query)
    nearest = None
    if not any(d.free_slots for d in days):
        nearest = availability.first_free(answers["category"], answers["procedure"], **query)
    keps = {k.id: k for k in clients().places.keps()} if slots else {}
    return shown("time", "booking/time.html", form, answers=answers, days=days, day=day, slots=slots,
                 week=week, today=today, nearest=nearest, keps=keps, slot_label=slot_label, timedelta=timedelta,
                 athens=ATHENS,
                 show_kep=not place_of(answers).get("kep_id"))


def take(answers, kep_id, start):
    hold_for = answers.get("rescheduling")
    try:
        hold = clients().holds.hold(current_citizen().tax_id, category=answers["category"],
                                    procedure=answers["procedure"], kep_id=kep_id, start=start,
                                    needs=needs_of(answers), for_booking=hold_for)
    except SlotTaken:
        flash(_("Somebody has just taken that time. Choose another."), HOLD_MESSAGES)
        return redirect(url_for("booking.time", day=start.astimezone(ATHENS).date().isoformat()), code=303)
    except NotAllowed:
        flash(_("You already have an appointment for this procedure. You can change or cancel it in "
                "My appointments."), HOLD_MESSAGES)
        return redirect(url_for("booking.time"), code=303)
    answers["hold"] = {"id": hold.id, "kep_id": hold.kep_id, "start": hold.start.isoformat(),
                       "end": hold.end.isoformat(), "expires_at": hold.expires_at.isoformat(),
                       "can_extend": hold.can_extend, "needs": list(hold.needs)}
    state.save(answers)
    return go_next(answers)


@booking.post("/hold/extend")
@login_required
def extend_hold():
    answers = state.load()
    back = request.form.get("next") or url_for("booking.start")
    if not back.startswith("/book/"):
        back = url_for("booking.start")
    if answers.get("hold"):
        try:
            hold = clients().holds.extend(current_citizen().tax_id, answers["hold"]["id"])
        except (HoldExpired, NotAllowed):
            return redirect(back, code=303)
        answers["hold"].update(expires_at=hold.expires_at.isoformat(), can_extend=hold.can_extend)
        state.save(answers)
        if request.headers.get("X-Requested-With") == "fetch":
            return {"seconds_left": held_time(answers)["seconds_left"]}
        flash(_("We will hold your time until %(time)s.", time=format_datetime(hold.expires_at, "HH:mm")),
              HOLD_MESSAGES)
    return redirect(back, code=303)


# -- 6. details ----------------------------------------------------------------------------

@booking.route("/details", methods=["GET", "POST"])
@step_view("details")
def details(answers):
    saved = answers.get("details") or {"full_name": current_citizen().full_name}
    form = DetailsForm(data=saved)
    if form.validate_on_submit():
        return go_next(set_answer(answers, "details", {
            "full_name": form.full_name.data.strip(), "email": form.email.data.strip(),
            "phone": form.phone.data.strip(), "street": form.street.data.strip(),
            "postcode": form.postcode.data, "town": form.town.data.strip()}))
    return shown("details", "booking/details.html", form, answers=answers)


# -- 7. identity document ----------------------------------------------------------------

@booking.route("/document", methods=["GET", "POST"])
@step_view("document")
def document(answers):
    from kepweb.booking import documents

    saved = answers.get("document") or {}
    form = DocumentForm(data={"id_document": saved.get("id_document")})
    upload_errors = []
    if form.validate_on_submit():
        kept, upload_errors = documents.accept(request.files.getlist(form.files.name), saved.get("files", []))
        if not upload_errors:
            return go_next(set_answer(answers, "document", {"id_document": form.id_document.data, "files": kept}))
        form.files.errors = upload_errors
    return shown("document", "booking/document.html", form, answers=answers, files=saved.get("files", []))


@booking.post("/document/remove/<file_id>")
@login_required
def remove_document(file_id):
    answers = state.load()
    document = answers.get("document") or {}
    document["files"] = [f for f in document.get("files", []) if f["id"] != file_id]
    answers["document"] = document
    state.save(answers)
    return redirect(url_for("booking.document"), code=303)


# -- 8. communication needs --------------------------------------------------------------

@booking.route("/needs", methods=["GET", "POST"])
@step_view("needs")
def needs(answers):
    form = NeedsForm(data=answers.get("needs") or {})
    if form.validate_on_submit():
        chosen = sorted(set(form.needs.data or []))
        new = {"needs": chosen, "contact_preference": form.contact_preference.data,
               "third_person_name": (form.third_person_name.data or "").strip() if "third_person" in chosen else "",
               "third_person_email": (form.third_person_email.data or "").strip() if "third_person" in chosen else "",
               "other_needs": (form.other_needs.data or "").strip()}
        answers["needs"] = new
        state.save(answers)
        if answers.get("hold") and sorted(answers["hold"].get("needs", [])) != chosen:
            if not refit_hold(answers, chosen):
                return redirect(url_for("booking.time"), code=303)
        return go_next(answers)
    return shown("needs", "booking/needs.html", form, answers=answers)


def refit_hold(answers, chosen) -> bool:
    """Needs lengthen the call: keep the held time if the longer call still fits."""
    try:
        hold = clients().holds.change_needs(current_citizen().tax_id, answers["hold"]["id"], chosen)
    except (SlotTaken, HoldExpired):
        state.forget("hold")
        flash(_("With these needs the call is longer and no longer fits at the time you chose. "
                "Your answers are kept: choose a time again."), HOLD_MESSAGES)
        return False
    answers["hold"].update(end=hold.end.isoformat(), needs=list(hold.needs))
    state.save(answers)
    return True


# -- 9. delivery -------------------------------------------------------------------------

DELIVERY_LABELS = {"email": lambda: _("By email"), "post": lambda: _("By post"),
                   "pickup": lambda: _("I will collect it from the KEP")}


@booking.route("/delivery", methods=["GET", "POST"])
@step_view("delivery")
def delivery(answers):
    methods = ["email", "post"] + (["pickup"] if answers.get("category") == "municipal" else [])
    form = DeliveryForm(data=answers.get("delivery") or {})
    form.method.choices = [(m, DELIVERY_LABELS[m]()) for m in methods]
    if form.validate_on_submit():
        if form.method.data not in methods:
            form.method.errors = [_("Choose how you want to receive the result")]
        else:
            chosen = {"method": form.method.data, "post_to": form.post_to.data if form.method.data == "post" else None}
            if chosen["post_to"] == "other":
                chosen.update(street=form.street.data.strip(), postcode=form.postcode.data.replace(" ", ""),
                              town=form.town.data.strip())
            return go_next(set_answer(answers, "delivery", chosen))
    return shown("delivery", "booking/delivery.html", form, answers=answers)


# -- 10. check your answers ------------------------------------------------------------------

def api_answers(answers) -> dict:
    details, needs, delivery = answers["details"], answers["needs"], answers["delivery"]
    body = {
        "hold_id": answers["hold"]["id"],
        "contact": {"name": details["full_name"], "email": details["email"], "phone": details["phone"],
                    "address": {"street": details["street"], "postcode": details["postcode"], "town": details["town"]}},
        "id_document": answers["document"]["id_document"],
        "needs": needs["needs"],
        "other_needs": needs.get("other_needs", ""),
        "contact_preference": needs["contact_preference"],
        "delivery": {"method": delivery["method"], "address": None},
        "language": str(get_locale()),
    }
    if "third_person" in needs["needs"]:
        body["third_person"] = {"name": needs["third_person_name"], "email": needs["third_person_email"]}
    if delivery.get("post_to") == "other":
        body["delivery"]["address"] = {k: delivery[k] for k in ("street", "postcode", "town")}
    if answers.get("business"):
        body["business"] = {"tax_id": answers["business"]["tax_id"], "name": answers["business"]["name"]}
    return body


@booking.route("/check", methods=["GET", "POST"])
@step_view("check")
def check(answers):
    # One key for this booking, kept until it succeeds: a double click, a reload
    # or a retry after a timeout all send the same key, and the API books once.
    if "submission_key" not in answers:
        answers["submission_key"] = str(uuid.uuid4())
        state.save(answers)
    form = ConfirmForm()
    problems = []
    if form.validate_on_submit():
        try:
            made = clients().bookings.book(current_citizen().tax_id, api_answers(answers),
                                           idempotency_key=answers["submission_key"])
        except (HoldExpired, SlotTaken):
            state.forget("hold", "submission_key")
            flash(_("The time you chose is no longer held for you. Your answers are kept: choose a time again."),
                  HOLD_MESSAGES)
            return redirect(url_for("booking.time"), code=303)
        except NotAllowed:
            problems = [_("You already have an appointment for this procedure. You can change or cancel it in "
                          "My appointments.")]
        except InvalidRequest as refused:
            language = str(get_locale())
            problems = [message.get(language) or message.get("el") for message in refused.field_errors.values()]
        else:
            state.save({"booked": made.reference})
            return redirect(url_for("booking.confirmation"), code=303)
    catalogue = clients()
    category = next(c for c in catalogue.categories.categories() if c.id == answers["category"])
    procedures = procedures_for(answers) or []
    procedure_title = next((p.title for p in procedures if p.id == answers["procedure"]), answers["procedure"])
    hold = held_time(answers)
    kep = next((k for k in catalogue.places.keps() if k.id == hold["kep_id"]), None) if hold else None
    municipality = next((m for m in catalogue.places.municipalities() if m.id == answers.get("municipality")), None)
    return shown("check", "booking/check.html", form, answers=answers, category=category,
                 procedure_title=procedure_title, kep=kep, municipality=municipality, problems=problems,
                 slot_label=slot_label, delivery_labels=DELIVERY_LABELS, id_documents=ID_DOCUMENTS)


# -- 11. confirmation --------------------------------------------------------------------

@booking.app_template_filter("need_label")
def need_label(need_id):
    return str(dict(NEEDS).get(need_id, need_id))


@booking.get("/confirmation")
@login_required
def confirmation():
    reference = state.load().get("booked")
    if not reference:
        abort(404)
    made = clients().bookings.get_booking(current_citizen().tax_id, reference)
    return render_page("booking/confirmation.html", page_title=_("Your appointment is booked"), booking=made,
                       slot_label=slot_label)


@booking.post("/again")
@login_required
def book_again():
    state.clear()
    return redirect(url_for("booking.start"), code=303)
