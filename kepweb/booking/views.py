"""The booking wizard: one question per page, post-redirect-get, htmx on top.

Every step is a GET that shows the question and a POST that checks the answer,
stores it in the `WizardState` and redirects to the next step that applies and
is not answered yet. With JavaScript, htmx swaps <main> and pushes the URL;
without it the same forms work as plain HTML. When the scheduling API refuses,
`refused` (below) applies what `kepweb.refusals` says.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from kepweb import limits, refusals
from kepweb.auth import current_citizen, login_required
from kepweb.auth.sessions import BOOKING_PRESELECTION
from kepweb.booking import documents, holds, needs_profile, state, steps
from kepweb.booking.forms import (
    ID_DOCUMENTS,
    NEEDS,
    BusinessForm,
    CategoryForm,
    ConfirmForm,
    DeliveryForm,
    DetailsForm,
    DocumentForm,
    KepForm,
    MunicipalityForm,
    NeedsForm,
    ProcedureForm,
)
from kepweb.booking.payload import booking_request
from kepweb.htmx import render_page
from kepweb.i18n import ATHENS
from kepweb.redirects import safe_next_url
from kepweb.scheduling import SchedulingProblem, SchedulingUnavailable, clients
from kepweb.search import matches_any_script
from kepweb.time_picker import Query, TimeForm, choose, first_free

booking = Blueprint("booking", __name__, url_prefix="/book")
NOTICE = refusals.NOTICE


# -- shared ----------------------------------------------------------------------------

def go_next(wizard):
    return redirect(url_for(f"booking.{steps.next_step(wizard).name}"), code=303)


def tax_id() -> str:
    return current_citizen().tax_id


def shown(step_name, template, form=None, **context):
    """Render a step with what every step shows: its number, back link and the held time."""
    wizard = state.current()
    number, total = steps.number_of(step_name, wizard)
    previous = steps.previous_step(step_name, wizard)
    return render_page(
        template,
        page_title=str(steps.BY_NAME[step_name].title),
        step_name=step_name, step_number=number, step_total=total, form=form,
        step_caption=_("Step %(number)d of %(total)d", number=number, total=total),
        back_url=url_for(f"booking.{previous.name}") if previous else url_for("pages.start"),
        hold=holds.held_time(wizard.hold),
        hold_sentences=holds.sentences(holds.held_time(wizard.hold)) if wizard.hold else None,
        answers=wizard.answers,
        **context,
    )


def step_view(name):
    """Guard a step: signed in, and every step before it answered."""
    def decorate(view):
        @login_required
        def wrapped(*args, **kwargs):
            wizard = state.current()
            if name == "check" and wizard.booked:
                # Sent again after it was booked (a double click, a reload): show what was booked.
                return redirect(url_for("booking.confirmation"), code=303)
            if not steps.may_show(name, wizard):
                return go_next(wizard)
            if name != "time" and steps.BY_NAME["time"].answered(wizard) and forgot_lost_hold(wizard):
                return redirect(url_for("booking.time"), code=303)
            return view(wizard, *args, **kwargs)
        wrapped.__name__ = view.__name__
        return wrapped
    return decorate


def forgot_lost_hold(wizard) -> bool:
    """The held time ran out: say so plainly; the citizen chooses again, nothing else is lost."""
    hold = holds.held_time(wizard.hold)
    if hold and hold.has_run_out:
        wizard.forget("hold", "submission_key")
        flash(_("The time you chose was held for you until %(time)s and has now been released. "
                "Your other answers are kept: choose a time again.",
                time=format_datetime(hold.expires, "HH:mm")), NOTICE)
        return True
    return False


def change(wizard, name, value):
    """Store an answer; let go of a held time that it made meaningless."""
    holds.let_go(tax_id(), wizard.answer(name, value).get("hold"))
    return wizard


@booking.errorhandler(SchedulingProblem)
def refused(problem):
    """The API refused: say why, forget what the refusal made meaningless, resume at the right step."""
    wizard = state.current()
    action = refusals.current_action(default="browse")
    refusal = refusals.refusal_for(refusals.WIZARD, action, problem)
    if refusal is None:
        return refusals.unforeseen(action, problem, back_url=url_for("booking.start"))
    if refusal.resume == refusals.NOT_FOUND:
        return refusals.not_found()
    resume, forgets = refusal.resume, refusal.forgets
    if resume == refusals.BY_FIELDS:
        resume = refusals.step_for_fields(problem, default=request.endpoint.split(".")[-1])
        forgets = (*forgets, *refusals.forgets_for_fields(problem))
    forgotten = wizard.forget(*forgets)
    holds.let_go(tax_id(), forgotten.get("hold"))
    if resume == refusals.OWN_PAGE:
        return refusals.own_page(refusal, problem)
    target = came_from() if resume == refusals.SAME_PAGE else url_for(f"booking.{resume}")
    return refusals.go_on(action, refusal, problem, target, back_url=url_for("booking.start"))


def came_from() -> str:
    """The page a form was sent from: its own URL, or (for the hold) the step it was on."""
    if request.endpoint == "booking.extend_hold":
        return step_url(request.form.get("next"))
    return request.full_path.rstrip("?")


def step_url(raw) -> str:
    """A page of the wizard to go back to; anything else is the wizard's start."""
    target = safe_next_url(raw, fallback=url_for("booking.start"))
    return target if target.startswith("/book/") else url_for("booking.start")


# -- entry -----------------------------------------------------------------------------

@booking.get("")
@login_required
def start():
    wizard = state.current()
    preselected = session.pop(BOOKING_PRESELECTION, None) or {}
    if not wizard and preselected:
        for name, value in preselected.items():
            wizard.answer(name, value)
    return go_next(wizard)


# -- 1. category -------------------------------------------------------------------------

@booking.route("/category", methods=["GET", "POST"])
@limits.protect("booking")
@step_view("category")
def category(wizard):
    categories = clients().categories.categories()
    form = CategoryForm(data={"category": wizard.get("category")})
    form.category.choices = [(c.id, str(c.name)) for c in categories]
    if form.validate_on_submit():
        return go_next(change(wizard, "category", form.category.data))
    return shown("category", "booking/category.html", form, hints={c.id: str(c.description) for c in categories},
                 at_the_cap=cap_reached())


def cap_reached() -> int | None:
    """The API's cap on active bookings, if the citizen has already reached it: said at the start, so that they
    need not answer the steps before the time to learn it. Only advice (the hold and the booking are refused
    anyway, with the cap's own page), so an API that cannot say now shows nothing rather than an error."""
    try:
        allowance = clients().bookings.allowance(tax_id())
    except (SchedulingUnavailable, SchedulingProblem):
        return None
    return allowance.limit if allowance.remaining == 0 else None


# -- 2. business ---------------------------------------------------------------------------

@booking.route("/business", methods=["GET", "POST"])
@limits.protect("booking")
@step_view("business")
def business(wizard):
    form = BusinessForm(data=wizard.get("business") or {})
    if form.validate_on_submit():
        return go_next(change(wizard, "business", {"tax_id": form.tax_id.data, "name": form.name.data.strip()}))
    return shown("business", "booking/business.html", form)


# -- 3. procedure --------------------------------------------------------------------------

def procedures_for(wizard):
    """The procedures offered; where the municipality decides (article 4.4), its own."""
    if steps.needs_municipality(wizard):
        return clients().procedures.procedures(wizard.get("category"), wizard.get("municipality"))
    return clients().procedures.procedures(wizard.get("category"))


@booking.route("/procedure", methods=["GET", "POST"])
@limits.protect("booking")
@limits.search
@step_view("procedure")
def procedure(wizard):
    offered = procedures_for(wizard)
    query = request.args.get("q", "").strip()[:100]
    found = [p for p in offered if matches_any_script(query, p.title.el, p.title.en,
                                                       *((p.keywords.el, p.keywords.en) if p.keywords else ()))]
    form = ProcedureForm(data={"procedure": wizard.get("procedure")})
    form.procedure.choices = [(p.id, str(p.title)) for p in found]
    if form.validate_on_submit():
        if form.procedure.data not in {p.id for p in offered}:
            form.procedure.errors = [_("Choose the procedure")]
        else:
            return go_next(change(wizard, "procedure", form.procedure.data))
    return shown("procedure", "booking/procedure.html", form, query=query, found=found, total=len(offered))


# -- 4. municipality and KEP ---------------------------------------------------------------

@booking.route("/municipality", methods=["GET", "POST"])
@limits.protect("booking")
@limits.search
@step_view("municipality")
def municipality(wizard):
    anywhere_allowed = not steps.needs_municipality(wizard)
    places = clients().places
    query = request.args.get("q", "").strip()[:100]
    found = [m for m in places.municipalities()
             if matches_any_script(query, m.name.el, m.name.en, m.region.el, m.region.en)]
    form = MunicipalityForm(data={"municipality": wizard.get("municipality")})
    choices = [(m.id, str(m.name)) for m in found]
    if anywhere_allowed:
        choices.insert(0, ("anywhere", _("Any KEP: the first free time anywhere in Greece")))
    form.municipality.choices = choices
    if form.validate_on_submit():
        chosen = form.municipality.data
        known = {m.id for m in places.municipalities()} | ({"anywhere"} if anywhere_allowed else set())
        if chosen not in known:
            form.municipality.errors = [_("Choose where you would like to be served")]
        else:
            change(wizard, "municipality", chosen)
            if chosen != "anywhere":
                keps = places.keps(chosen)
                if len(keps) == 1:  # nothing to choose
                    change(wizard, "kep", keps[0].id)
            return go_next(wizard)
    return shown("municipality", "booking/municipality.html", form, query=query, found=found,
                 everywhere=anywhere_allowed)


@booking.route("/kep", methods=["GET", "POST"])
@limits.protect("booking")
@step_view("kep")
def kep(wizard):
    keps = clients().places.keps(wizard.get("municipality"))
    form = KepForm(data={"kep": wizard.get("kep")})
    form.kep.choices = [("any", _("Any KEP of the municipality: the first free time"))] + \
        [(k.id, str(k.name)) for k in keps]
    if form.validate_on_submit():
        return go_next(change(wizard, "kep", form.kep.data))
    return shown("kep", "booking/kep.html", form, hints={k.id: f"{k.street}, {k.postcode} {k.town}" for k in keps})


# -- 5. day and time -----------------------------------------------------------------------

def time_query(wizard) -> Query:
    query = Query(category=wizard.get("category"), procedure=wizard.get("procedure"),
                  needs=(wizard.get("needs") or {}).get("needs", []))
    if wizard.get("municipality") not in (None, "anywhere"):
        if wizard.get("kep") not in (None, "any"):
            query.kep_id = wizard.get("kep")
        else:
            query.municipality_id = wizard.get("municipality")
    return query


@booking.route("/time", methods=["GET", "POST"])
@limits.protect("hold")
@step_view("time")
def time(wizard):
    forgot_lost_hold(wizard)
    query = time_query(wizard)
    form = TimeForm()
    if request.method == "POST" and request.form.get("first_free"):
        first = first_free(query)
        if first.slot is None:
            flash(_("There are no free times in the next 30 days for this choice."), NOTICE)
            return redirect(url_for("booking.time"), code=303)
        return take(wizard, query, first.slot.kep_id, first.slot.start)
    choice = choose(query, request.args.get("week"), request.args.get("day"), form)
    if form.validate_on_submit():
        chosen = form.chosen()
        if chosen:
            return take(wizard, query, *chosen)
    first = None if choice.any_free else first_free(query)
    nearest = first.slot if first else None
    keps = {k.id: k for k in clients().places.keps()} if choice.slots and not query.kep_id else {}
    kep_hints = {f"{slot.kep_id}|{slot.start.isoformat()}": _("At %(kep)s", kep=keps[slot.kep_id].name)
                 for slot in choice.slots if slot.kep_id in keps}
    no_interpreter = first is not None and first.limited_by == "interpreter"
    return shown("time", "booking/time.html", form, choice=choice, nearest=nearest, kep_hints=kep_hints,
                 nearest_day=nearest.start.astimezone(ATHENS).date().isoformat() if nearest else None,
                 no_interpreter=no_interpreter,
                 alternatives=interpreter_alternatives(wizard, query) if no_interpreter else None)


def interpreter_alternatives(wizard, query: Query) -> dict:
    """No interpreter is free: the first time elsewhere with one, and the first with text chat instead."""
    elsewhere = None
    if (query.kep_id or query.municipality_id) and not steps.needs_municipality(wizard):
        elsewhere = first_free(replace(query, kep_id=None, municipality_id=None)).slot
    elif query.kep_id:  # municipal services: another KEP of the same municipality
        elsewhere = first_free(replace(query, kep_id=None, municipality_id=wizard.get("municipality"))).slot
    with_text_chat = first_free(replace(query, needs=text_chat_instead(query.needs))).slot
    return {"elsewhere": elsewhere, "with_text_chat": with_text_chat}


def text_chat_instead(needs) -> list[str]:
    return sorted((set(needs) - {"sign_language"}) | {"text_chat"})


@booking.post("/time/text-chat-instead")
@limits.protect("booking")
@step_view("time")
def use_text_chat(wizard):
    """The citizen chose a call with text chat rather than wait for an interpreter."""
    answer = dict(wizard.get("needs") or {})
    answer["needs"] = text_chat_instead(answer.get("needs", []))
    if answer.get("remember"):
        needs_profile.keep_or_forget(tax_id(), answer, keep=True, saved=None)
    change(wizard, "needs", answer)
    flash(_("Your call will have text chat instead of a Greek Sign Language interpreter. Choose a time."), NOTICE)
    return redirect(url_for("booking.time"), code=303)


@booking.post("/time/anywhere")
@limits.protect("booking")
@step_view("time")
def search_anywhere(wizard):
    """The citizen chose any KEP that has a time with an interpreter."""
    if steps.needs_municipality(wizard):
        change(wizard, "kep", "any")
    else:
        change(wizard, "municipality", "anywhere")
    return redirect(url_for("booking.time"), code=303)


def take(wizard, query: Query, kep_id, start):
    # Sent twice, the second hold replaces the first (one hold per citizen): the same page follows.
    wizard.keep("hold", holds.take(tax_id(), category=query.category, procedure=query.procedure,
                                   kep_id=kep_id, start=start, needs=query.needs))
    return go_next(wizard)


@booking.post("/hold/extend")
@limits.protect("hold")
@login_required
def extend_hold():
    wizard = state.current()
    back = step_url(request.form.get("next"))
    held = holds.held_time(wizard.hold)
    if held is None:
        return redirect(back, code=303)
    # The form says which expiry it saw: if the hold has moved on since, this is the
    # same click sent twice, and it gets the same answer without using up another extension.
    if request.form.get("expires_at") == wizard.hold["expires_at"]:
        wizard.keep("hold", holds.extend(tax_id(), wizard.hold))
        held = holds.held_time(wizard.hold)
    if request.headers.get("X-Requested-With") == "fetch":
        return {"seconds_left": held.seconds_left, "expires_at": wizard.hold["expires_at"],
                "can_extend": held.can_extend, "sentences": holds.sentences(held)}
    flash(_("We will hold your time until %(time)s.", time=format_datetime(held.expires, "HH:mm")), NOTICE)
    return redirect(back, code=303)


# -- 6. details ----------------------------------------------------------------------------

@booking.route("/details", methods=["GET", "POST"])
@limits.protect("booking")
@step_view("details")
def details(wizard):
    saved = wizard.get("details") or {"full_name": current_citizen().full_name}
    form = DetailsForm(data=saved)
    if form.validate_on_submit():
        return go_next(change(wizard, "details", {
            "full_name": form.full_name.data.strip(), "email": form.email.data.strip(),
            "phone": form.phone.data.strip(), "street": form.street.data.strip(),
            "postcode": form.postcode.data, "town": form.town.data.strip(),
            "contact_preference": form.contact_preference.data}))
    return shown("details", "booking/details.html", form)


# -- 7. identity document ----------------------------------------------------------------

@booking.route("/document", methods=["GET", "POST"])
@limits.protect("booking")
@step_view("document")
def document(wizard):
    saved = wizard.get("document") or {}
    form = DocumentForm(data={"id_document": saved.get("id_document")})
    if form.validate_on_submit():
        kept, upload_errors = documents.accept(request.files.getlist(form.files.name), saved.get("files", []))
        if not upload_errors:
            return go_next(change(wizard, "document", {"id_document": form.id_document.data, "files": kept}))
        form.files.errors = upload_errors
    return shown("document", "booking/document.html", form, files=saved.get("files", []))


@booking.post("/document/remove/<file_id>")
@limits.protect("booking")
@login_required
def remove_document(file_id):
    wizard = state.current()
    saved = dict(wizard.get("document") or {})
    files = saved.get("files", [])
    documents.discard([entry for entry in files if entry["id"] == file_id])
    wizard.keep("document", {**saved, "files": [entry for entry in files if entry["id"] != file_id]})
    return redirect(url_for("booking.document"), code=303)


# -- 5. communication needs (before the time: the times offered must fit them) -----------

def needs_answer(form) -> dict:
    chosen = sorted(set(form.needs.data or []))
    asked_third_person = "third_person" in chosen
    return {"needs": chosen,
            "third_person_name": (form.third_person_name.data or "").strip() if asked_third_person else "",
            "third_person_email": (form.third_person_email.data or "").strip() if asked_third_person else "",
            "other_needs": (form.other_needs.data or "").strip()}


@booking.route("/needs", methods=["GET", "POST"])
@limits.protect("booking")
@step_view("needs")
def needs(wizard):
    saved = needs_profile.saved(tax_id())
    form = NeedsForm(data=wizard.get("needs") or needs_profile.as_answer(saved))
    if form.validate_on_submit():
        answer = needs_answer(form)
        # The answer first: if keeping the profile fails, nothing the citizen typed is lost.
        change(wizard, "needs", {**answer, "remember": bool(form.remember.data)})
        needs_profile.keep_or_forget(tax_id(), answer, keep=form.remember.data, saved=saved)
        if wizard.hold and sorted(wizard.hold.get("needs", [])) != answer["needs"]:
            wizard.keep("hold", holds.refit(tax_id(), wizard.hold, answer["needs"]))
        return go_next(wizard)
    return shown("needs", "booking/needs.html", form, saved=saved)


# -- 9. delivery -------------------------------------------------------------------------

DELIVERY_LABELS = {"email": lambda: _("By email"), "post": lambda: _("By post"),
                   "pickup": lambda: _("I will collect it from the KEP")}


@booking.route("/delivery", methods=["GET", "POST"])
@limits.protect("booking")
@step_view("delivery")
def delivery(wizard):
    methods = [method for method in steps.delivery_methods(wizard) if method in DELIVERY_LABELS]
    form = DeliveryForm(data=wizard.get("delivery") or {})
    form.method.choices = [(m, DELIVERY_LABELS[m]()) for m in methods]
    if form.validate_on_submit():
        if form.method.data not in methods:
            form.method.errors = [_("Choose how you want to receive the result")]
        else:
            chosen = {"method": form.method.data, "post_to": form.post_to.data if form.method.data == "post" else None}
            if chosen["post_to"] == "other":
                chosen.update(street=form.street.data.strip(), postcode=form.postcode.data.replace(" ", ""),
                              town=form.town.data.strip())
            return go_next(change(wizard, "delivery", chosen))
    return shown("delivery", "booking/delivery.html", form)


# -- 10. check your answers ------------------------------------------------------------------

@booking.route("/check", methods=["GET", "POST"])
@limits.protect("booking")
@limits.protect("book")
@step_view("check")
def check(wizard):
    # One key for this booking, kept until it succeeds: a double click, a reload
    # or a retry after a timeout all send the same key, and the API books once.
    if "submission_key" not in wizard:
        wizard.keep("submission_key", str(uuid.uuid4()))
    form = ConfirmForm()
    if form.validate_on_submit():
        made = clients().bookings.book(tax_id(), booking_request(wizard.answers, str(get_locale())),
                                       idempotency_key=wizard.get("submission_key"))
        # Booked. The documents go to the KEP now; whether each arrived, the confirmation asks the API.
        files = (wizard.get("document") or {}).get("files", [])
        documents.send_to_kep(tax_id(), made.reference, files)
        wizard.finish(made.reference, files)
        return redirect(url_for("booking.confirmation"), code=303)
    catalogue = clients()
    category = wizard.category
    procedure_title = next((p.title for p in procedures_for(wizard) if p.id == wizard.get("procedure")),
                           wizard.get("procedure"))
    hold = holds.held_time(wizard.hold)
    kep = next((k for k in catalogue.places.keps() if k.id == hold.kep_id), None) if hold else None
    municipality = next((m for m in catalogue.places.municipalities() if m.id == wizard.get("municipality")), None)
    return shown("check", "booking/check.html", form, category=category, procedure_title=procedure_title, kep=kep,
                 municipality=municipality, delivery_labels=DELIVERY_LABELS, id_documents=ID_DOCUMENTS)


# -- 11. confirmation --------------------------------------------------------------------

@booking.app_template_filter("need_label")
def need_label(need_id):
    return str(dict(NEEDS).get(need_id, need_id))


@booking.get("/confirmation")
@login_required
def confirmation():
    wizard = state.current()
    if not wizard.booked:
        abort(404)
    made = clients().bookings.get_booking(tax_id(), wizard.booked)
    return render_page("booking/confirmation.html", page_title=_("Your appointment is booked"), booking=made,
                       not_received=documents.not_received(wizard.booked_files, made))


@booking.post("/again")
@login_required
def book_again():
    state.current().clear()
    return redirect(url_for("booking.start"), code=303)
