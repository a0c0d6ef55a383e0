"""`Cache-Control: no-store` on every response that shows something personal.

A page a citizen, a member of the KEP staff or an invited guest saw must not
stay in any cache: not in a shared proxy, and not in the browser's, whose Back
button would otherwise show the page again after sign-out on a shared computer
(a KEP's, a library's). A browser does not keep a `no-store` page, so Back asks
the server again and gets the sign-in page instead.

One rule, in one place, so that no new page can forget it: a response is
personal when the session holds a signed-in person or a guest's invitation, or
when its path is under an area whose pages are all personal (a redirect to
sign-in from /appointments says which booking was asked for, a sign-in
callback carries the sign-in's state). Public pages seen by an anonymous
visitor keep what they have. Static files never reach Flask: WhiteNoise serves
them with their long cache (kepweb/static_files.py).
"""

from __future__ import annotations

from flask import request, session

from kepweb.auth.sessions import SESSION_CITIZEN, SESSION_STAFF
from kepweb.guests.views import TOKEN_KEY as GUEST_INVITATION

NO_STORE = "no-store"
# A session holding any of these belongs to someone we know, so every page it is shown says who.
PERSONAL_SESSION_KEYS = (SESSION_CITIZEN, SESSION_STAFF, GUEST_INVITATION)
# Every page under these is about one person (or on the way to knowing who): bookings and their files,
# the booking wizard, the needs profile, the staff area, a guest's join and call pages, sign-in and
# sign-out, and the session's own status.
PERSONAL_AREAS = ("/appointments", "/book", "/needs-profile", "/staff", "/join",
                  "/sign-in", "/sign-out", "/session")


def is_under_personal_area(path: str) -> bool:
    # Whole path segments: /book and /book/..., never a /bookmarks.
    return any(path == area or path.startswith(f"{area}/") for area in PERSONAL_AREAS)


def is_personal_request() -> bool:
    return is_under_personal_area(request.path) or any(key in session for key in PERSONAL_SESSION_KEYS)


def keep_personal_responses_out_of_caches(response):
    # A view that already said no-store (with more, e.g. the call page) keeps its own words. Any other
    # value on a personal response is replaced: send_file's default `no-cache` still lets a browser store it.
    if response.cache_control.no_store or not is_personal_request():
        return response
    response.headers["Cache-Control"] = NO_STORE
    return response


def init_app(app):
    app.after_request(keep_personal_responses_out_of_caches)
