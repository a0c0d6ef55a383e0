"""The one place that knows about htmx request headers.

A view calls `render_page(template, **context)`. A plain request gets the whole
page. An htmx request gets only the part it asked for: the named block of the
same template (so one template serves both, as in contact-app), chosen by the
`HX-Target` header. Because the answer differs by that header, every response
carries `Vary: HX-Request` so that no cache hands a fragment to a full load.
"""

from __future__ import annotations

from flask import current_app, make_response, render_template
from htmx_flask import Htmx, request
from jinja2_fragments.flask import render_block

htmx = Htmx()

# htmx targets we answer with a block of the page template. The target id and
# the block name are the same word, which keeps templates and views in step.
# Boosted steps (target main-content) get the whole page, and htmx keeps the
# <main> element itself with data-hx-select: the block alone has no <main> around it.
FRAGMENT_TARGETS = frozenset({"search-results"})


def is_htmx_request() -> bool:
    # A history restore wants the whole page, never a fragment.
    return bool(request.htmx) and not request.htmx.history_restore_request


def requested_fragment() -> str | None:
    if not is_htmx_request():
        return None
    target = request.htmx.target
    return target if target in FRAGMENT_TARGETS else None


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
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    response.vary.add("HX-Target")
    return response


def init_app(app):
    htmx.init_app(app)
