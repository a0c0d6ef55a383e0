"""Visual proof: what the pages look like to people who see them differently.

At every step and state of the booking wizard (`every_step`), every information
page (STATES of e2e/test_every_page.py) and every page of my appointments
(`area_states`), in Greek and in English, the page is looked at in these ways:

- on a screen 320 CSS px wide: nothing scrolls sideways (WCAG 1.4.10);
- with the text at 200% (WCAG 1.4.4), 360 and 1280 px wide: nothing scrolls
  sideways, no text lies over other text or over a control, nothing is clipped;
- focus, on every element Tab can reach: visible in normal colours, and in
  forced colours as an outline (forced colours drop box shadows and
  backgrounds, which is how digigov draws most of its focus);
- in forced colours, a ticked radio or checkbox looks different from an empty
  one, and every button keeps an edge (without its background it would be words);
- with prefers-reduced-motion: nothing moves, nothing scrolls smoothly.

Each wizard state is also photographed 360 px wide, full page, into
build/screenshots/<language>/<NN>-<state>.png, kept as a test artifact
(test-results/ would not do: pytest-playwright empties it).

One walk per language looks at everything and writes down what is wrong; each
test then reads one check's list. Walking once keeps the module to a few
minutes; the lists keep each failure precise ("wizard/kep-error: ...").

The wizard is walked in a LiveService of this module's own, so that its bookings
(one active booking per citizen and procedure) never meet other modules' ones.
The information pages need the session's `live_service`: only it has the page
that raises, for the 500 page; nothing is booked there.
"""

from __future__ import annotations

import struct
import zlib
from collections import defaultdict
from pathlib import Path

import pytest

from e2e.conftest import new_context
from e2e.test_appointments import area_states, cancel_quietly, upcoming_and_cancelled, wider_than_the_screen
from e2e.test_every_page import STATES
from e2e.wizard import Wizard, every_step, sign_in
from tests.live_service import LiveService

pytestmark = pytest.mark.browser

LANGUAGES = ["el", "en"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
PHONE, NARROWEST, DESKTOP = (360, 740), (320, 640), (1280, 800)

# Who walks the wizard, and the business procedure each walk books.
WALKERS = {"el": ("giorgos", "epimelitirio"), "en": ("nikos", "ergodotis")}

CHECKS = {
    "reflow": "scrolls sideways at 320 CSS px",
    "text-200": "text at 200%",
    "focus": "focus not visible",
    "forced-colours-focus": "focus not visible in forced colours",
    "forced-colours-ticks": "ticked and empty look the same in forced colours",
    "forced-colours-buttons": "a button without an edge in forced colours",
    "reduced-motion": "moves despite prefers-reduced-motion",
}

# -- what the browser is asked ------------------------------------------------------------

# A short description of an element, for failure messages.
DESCRIBE = """const describe = el => !el || !el.tagName ? String(el) :
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + [...el.classList].map(c => '.' + c).join('')
    + (el.textContent.trim() ? ` "${el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40)}"` : '');"""

# Text that lies over other text or over a control, and text clipped by its box.
# Text is measured by its glyph boxes (a Range over each text node), not by its
# element's box: a wrapped link's box is a rectangle that covers its neighbours.
TEXT_PROBLEMS = "() => { " + DESCRIBE + """
  const hidden = el => el.closest('[hidden], .govgr-visually-hidden, script, style, template')
      || getComputedStyle(el).visibility === 'hidden';
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || hidden(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      if (rect.width > 1 && rect.height > 1 && rect.right > 0) boxes.push({rect, node, owner: node.parentElement});
    }
  }
  const controls = [...document.querySelectorAll('input:not([type=hidden]), select, textarea, img, video, meter')]
      .filter(el => !hidden(el) && el.getClientRects().length)
      .map(el => ({rect: el.getBoundingClientRect(), owner: el}));
  // Glyph boxes of neighbouring lines may touch; a real overlap covers a good part of one of them.
  const overlap = (a, b) => {
    const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return width > 2 && height > Math.min(a.height, b.height) * 0.25;
  };
  const found = new Set();
  boxes.forEach((one, i) => {
    for (const other of boxes.slice(i + 1)) {
      if (other.node !== one.node && overlap(one.rect, other.rect)) {
        found.add(`text over text: ${describe(one.owner)} and ${describe(other.owner)}`);
      }
    }
    for (const control of controls) {
      if (!control.owner.contains(one.node) && overlap(one.rect, control.rect)) {
        found.add(`text over a control: ${describe(one.owner)} and ${describe(control.owner)}`);
      }
    }
  });
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    const clips = [style.overflowX, style.overflowY].some(value => value === 'hidden' || value === 'clip');
    if (!clips || hidden(el) || el.clientWidth <= 1 || el.clientHeight <= 1 || !el.textContent.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      found.add(`clipped: ${describe(el)}`
          + ` (${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight})`);
    }
  }
  return [...found];
}"""

# Every element Tab can reach, focused in turn: is its focus visible, and does
# focus change how it looks? `forced`: forced colours keep only outlines.
FOCUS_PROBLEMS = "forced => { " + DESCRIBE + """
  const tabbable = [...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
    .filter(el => !el.disabled && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
  const transparent = colour => colour === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(colour);
  const look = el => { const s = getComputedStyle(el);
    return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1 && !transparent(s.outlineColor),
            shadow: s.boxShadow !== 'none', background: s.backgroundColor,
            signature: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor,
                        s.color, s.textDecorationLine, s.borderColor].join('|')}; };
  const before = document.activeElement;
  const found = [];
  for (const el of tabbable) {
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    const unfocused = look(el);
    el.focus();
    if (document.activeElement !== el) { found.push(`cannot take focus: ${describe(el)}`); continue; }
    const focused = look(el);
    // digigov's focus: a yellow block (links), a ring (box shadow) or an outline.
    const indicator = forced ? focused.outline
        : focused.outline || focused.shadow || focused.background === 'rgb(255, 221, 0)';
    if (!indicator || focused.signature === unfocused.signature) {
      found.push(`${describe(el)}: ${focused.signature}`);
    }
  }
  if (before && before.focus) before.focus();
  return {found, count: tabbable.length};
}"""

# Buttons without a border: in forced colours, where backgrounds go, just words.
BUTTONS_WITHOUT_EDGES = "() => { " + DESCRIBE + """
  return [...document.querySelectorAll('button, .govgr-btn, input[type=submit], input[type=button]')]
    .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .filter(el => { const s = getComputedStyle(el);
      return ['Top', 'Right', 'Bottom', 'Left'].some(side =>
          s[`border${side}Style`] === 'none' || parseFloat(s[`border${side}Width`]) < 1); })
    .map(describe);
}"""

# Anything that moves, or would move, with prefers-reduced-motion set.
MOTION = "() => { " + DESCRIBE + """
  const longest = value => Math.max(0, ...value.split(',').map(part =>
      part.trim().endsWith('ms') ? parseFloat(part) / 1000 : parseFloat(part)).filter(n => !isNaN(n)));
  const found = document.getAnimations().filter(a => a.playState === 'running')
      .map(a => `running animation on ${describe(a.effect && a.effect.target)}`);
  for (const el of [document.documentElement, ...document.body.querySelectorAll('*')]) {
    for (const pseudo of [null, '::before', '::after']) {
      const s = getComputedStyle(el, pseudo);
      const name = describe(el) + (pseudo || '');
      if (s.transitionProperty !== 'none' && longest(s.transitionDuration) > 0.01)
        found.push(`transition ${s.transitionDuration} on ${name}`);
      if (s.animationName !== 'none' && longest(s.animationDuration) > 0.01)
        found.push(`animation ${s.animationDuration} on ${name}`);
      if (s.scrollBehavior === 'smooth') found.push(`smooth scrolling on ${name}`);
    }
  }
  return found;
}"""

# Parts of digigov that move (a transition, a spinning loader, smooth scrolling).
# None is on our pages yet; added for a moment, they show that the check sees
# motion and that prefers-reduced-motion stops it, for the day one is used.
MOVING_PARTS = ["govgr-burger-icon", "govgr-loader", "govgr-tabs"]
ADD_MOVING_PARTS = """names => names.forEach(name => {
  const part = document.createElement('div');
  part.className = name;
  part.dataset.movingPart = '';
  part.textContent = name;
  document.body.append(part);
})"""
REMOVE_MOVING_PARTS = "() => document.querySelectorAll('[data-moving-part]').forEach(part => part.remove())"

SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
SETTLED = ("() => document.readyState === 'complete'"
           " && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


# -- PNG, without Pillow (not a dependency of the project) ---------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes):
    assert data.startswith(PNG_SIGNATURE), "not a PNG"
    position = len(PNG_SIGNATURE)
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        yield kind, data[position + 8:position + 8 + length]
        position += 12 + length


def png_size(data: bytes) -> tuple[int, int]:
    kinds = [kind for kind, _ in png_chunks(data)]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds, kinds
    header = next(chunk for kind, chunk in png_chunks(data) if kind == b"IHDR")
    return struct.unpack(">II", header[:8])


def png_pixels(data: bytes) -> list[list[bytes]]:
    """The pixels, row by row, of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    chunks = list(png_chunks(data))
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunk for kind, chunk in chunks if kind == b"IDAT"))
    stride, rows, previous = width * step, [], bytearray(width * step)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - step] if x >= step else 0
            up, up_left = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - up_left
                nearest = min((abs(guess - left), 0, left), (abs(guess - up), 1, up),
                              (abs(guess - up_left), 2, up_left))
                line[x] = (line[x] + nearest[2]) & 0xFF
        rows.append([bytes(line[x:x + step]) for x in range(0, stride, step)])
        previous = line
    return rows


def pixels_that_differ(one: bytes, other: bytes) -> int:
    """Of two photographs of the same size."""
    rows_one, rows_other = png_pixels(one), png_pixels(other)
    assert len(rows_one) == len(rows_other) and len(rows_one[0]) == len(rows_other[0]), "not the same size"
    return sum(a != b for row_one, row_other in zip(rows_one, rows_other, strict=True)
               for a, b in zip(row_one, row_other, strict=True))


# -- looking at a page ---------------------------------------------------------------------

class Findings:
    """What the checks found, per check and per place ("wizard/kep-error")."""

    def __init__(self, language):
        self.language = language
        self.places: list[str] = []
        self.problems = {check: defaultdict(list) for check in CHECKS}
        self.looked = defaultdict(int)  # check -> places it ran on
        self.ticks_compared: list[str] = []
        self.screenshots: dict[str, Path] = {}

    def note(self, check, place, found):
        self.looked[check] += 1
        if found:
            self.problems[check][place].extend(found)

    def assert_none(self, check):
        assert self.looked[check] == len(self.places) > 0, f"{check} ran on {self.looked[check]} of {self.places}"
        problems = self.problems[check]
        assert not problems, f"{CHECKS[check]} ({self.language}):\n" + "\n".join(
            f"  {place}: {found}" for place, found in problems.items())


def settle(page):
    page.wait_for_load_state("load")
    page.wait_for_function(SETTLED)
    page.evaluate("document.fonts.ready.then(() => true)")


def sideways(page):
    return [f"scrolls sideways: {wider_than_the_screen(page)}"] if page.evaluate(SCROLLS_SIDEWAYS) else []


def at_320_px(page):
    page.set_viewport_size(dict(zip(("width", "height"), NARROWEST, strict=True)))
    return sideways(page)


def with_text_at_200_percent(page):
    # Not a stylesheet: the Content-Security-Policy refuses those (rightly). The CSSOM is allowed.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    found = []
    for width, height in (PHONE, DESKTOP):
        page.set_viewport_size({"width": width, "height": height})
        found += [f"{width} px: {problem}" for problem in sideways(page) + page.evaluate(TEXT_PROBLEMS)]
    page.evaluate("document.documentElement.style.fontSize = ''")
    return found


def focus(page, forced):
    answer = page.evaluate(FOCUS_PROBLEMS, forced)
    assert answer["count"] > 0, "nothing on the page takes focus"
    return answer["found"]


def ticks_look_different(page):
    """In forced colours, a radio or checkbox, empty and then ticked, photographed.

    Set through the DOM and put back, so that the walk's answers stay as they were."""
    box = page.locator("#main-content input[type=radio], #main-content input[type=checkbox]").first
    if not box.count() or not box.is_visible():
        return None
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no focus ring in the photo
    was = box.evaluate("input => input.checked")
    box.evaluate("input => { input.checked = false; }")
    empty = box.screenshot(animations="disabled")
    box.evaluate("input => { input.checked = true; }")
    ticked = box.screenshot(animations="disabled")
    box.evaluate("(input, was) => { input.checked = was; }", was)
    differ = pixels_that_differ(empty, ticked)
    # A tick or dot covers far more than a few anti-aliased pixels.
    return [] if differ >= 50 else [f"{differ} pixels differ between empty and ticked"]


def reduced_motion(page):
    page.evaluate(ADD_MOVING_PARTS, MOVING_PARTS)
    try:
        moving = page.evaluate(MOTION)  # no preference yet: digigov's parts move
        page.emulate_media(reduced_motion="reduce")
        found = page.evaluate(MOTION)
    finally:
        page.emulate_media(reduced_motion="no-preference")
        page.evaluate(REMOVE_MOVING_PARTS)
    for kind in ("transition", "running animation", "smooth scrolling"):
        if not any(line.startswith(kind) for line in moving):
            found.append(f"the check saw no {kind} even without the preference: {moving}")
    return found


def look_at(page, findings: Findings, place, screenshot: Path | None = None):
    """Every check on the page as it is, leaving it as it was (the walk goes on from it)."""
    settle(page)
    findings.places.append(place)
    if screenshot:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=screenshot, full_page=True, animations="disabled")
        findings.screenshots[place] = screenshot
    findings.note("reflow", place, at_320_px(page))
    findings.note("text-200", place, with_text_at_200_percent(page))
    page.set_viewport_size(dict(zip(("width", "height"), PHONE, strict=True)))
    findings.note("focus", place, focus(page, forced=False))
    page.emulate_media(forced_colors="active")
    try:
        findings.note("forced-colours-focus", place, focus(page, forced=True))
        findings.note("forced-colours-buttons", place, page.evaluate(BUTTONS_WITHOUT_EDGES))
        ticks = ticks_look_different(page)
        if ticks is not None:
            findings.ticks_compared.append(place)
            if ticks:
                findings.problems["forced-colours-ticks"][place].extend(ticks)
    finally:
        page.emulate_media(forced_colors="none")
    findings.note("reduced-motion", place, reduced_motion(page))


# -- the walks -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("visual") / "scheduling.sqlite3", {"PROPAGATE_EXCEPTIONS": False})
    yield service
    service.stop()


@pytest.fixture(scope="module")
def maria_bookings(service):
    upcoming, cancelled = upcoming_and_cancelled(service)
    yield upcoming, cancelled
    cancel_quietly(service, "maria", upcoming.reference)


def walk_the_wizard(browser, service, findings, tmp_path):
    user, query = WALKERS[findings.language]
    context = new_context(browser, service.url, findings.language)
    page = context.new_page()
    sign_in(page, user)
    wizard = Wizard(page, findings.language, strict=False)  # the checks move focus between states
    folder = SCREENSHOTS / findings.language
    for old in folder.glob("*.png"):  # only this run's photographs
        old.unlink()
    for number, state in enumerate(every_step(wizard, query, tmp_path), start=1):
        look_at(page, findings, f"wizard/{state}", folder / f"{number:02d}-{state}.png")
    context.close()


def walk_the_information_pages(browser, live_service, service_without_api, findings):
    language = findings.language
    context = new_context(browser, live_service.url, language)
    context.add_cookies([{"name": "kepweb_lang", "value": language, "url": service_without_api.url}])
    page = context.new_page()
    states = dict(STATES, **{
        "service-unavailable": lambda page, _base: page.goto(f"{service_without_api.url}/municipalities")})
    for state, reach in states.items():
        reach(page, live_service.url)
        look_at(page, findings, f"pages/{state}")
    context.close()


def walk_my_appointments(browser, service, bookings, findings):
    context = new_context(browser, service.url, findings.language)
    page = context.new_page()
    for state in area_states(page, service, *bookings):
        look_at(page, findings, f"appointments/{state}")  # inside the state's clock
    context.close()


@pytest.fixture(scope="module", params=LANGUAGES)
def findings(request, browser, service, live_service, service_without_api, maria_bookings, tmp_path_factory):
    findings = Findings(request.param)
    walk_the_wizard(browser, service, findings, tmp_path_factory.mktemp(f"uploads-{request.param}"))
    walk_the_information_pages(browser, live_service, service_without_api, findings)
    walk_my_appointments(browser, service, maria_bookings, findings)
    return findings


# -- the tests -----------------------------------------------------------------------------

def test_nothing_scrolls_sideways_at_320_css_px(findings):
    findings.assert_none("reflow")


def test_text_at_200_percent_neither_scrolls_sideways_nor_overlaps_nor_is_clipped(findings):
    findings.assert_none("text-200")


def test_focus_is_visible_on_everything_tab_reaches(findings):
    findings.assert_none("focus")


def test_forced_colours_keep_focus_visible_as_an_outline(findings):
    findings.assert_none("forced-colours-focus")


def test_forced_colours_keep_an_edge_round_every_button(findings):
    findings.assert_none("forced-colours-buttons")


def test_forced_colours_show_which_radio_or_checkbox_is_ticked(findings):
    wizard_steps_with_choices = [place for place in findings.ticks_compared if place.startswith("wizard/")]
    assert len(wizard_steps_with_choices) >= 8, findings.ticks_compared  # category, business, procedure, ...
    problems = findings.problems["forced-colours-ticks"]
    assert not problems, "\n".join(f"  {place}: {found}" for place, found in problems.items())


def test_reduced_motion_is_honoured(findings):
    findings.assert_none("reduced-motion")


def test_every_wizard_step_is_photographed_360_px_wide(findings):
    wizard_states = [place for place in findings.places if place.startswith("wizard/")]
    assert set(findings.screenshots) == set(wizard_states) and len(wizard_states) > 30
    for place, path in findings.screenshots.items():
        width, height = png_size(path.read_bytes())
        assert width == PHONE[0] and height >= PHONE[1], (place, width, height)
