"""Your communication needs: what the service keeps for your next booking (GDPR art. 9).

Kept by the scheduling API, only with the citizen's consent (the "remember"
box of the wizard's needs step, or saving here); shown in full, changeable and
deletable at any time.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from kepweb.auth import current_citizen, login_required
from kepweb.booking import needs_profile
from kepweb.booking.forms import NeedsForm
from kepweb.booking.views import needs_answer
from kepweb.htmx import render_page
from kepweb.scheduling import clients

profile = Blueprint("profile", __name__, url_prefix="/needs-profile")


def tax_id() -> str:
    return current_citizen().tax_id


@profile.get("")
@login_required
def show():
    return render_page("profile/show.html", page_title=_("Your communication needs"),
                       saved=needs_profile.saved(tax_id()))


@profile.route("/change", methods=["GET", "POST"])
@login_required
def change():
    form = NeedsForm(data=needs_profile.as_answer(needs_profile.saved(tax_id())))
    if form.validate_on_submit():
        needs_profile.keep_or_forget(tax_id(), needs_answer(form), keep=True, saved=None)
        flash(_("We have saved your communication needs for your next booking."), "success")
        return redirect(url_for("profile.show"), code=303)
    return render_page("profile/change.html", page_title=_("Change your communication needs"), form=form)


@profile.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    if request.method == "POST":  # CSRFProtect has checked the token
        clients().needs_profiles.delete_saved(tax_id())
        flash(_("We have deleted your communication needs. Your booked appointments keep the needs you gave "
                "for them."), "success")
        return redirect(url_for("profile.show"), code=303)
    return render_page("profile/delete.html", page_title=_("Delete your communication needs?"))
