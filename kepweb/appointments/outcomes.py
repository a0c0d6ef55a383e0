"""What the citizen reads of the KEP's record of their call: the status, the outcome and where
the result is. Every sentence comes from a state the API reports: a result "emailed" only once
the email has gone, "posted" with the post record the employee entered."""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _
from markupsafe import Markup

from kepweb.i18n import in_greek


def status_label(booking, upcoming: bool) -> str:
    if booking.status == "cancelled":
        return _("Cancelled")
    if booking.status == "served":
        return _("Served")
    if booking.status == "not_served":
        return _("Not served")
    if booking.status == "no_show":
        return _("You did not join")
    if booking.status == "follow_up":
        return _("Needs a follow-up")
    return _("Booked") if upcoming else _("Past")


def outcome_sentences(booking) -> list[str]:
    """The outcome in words: empty until the KEP records it."""
    outcome = booking.outcome
    if outcome is None:
        return []
    said = {
        "served": _("The KEP employee completed your request."),
        "not_served": _("The KEP employee could not complete your request."),
        "no_show": _("You did not join the call, so your request was not handled."),
        "follow_up": _("Your request needs more before it can be completed."),
    }[outcome.outcome]
    sentences = [said]
    if outcome.reason:
        sentences.append(Markup(_("The employee's note: %(reason)s")) % {"reason": in_greek(outcome.reason)})
    if outcome.protocol_number:
        sentences.append(_("Protocol number: %(number)s", number=outcome.protocol_number))
    return sentences


def result_sentence(booking) -> Markup | str | None:
    result = booking.result
    if result is None:
        return None
    if result.state == "sending":
        return Markup(_("We are emailing you the result: %(name)s.")) % {"name": in_greek(result.name)}
    if result.state == "emailed":
        return Markup(_("We emailed you the result on %(time)s: %(name)s.")) % {
            "name": in_greek(result.name), "time": format_datetime(result.delivered_at, "d MMMM y, HH:mm")}
    if result.state == "posted":
        return Markup(_("The result was posted to you: %(record)s.")) % {"record": in_greek(result.post_record or "")}
    kep = booking.kep
    return Markup(_("The result is ready: collect it from the KEP, %(kep)s, %(address)s.")) % {
        "kep": in_greek(kep.name), "address": in_greek(f"{kep.street}, {kep.postcode} {kep.town}")}
