"""What a screen reader says on a page: @guidepup/virtual-screen-reader in the browser.

The reader is bundled by scripts/build-screen-reader into e2e/vendor/ (committed:
the tests need no Node). It goes through the accessibility tree as a screen
reader does and says each item as a phrase: "heading, Step 3 of 9 Choose the
procedure, level 1", "textbox, Full name, As it appears on your identity
document.", and what a live region announces as "polite: 3 procedures found".

Our Content-Security-Policy refuses inline scripts, so `add_script_tag` cannot
load the bundle. `page.evaluate` runs through DevTools, which the policy does
not govern, so the reader sees the page with its real policy (no `bypass_csp`).

    read_page(page)       the whole page, item by item from the top to the end
    listen(page)          start the reader where the page is now, then act
                          (click, type, submit) ...
    heard(page)           ... and get what it has said since: focus moves and
                          live-region announcements; None after a full page load
    listening(page)       whether it still listens (a full page load ends it)
    read_on(page)         go on reading from where the reader is (focus takes it along)
    press(page, "Tab")    a key pressed through the reader; what it said
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from playwright.sync_api import Page

BUNDLE = Path(__file__).parent / "vendor" / "virtual-screen-reader.js"

# A page has a few hundred items; more means the reader is going round in circles.
MOST_ITEMS = 3000

# Reads on with `next()` until the reader comes back to <body>, where it began:
# it says <body> first ("document") and last ("end of document").
_READ_TO_THE_END = """async (mostItems) => {
    const reader = VirtualScreenReader.virtual, said = (await reader.spokenPhraseLog()).length;
    for (let item = 0; item < mostItems; item++) {
        await reader.next();
        if (reader.activeNode === document.body) {
            return (await reader.spokenPhraseLog()).slice(said, -1);
        }
    }
    throw new Error(`no end of the page after ${mostItems} items`);
}"""


@cache
def _bundle_source() -> str:
    return BUNDLE.read_text(encoding="utf-8")


def normalise(text: str | None) -> str:
    """Whitespace as a screen reader says it: a run of it is one space, and none inside brackets.
    The reader's name computation puts a space around an inline element's words ("number ( ΑΦΜ )"
    for `number (<span lang="el">ΑΦΜ</span>)`), where browsers add none: both are said alike."""
    spaced = re.sub(r"\s+", " ", text or "").strip()
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", spaced))


def _load(page: Page):
    """Load the reader once per document: htmx swaps keep it, a full page load loses it."""
    if not page.evaluate("() => Boolean(window.VirtualScreenReader)"):
        page.evaluate(_bundle_source())


def _start(page: Page):
    _load(page)
    page.evaluate("""async () => {
        const reader = VirtualScreenReader.virtual;
        if (window.kepwebReaderListening) { await reader.stop(); }
        await reader.start({container: document.body});
        window.kepwebReaderListening = true;
        window.kepwebReaderHeardFrom = (await reader.spokenPhraseLog()).length;
    }""")


def _stop(page: Page):
    page.evaluate("""async () => {
        if (window.kepwebReaderListening) {
            window.kepwebReaderListening = false;
            await VirtualScreenReader.virtual.stop();
        }
    }""")


def read_page(page: Page) -> list[str]:
    """Everything the reader says from the top of <body> to its end; the reader stops after."""
    _start(page)
    try:
        return page.evaluate(_READ_TO_THE_END, MOST_ITEMS)
    finally:
        _stop(page)


def listen(page: Page):
    """Start the reader at the top of the page; `heard` tells what it says from here on."""
    _start(page)


def listening(page: Page) -> bool:
    """Whether the reader started by `listen` is still on: a full page load ends it."""
    return page.evaluate("() => Boolean(window.kepwebReaderListening)")


def heard(page: Page) -> list[str] | None:
    """What the reader has said since `listen` (it goes on listening), or None
    if a full page load has ended it. Timers already due run first, so that an
    announcement made twice at once is heard twice."""
    return page.evaluate("""async () => {
        if (!window.kepwebReaderListening) { return null; }
        await new Promise((resolve) => window.setTimeout(resolve, 0));
        return (await VirtualScreenReader.virtual.spokenPhraseLog()).slice(window.kepwebReaderHeardFrom);
    }""")


def read_on(page: Page) -> list[str]:
    """Read on from the reader's item (where focus took it) to the end of the page."""
    if not listening(page):
        raise AssertionError("read_on() reads on from where listen() left the reader: call listen() first")
    return page.evaluate(_READ_TO_THE_END, MOST_ITEMS)


def press(page: Page, key: str) -> list[str]:
    """Press `key` ("Tab", "Shift+Tab", "Enter") through the reader; what it said.

    The reader presses it where it is, so `listen` first: that is the top of the page."""
    if not listening(page):
        raise AssertionError("press() presses where listen() left the reader: call listen() first")
    return page.evaluate("""async (key) => {
        const reader = VirtualScreenReader.virtual, said = (await reader.spokenPhraseLog()).length;
        await reader.press(key);
        return (await reader.spokenPhraseLog()).slice(said);
    }""", key)


def said_together(phrases: list[str], name: str, *notes: str) -> bool:
    """Whether one phrase says the field's `name` (its label or legend) with all
    its `notes` (hints, errors) and is more than any one of them: a field with its
    label, hint and error, not a label or a paragraph read alone.

    A field without a name is never said together: there is nothing to say it by
    (an empty label, or a hint that belongs to no field, is a fault, not a pass)."""
    name = normalise(name)
    if not name:
        return False
    wanted = [name] + [normalise(note) for note in notes if normalise(note)]
    return any(
        all(text in phrase for text in wanted) and phrase not in wanted
        for phrase in map(normalise, phrases)
    )


def said_as(phrases: list[str], role: str, text: str) -> bool:
    """Whether a phrase says `text` as an item of `role` ("heading", "link")."""
    return any(phrase.startswith(f"{role}, ") and normalise(text) in phrase for phrase in map(normalise, phrases))
