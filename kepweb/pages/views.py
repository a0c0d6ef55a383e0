from __future__ import annotations

import logging
from datetime import date

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _

from kepweb import limits
from kepweb.auth.sessions import BOOKING_PRESELECTION
from kepweb.htmx import render_page
from kepweb.mail import MailUnavailable, send_accessibility_feedback
from kepweb.pages.forms import FeedbackForm
from kepweb.scheduling import clients
from kepweb.search import fold, matches

log = logging.getLogger(__name__)
pages = Blueprint("pages", __name__)

# Update together with the statement's text, from docs/accessibility-report.md
# (bash scripts/accessibility-report); a test checks that the two agree.
ACCESSIBILITY_STATEMENT_PREPARED = date(2026, 11, 27)
ACCESSIBILITY_REPORT_STATES = 139

@pages.get("/")
def home():
    return render_page("pages/home.html", page_title=_("Book a video call with a KEP"))


@pages.get("/start")
def start():
    """The Start button, and the deep link from gov.gr that preselects a category
    and a municipality (`/start?category=municipal&municipality=chania`), which
    is kept in the session through the Taxisnet round trip."""
    preselection = _preselection_from(request.args)
    if preselection:
        session[BOOKING_PRESELECTION] = preselection
    preselected = session.get(BOOKING_PRESELECTION) or {}
    municipality = None
    if preselected.get("municipality"):
        municipality = next((m for m in clients().places.municipalities() if m.id == preselected["municipality"]), None)
    session_minutes = int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 60)
    return render_page("pages/start.html", page_title=_("Before you start"), preselected=preselected,
                       preselected_municipality=municipality, session_minutes=session_minutes)


def _preselection_from(args) -> dict:
    chosen = {}
    if args.get("category") and clients().categories.category(args["category"]):
        chosen["category"] = args["category"]
    municipality = args.get("municipality", "")
    if municipality and municipality in {m.id for m in clients().places.municipalities()}:
        chosen["municipality"] = municipality
    return chosen


@pages.get("/manual")
def manual():
    return render_page("pages/manual.html", page_title=_("User manual"))


@pages.get("/municipalities")
@limits.search
def municipalities():
    """Without a query, every municipality by region, each a link to its own page
    (all 180 KEPs in full would be too heavy for one page); a search shows the
    few that match with their KEPs in full."""
    query = request.args.get("q", "").strip()[:100]
    found = [
        municipality
        for municipality in clients().places.municipalities_with_keps()
        if _municipality_matches(query, municipality)
    ]
    return render_page(
        "pages/municipalities.html",
        page_title=_("Participating municipalities and their KEPs"),
        query=query,
        municipalities=found,
        regions=[] if query else _by_region(found),
    )


def _by_region(municipalities):
    """[(region, [municipality, ...]), ...], regions and municipalities in the
    alphabetical order of the page's language."""
    regions = {}
    for municipality in municipalities:
        regions.setdefault(str(municipality.region), []).append(municipality)
    return [
        (region, sorted(members, key=lambda municipality: fold(str(municipality.name))))
        for region, members in sorted(regions.items(), key=lambda item: fold(item[0]))
    ]


@pages.get("/municipalities/<municipality_id>")
def municipality_page(municipality_id):
    found = next((municipality for municipality in clients().places.municipalities_with_keps()
                  if municipality.id == municipality_id), None)
    if found is None:
        abort(404)
    return render_page(
        "pages/municipality.html",
        page_title=_("%(municipality)s: KEPs", municipality=found.name),
        municipality=found,
    )


def _municipality_matches(query, municipality):
    texts = [municipality.name.el, municipality.name.en, municipality.region.el, municipality.region.en]
    for kep in municipality.keps:
        texts += [kep.name.el, kep.name.en, kep.town.el, kep.town.en]
    return matches(query, *texts)


@pages.get("/accessibility")
def accessibility():
    return render_page(
        "pages/accessibility.html",
        page_title=_("Accessibility statement"),
        statement_prepared=ACCESSIBILITY_STATEMENT_PREPARED,
        report_states=ACCESSIBILITY_REPORT_STATES,
    )


@pages.route("/feedback", methods=["GET", "POST"])
@limits.protect("feedback")
def feedback():
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            send_accessibility_feedback(form.data)
        except MailUnavailable:
            form.form_errors.append(
                _("We could not send your message just now. It is still here: please try again in a few minutes.")
            )
        else:
            return redirect(url_for("pages.feedback_sent"), code=303)
    elif request.method == "GET":
        form.page.data = request.args.get("page", "")[:200]
    return render_page("pages/feedback.html", page_title=_("Report a problem"), form=form)


@pages.get("/feedback/sent")
def feedback_sent():
    return render_page("pages/feedback_sent.html", page_title=_("Thank you for your message"))


@pages.get("/privacy")
def privacy():
    return render_page("pages/privacy.html", page_title=_("Privacy notice"))
