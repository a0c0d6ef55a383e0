"""Keyboard proof: a full booking with Tab, Shift+Tab, Space, Enter and the arrow
keys alone (and text typed into text fields), in Greek and in English.

After every key, focus is checked: it is on an element, never lost to the
<body> (also right after each htmx swap), on screen, not under anything fixed
(the warnings at the bottom of the screen), and it shows: the element (its
labels, their ::before and ::after) looks different with focus than without it,
in a way that can be seen: its outline, ring (box shadow), background, border,
colour or underline. A style that is there anyway (digigov's buttons always have
a box shadow) is not a focus indicator, nor is a change nobody sees (the offset
of an outline that is not drawn, the colour of a border 0 px wide). The only elements that
take focus without showing it are the headings and <main> that our script or
the skip link move focus to (tabindex="-1", never reached with Tab).

Focus is never trapped: on every page of the booking, Tab goes round the whole
page, every stop once and in the page's order, back to where it began (on the
way out of the page to the browser and back in: Chromium does either); at the
check page Shift+Tab does the same the other way. Shift+Tab also goes back to
an earlier question (the needs, the delivery) and to "Earlier days". The
held-time warning and the idle-session warning take focus, and Tab and
Shift+Tab both leave them.

The module has LiveServices of its own, so that its bookings (one active
booking per citizen and procedure) never meet other modules' ones.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from e2e.conftest import new_context
from e2e.test_booking import HOLD_MINUTES, service_with_a_settable_clock
from e2e.test_sign_in import service_with_short_sessions
from e2e.wizard import CONTACT, REFERENCE, STEP_TITLES, SUBMIT, start_afresh, step_heading
from sandbox.gsis import PASSWORD

pytestmark = pytest.mark.browser

LANGUAGES = ["el", "en"]
CITIZENS = {"el": "eleni", "en": "kostas"}
KEYS = {"Tab", "Shift+Tab", "Space", "Enter", "ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight"}
TEXT_FIELDS = "input[type=text], input[type=email], input[type=tel], input[type=search], input[type=password], " \
              "input:not([type]), textarea"
# Where our script (after a swap) or the skip link puts focus: not a control, so no indicator.
LANDING_POINTS = 'h1[tabindex="-1"], h2[tabindex="-1"], main[tabindex="-1"]'

# Which tab stop an element is: its place in the page; a radio group is one stop.
STOP = """const stop = el => {
  const path = node => node === document.body ? 'body'
      : path(node.parentElement) + '>' + node.tagName.toLowerCase() + ':nth-child('
        + ([...node.parentElement.children].indexOf(node) + 1) + ')';
  return el.type === 'radio' ? `radios ${path(el.form || document.body)} ${el.name}` : path(el);
};
const named = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + [...el.classList].map(c => '.' + c).join('')
    + ` "${(el.textContent || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 40)}"`;"""

# Every stop Tab should reach, in the page's order (no positive tabindex anywhere).
TAB_STOPS = "() => { " + STOP + """
  const stops = [];
  for (const el of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')) {
    if (el.tabIndex < 0 || el.disabled || !el.getClientRects().length
        || getComputedStyle(el).visibility === 'hidden') continue;
    const key = stop(el);
    if (!stops.some(known => known.stop === key)) stops.push({stop: key, name: named(el)});
  }
  return stops;
}"""

# What the focused element is and whether its focus shows, in one look: how the
# element, its labels and their ::before and ::after look with focus and without
# it (focus taken away for a moment and given back, transitions run to their end),
# counting only what can be seen.
FOCUS = "landing => { " + STOP + """
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const transparent = colour => colour === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(colour);
  const drawn = (style, width, colour) => style !== 'none' && style !== 'hidden' && parseFloat(width) > 0
      && !transparent(colour);
  // What of one box can be seen: an outline or a border only when drawn, an underline only when there.
  const seen = style => {
    const v = name => style.getPropertyValue(name);
    const sides = ['top', 'right', 'bottom', 'left'].map(side =>
        drawn(v(`border-${side}-style`), v(`border-${side}-width`), v(`border-${side}-color`))
            ? `${v(`border-${side}-style`)} ${v(`border-${side}-width`)} ${v(`border-${side}-color`)}` : 'none');
    return {
      outline: drawn(v('outline-style'), v('outline-width'), v('outline-color'))
          ? [v('outline-style'), v('outline-width'), v('outline-color'), v('outline-offset')].join(' ') : 'none',
      'box-shadow': v('box-shadow'),
      background: `${v('background-color')} ${v('background-image')}`,
      border: sides.join(' / '),
      color: v('color'),
      underline: v('text-decoration-line') === 'none' ? 'none'
          : [v('text-decoration-line'), v('text-decoration-thickness'), v('text-decoration-color')].join(' '),
    };
  };
  const settle = () => document.getAnimations().forEach(a => { if (a instanceof CSSTransition) a.finish(); });
  const parts = [el, ...(el.labels || [])];
  const look = () => {
    settle();
    const all = {};
    parts.forEach((part, index) => [null, '::before', '::after'].forEach(pseudo => {
      const style = getComputedStyle(part, pseudo);
      if (pseudo && style.getPropertyValue('content') === 'none') return;  // no such box
      Object.entries(seen(style)).forEach(([name, value]) => {
        all[`${index ? 'label' : 'element'}${pseudo || ''} ${name}`] = value;
      });
    }));
    return all;
  };
  const withFocus = look();
  el.blur();
  const withoutFocus = look();
  el.focus({preventScroll: true});
  const restored = document.activeElement === el && JSON.stringify(look()) === JSON.stringify(withFocus);
  const keys = [...new Set([...Object.keys(withFocus), ...Object.keys(withoutFocus)])];
  const changed = keys.filter(key => withFocus[key] !== withoutFocus[key]);
  const rect = el.getBoundingClientRect();
  // The middle of its first line box: a link that wraps has a box wider than its words.
  const line = el.getClientRects()[0] || rect;
  const centre = document.elementFromPoint(
      Math.min(Math.max(line.left + line.width / 2, 0), innerWidth - 1),
      Math.min(Math.max(line.top + line.height / 2, 0), innerHeight - 1));
  return {
    stop: stop(el),
    name: named(el),
    shows: changed.length > 0,
    restored,
    landing: el.matches(landing),
    style: changed.length ? changed.map(key => `${key}: ${withoutFocus[key]} -> ${withFocus[key]}`).join('; ')
        : 'it looks the same with and without focus: ' + JSON.stringify(withFocus),
    // The browser scrolls a focused element into view; nothing fixed may lie over it.
    inView: rect.bottom > 0 && rect.top < innerHeight && rect.right > 0 && rect.left < innerWidth,
    covered: !!centre && !(el.contains(centre) || centre.contains(el)
        || [...(el.labels || [])].some(l => l.contains(centre))),
    coveredBy: centre ? centre.tagName.toLowerCase() + [...centre.classList].map(c => '.' + c).join('') : '',
  };
}"""


class Keyboard:
    """The citizen's keyboard: only the keys of the issue, and after each, focus checked."""

    def __init__(self, page, language):
        self.page, self.language = page, language
        self.titles = STEP_TITLES[language]

    # -- what focus is ----------------------------------------------------------------------

    def focus(self):
        return self.page.evaluate(FOCUS, LANDING_POINTS)

    def check(self, after):
        """Focus is on something, and shows (unless on a landing point), in view, uncovered."""
        focused = self.focus()
        assert focused, f"after {after} focus is lost to the body, on {self.page.url}"
        assert focused["restored"], f"after {after} focus could not be given back to {focused['name']} as it was"
        assert focused["shows"] or focused["landing"], \
            f"after {after} focus does not show on {focused['name']}: {focused['style']}"
        assert focused["inView"], f"after {after} {focused['name']} has focus but is off screen"
        assert not focused["covered"], f"after {after} {focused['name']} has focus under {focused['coveredBy']}"
        return focused

    def is_on(self, selector) -> bool:
        return self.page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)

    # -- keys ---------------------------------------------------------------------------------

    def press(self, key, check_now=True):
        """Not `check_now` when the key sends a form or follows a link that htmx swaps
        in: focus is checked where it lands (`landed`), not in the moment the old part
        is gone; nor when focus may go out to the browser (`next_stop`)."""
        assert key in KEYS, f"{key} is not one of the keys a keyboard user is promised"
        self.page.keyboard.press(key)
        return self.check(key) if check_now else None

    def type(self, text):
        """Text typed into the text field that has focus (never into anything else)."""
        assert self.is_on(TEXT_FIELDS), f"typing {text!r}, but focus is on {self.focus()}"
        self.page.keyboard.type(text)

    def tab_to(self, selector, backwards=False, limit=120):
        for _ in range(limit):
            if self.is_on(selector):
                return
            self.press("Shift+Tab" if backwards else "Tab")
        raise AssertionError(f"{limit} presses never reached {selector}; focus is on {self.focus()}")

    def fill(self, selector, text):
        self.tab_to(selector)
        self.type(text)

    def choose(self, name, value):
        """Tab into a radio group, arrow to `value`, tick it with Space if the arrows did not."""
        self.tab_to(f"input[type=radio][name='{name}']")
        for _ in range(60):
            if self.is_on(f"[value='{value}']"):
                break
            self.press("ArrowDown")
        else:
            raise AssertionError(f"no radio {name}={value}")
        if not self.page.evaluate("document.activeElement.checked"):
            self.press("Space")
        assert self.page.evaluate("document.activeElement.checked"), f"{name}={value} is not ticked"

    def tick(self, selector, backwards=False):
        """Tab (or Shift+Tab) to a checkbox and tick it; returns its label."""
        self.tab_to(selector, backwards)
        self.press("Space")
        assert self.page.evaluate("document.activeElement.checked"), f"{selector} is not ticked"
        return self.page.evaluate("document.activeElement.labels[0].textContent.trim()")

    def landed(self, selector):
        """After a swap, focus is where our script put it (never on the body)."""
        expect(self.page.locator(selector)).to_be_focused()
        self.page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
        return self.check("the swap")

    def submit(self, next_step):
        """Tab to the step's own button, Enter, and land on the next step's heading."""
        self.tab_to(SUBMIT)
        self.press("Enter", check_now=False)
        if next_step:
            expect(self.page.locator("#main-content h1")).to_have_text(step_heading(self.titles[next_step]))
            self.landed("#main-content h1")

    # -- never trapped ------------------------------------------------------------------------

    def next_stop(self, key):
        """`key`, once more if focus went out of the page to the browser (not a trap)."""
        self.press(key, check_now=False)
        if self.focus() is None:
            self.press(key, check_now=False)
        return self.check(key)

    def round_the_page(self, backwards=False):
        """Tab (or Shift+Tab) on until focus comes round to where it began: every stop
        of the page is reached, once each and in the page's order, and shows its focus.
        A loop in a part of the page would come round without the rest: a trap."""
        key = "Shift+Tab" if backwards else "Tab"
        stops = self.page.evaluate(TAB_STOPS)
        assert stops and stops[0]["name"].startswith("a.govgr--skip-link"), (
            f"the skip link is not the first stop: {stops[:1]}")
        order = [stop["stop"] for stop in (stops[::-1] if backwards else stops)]
        names = {stop["stop"]: stop["name"] for stop in stops}
        visited = []
        for _ in range(2 * len(order) + 2):
            focused = self.next_stop(key)
            if visited and focused["stop"] == visited[0]:
                break
            assert focused["stop"] not in visited, f"{key} came back to {focused['name']} before going round " \
                f"the page: trapped in {[names.get(stop, stop) for stop in visited]}"
            visited.append(focused["stop"])
        else:
            raise AssertionError(f"{key} never came round the page: {visited}")
        start = order.index(visited[0])
        assert visited == order[start:] + order[:start], f"{key} went round the page as " \
            f"{[names.get(stop, stop) for stop in visited]}, not {[names[stop] for stop in order]}"

    def leaves(self, container, key):
        """From inside `container`, `key` moves focus out of it (and not to the body)."""
        focused = self.next_stop(key)
        inside = self.page.evaluate("s => !!document.activeElement.closest(s)", container)
        assert not inside, f"{key} in {container} stayed inside it ({focused['name']}): trapped"


# -- the booking ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def service(tmp_path_factory):
    service = service_with_a_settable_clock(tmp_path_factory.mktemp("keyboard") / "scheduling.sqlite3")
    yield service
    service.stop()


def sign_in_with_the_keyboard(keyboard, username, next_path="/book"):
    page = keyboard.page
    page.goto(f"/sign-in?next={next_path}")
    keyboard.fill("#username", username)
    keyboard.fill("#password", PASSWORD)
    with page.expect_navigation():
        keyboard.press("Enter", check_now=False)  # sends the form; the next page loads afresh, focus on nothing yet
    page.wait_for_load_state()
    assert "/oauth2server/" not in page.url, f"sign-in as {username} did not come back: {page.url}"


def hold_warning_is_never_a_trap(keyboard, service):
    """The held time's warning takes focus, shows it, and lets Tab and Shift+Tab out;
    Enter on its button holds the time for longer and gives focus back."""
    page, warning = keyboard.page, "#hold-warning"
    expect(page.locator(warning)).to_be_visible(timeout=10_000)
    expect(page.locator(warning)).to_be_focused()
    keyboard.check("the warning appeared")
    keyboard.press("Tab")
    assert keyboard.is_on(f"{warning} button"), "Tab from the warning does not reach its button"
    keyboard.leaves(warning, "Tab")
    keyboard.press("Shift+Tab")
    assert keyboard.is_on(f"{warning} button"), "Shift+Tab does not come back to the warning's button"
    keyboard.leaves(warning, "Shift+Tab")
    keyboard.press("Tab")
    service.clock.behind = timedelta(0)  # held for a real 10 minutes more
    keyboard.press("Enter", check_now=False)
    expect(page.locator(warning)).to_be_hidden()
    keyboard.landed("#main-content h1")  # back where the citizen was when it appeared


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_full_booking_with_the_keyboard_alone(browser, service, language):
    context = new_context(browser, service.url, language, "mobile")
    page = context.new_page()
    keyboard = Keyboard(page, language)
    sign_in_with_the_keyboard(keyboard, CITIZENS[language])
    h1 = page.locator("#main-content h1")
    expect(h1).to_be_visible()
    if not step_heading(keyboard.titles["category"]).match(h1.inner_text()):  # answers left by an earlier test
        start_afresh(page)
    expect(h1).to_have_text(step_heading(keyboard.titles["category"]))

    keyboard.round_the_page()
    keyboard.choose("category", "information")
    keyboard.submit("procedure")

    keyboard.round_the_page()
    keyboard.fill("#q", "diavatirio")
    expect(page.locator("#main-content input[name=procedure]")).to_have_count(1)
    keyboard.landed("#q")  # the results are swapped in while focus stays in the box
    keyboard.choose("procedure", page.locator("#main-content input[name=procedure]").get_attribute("value"))
    keyboard.submit("municipality")

    keyboard.round_the_page()
    keyboard.fill("#q", "kalamata")
    expect(page.locator("#main-content input[name=municipality]")).to_have_count(2)  # Any KEP, and Kalamata
    keyboard.landed("#q")
    keyboard.choose("municipality", "kalamata")
    keyboard.submit("kep")

    keyboard.round_the_page()
    keyboard.choose("kep", "any")
    keyboard.submit("needs")

    keyboard.round_the_page()
    needs = [keyboard.tick("input[name=needs][value=text_chat]")]
    # Back up to the first question, to ask for one more thing.
    needs.append(keyboard.tick("input[name=needs][value=lip_reading]", backwards=True))
    keyboard.submit("time")

    keyboard.round_the_page()
    # Later days, and back: the list of days changes, focus stays on the link.
    keyboard.tab_to("#later-days")
    keyboard.press("Enter", check_now=False)
    expect(page.locator("#earlier-days")).to_be_visible()
    keyboard.landed("#later-days")
    keyboard.tab_to("#earlier-days", backwards=True)
    keyboard.press("Enter", check_now=False)
    expect(page.locator("#earlier-days")).to_have_count(0)
    keyboard.landed("#days")  # the link pressed is gone: the days it pointed to, not the body
    # The first day with free times, and its first time.
    keyboard.tab_to(".kepweb-days a")
    keyboard.press("Enter", check_now=False)
    expect(page.locator("#main-content input[name=slot]").first).to_be_visible()
    keyboard.landed("#main-content h1")
    keyboard.round_the_page()
    keyboard.tab_to("input[name=slot]")
    assert keyboard.is_on("#slot"), "the first free time of the day is not the first stop in its group"
    keyboard.press("Space")
    # The API holds the time for 100 seconds only: its warning (2 minutes before) comes at once.
    service.clock.behind = timedelta(minutes=HOLD_MINUTES) - timedelta(seconds=100)
    keyboard.tab_to(SUBMIT)
    with page.expect_response(lambda answer: answer.request.method == "POST" and "/book/time" in answer.url):
        keyboard.press("Enter", check_now=False)
    expect(h1).to_have_text(step_heading(keyboard.titles["details"]))
    hold_warning_is_never_a_trap(keyboard, service)

    keyboard.round_the_page()
    assert page.locator("#full_name").input_value(), "the name from Taxisnet is filled in"
    keyboard.fill("#email", f"{CITIZENS[language]}.keyboard@example.com")
    keyboard.fill("#phone", CONTACT["phone"])
    keyboard.choose("contact_preference", "sms")  # right after the phone number it is for
    for field in ("street", "postcode", "town"):
        keyboard.fill(f"#{field}", CONTACT[field])
    keyboard.submit("document")

    keyboard.round_the_page()
    keyboard.choose("id_document", "identity_card")
    keyboard.submit("delivery")

    keyboard.round_the_page()
    keyboard.choose("method", "post")
    keyboard.tab_to(SUBMIT)
    # A change of mind: back up to the first question, by email after all.
    keyboard.tab_to("input[name=method]:checked", backwards=True)
    keyboard.press("ArrowUp")
    assert keyboard.is_on("[value=email]:checked"), "ArrowUp from By post does not tick By email"
    keyboard.submit("check")

    summary = page.locator("#main-content")
    for need in needs:
        expect(summary).to_contain_text(need)
    keyboard.round_the_page()
    keyboard.round_the_page(backwards=True)
    keyboard.submit(None)
    expect(page).to_have_url(re.compile(r"/book/confirmation$"))
    expect(page.locator("#main-content"), "after booking the page has no <main> any more").to_have_count(1)
    expect(page.locator(".kepweb-reference")).to_have_text(REFERENCE)
    keyboard.landed("#main-content h1")
    keyboard.round_the_page()
    context.close()


# -- the idle-session warning ------------------------------------------------------------

@pytest.fixture(scope="module")
def short_sessions(tmp_path_factory):
    service = service_with_short_sessions(tmp_path_factory.mktemp("keyboard-sessions") / "scheduling.sqlite3")
    yield service
    service.stop()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_session_warning_takes_focus_and_never_traps_it(browser, short_sessions, language):
    context = new_context(browser, short_sessions.url, language, "mobile")
    page = context.new_page()
    keyboard = Keyboard(page, language)
    sign_in_with_the_keyboard(keyboard, CITIZENS[language], "/appointments")
    keyboard.tab_to(".kepweb-account__link")  # where the citizen is when the warning comes
    warning = "#session-warning"
    expect(page.locator(warning)).to_be_visible(timeout=15_000)
    expect(page.locator(warning)).to_be_focused()
    keyboard.check("the warning appeared")
    keyboard.press("Tab")
    assert keyboard.is_on(f"{warning} button"), "Tab from the warning does not reach its button"
    # The warning is the page's last stop: Tab goes on (out of the page) to the top.
    keyboard.next_stop("Tab")
    assert keyboard.is_on("a.govgr--skip-link"), f"Tab after the warning did not go on to the top: {keyboard.focus()}"
    # And back the other way: from the top, Shift+Tab comes round to the warning's button.
    keyboard.next_stop("Shift+Tab")
    assert keyboard.is_on(f"{warning} button"), f"Shift+Tab does not come back to the warning: {keyboard.focus()}"
    keyboard.leaves(warning, "Shift+Tab")
    keyboard.press("Tab")
    keyboard.press("Enter", check_now=False)  # stay signed in
    expect(page.locator(warning)).to_be_hidden()
    keyboard.landed(".kepweb-account__link")  # back where the citizen was
    context.close()
