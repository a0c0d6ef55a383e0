"""The one place that knows about htmx request headers.

A view calls `render_page(template, **context)`. A plain request gets the whole
page. An htmx request gets only the part it asked for, chosen by the
`HX-Target` header: for a search, the named block of the same template (so one
template serves both, as in contact-app); for a boosted wizard step (target
`main-content`), the layout's short form: the `<title>` (htmx sets
document.title from it), `<main>` and the language switch, which the step
swaps out of band. A history restore (htmx sends no HX-Request for it, see
historyRestoreAsHxRequest in layouts/base.html, and we check its own header
too) and every plain request get the whole page. Because the answer differs by
those headers, every response carries `Vary: HX-Request, HX-Target` so that no
cache hands a fragment to a full load.
"""

from __future__ import annotations

from flask import current_app, make_response, redirect, render_template
from htmx_flask import Htmx, request
from jinja2_fragments.flask import render_block

htmx = Htmx()

# htmx targets we answer with a block of the page template. The target id and
# the block name are the same word, which keeps templates and views in step.
FRAGMENT_TARGETS = frozenset({"search-results", "staff-calls"})
# Boosted steps swap <main> itself (outerHTML, with data-hx-select="#main-content",
# which finds it in the short answer as it would in a whole page).
MAIN_TARGET = "main-content"


def is_htmx_request() -> bool:
    # A history restore wants the whole page, never a fragment.
    return bool(request.htmx) and not request.htmx.history_restore_request


def requested_fragment() -> str | None:
    if not is_htmx_request():
        return None
    target = request.htmx.target
    return target if target in FRAGMENT_TARGETS else None


def is_background_refresh() -> bool:
    """A refresh the page asks for by itself (the staff's list of calls, every minute): not the person
    doing something, so it must not keep their session alive."""
    return is_htmx_request() and request.headers.get("X-Kepweb-Refresh") == "1"


def redirect_whole_page(url: str):
    """Go to `url`: an htmx request is told to load it as a whole page (HX-Redirect), not to swap it
    into the part of the page it was refreshing; any other request gets a 303."""
    if is_htmx_request():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def swaps_main_only() -> bool:
    """An htmx request that replaces <main>: it needs nothing around it."""
    return is_htmx_request() and request.htmx.target == MAIN_TARGET


def _block_for(template: str) -> str | None:
    """The block answering this htmx request, if the template has one."""
    fragment = requested_fragment()
    if not fragment:
        return None
    block = fragment.replace("-", "_")
    blocks = current_app.jinja_env.get_template(template).blocks
    return block if block in blocks else None


def render_page(template: str, status: int = 200, **context):
    block = _block_for(template)
    if block:
        body = render_block(template, block, **context)
    else:
        body = render_template(template, swap_main_only=swaps_main_only(), **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    response.vary.add("HX-Target")
    return response


def init_app(app):
    htmx.init_app(app)
