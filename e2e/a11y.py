"""axe-core through axe-playwright-python, with the rule sets we promise."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_22_AA_AND_BEST_PRACTICE = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_axe = Axe()


def wait_until_settled(page):
    """Check the page as the citizen sees it: loaded, styled, fonts in place. A
    check during a navigation sees an unstyled page (white text on white)."""
    # A function, not a bare expression: Playwright re-checks a bare string with
    # eval, which our Content-Security-Policy (rightly) refuses.
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.readyState === 'complete' && !document.querySelector('.htmx-request')")
    page.evaluate("document.fonts.ready.then(() => true)")


def axe_results(page) -> dict:
    """axe-core's full answer (violations with their nodes, the version, ...)."""
    wait_until_settled(page)
    return _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA_AND_BEST_PRACTICE}}).response


def axe_violations(page) -> list[str]:
    results = axe_results(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results["violations"]
    ]


def collect_console_errors(page) -> list[tuple[str, str]]:
    """The page's console errors from now on, each with the URL it is about (for
    "Failed to load resource", the resource that failed). Clear the list between states."""
    errors: list[tuple[str, str]] = []
    page.on("console", lambda message: errors.append((message.text, (message.location or {}).get("url", "")))
            if message.type == "error" else None)
    return errors


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def unexpected_console_errors(page, scripts, console_errors) -> list[str]:
    """Every console error but two that are meant to be: the page itself answered
    with an error status (the 404, 500, 503 and 400 pages), and, with our scripts
    blocked (`scripts` False), the scripts we blocked. A stylesheet, a font, an
    image or a script that fails to load is a finding."""
    found = []
    for text, url in console_errors:
        if "Failed to load resource" in text:
            if url and _without_fragment(url) == _without_fragment(page.url):
                continue  # the error page itself
            if not scripts and "ERR_FAILED" in text and url.split("?", 1)[0].endswith(".js"):
                continue  # a script we blocked on purpose
        found.append(f"console error: {text}" + (f" ({url})" if url else ""))
    return found


# Every text node with a Greek letter whose nearest `lang` is not Greek (the title included):
# what a screen reader would read with the page's English voice. A textarea holds the
# citizen's own typing, a value like an input's.
_GREEK_WITHOUT_LANG = """() => {
  const greek = /[\u0370-\u03ff\u1f00-\u1fff]/;
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!greek.test(node.data) || ["SCRIPT", "STYLE", "TEMPLATE", "TEXTAREA"].includes(parent.tagName)) continue;
    const marked = parent.closest("[lang]");
    if (!marked || !marked.lang.startsWith("el")) found.push(node.data.trim().replace(/\\s+/g, " "));
  }
  return found;
}"""


def greek_without_lang(page) -> list[str]:
    return page.evaluate(_GREEK_WITHOUT_LANG)


def page_problems(page, language, scripts, console_errors) -> list[str]:
    """What every page must be in a browser: no axe violation, one h1, the right
    <html lang>, no Greek words on an English page without `lang="el"`, no sideways
    scrolling, no console error (but those `unexpected_console_errors` expects).
    `console_errors` comes from `collect_console_errors`."""
    found = axe_violations(page)
    if language == "en":
        found += [f"Greek without lang=el: {text!r}" for text in greek_without_lang(page)]
    if page.locator("h1").count() != 1:
        found.append("not exactly one h1")
    if page.evaluate("document.documentElement.lang") != language:
        found.append("wrong <html lang>")
    if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
        found.append("scrolls sideways")
    return found + unexpected_console_errors(page, scripts, console_errors)
