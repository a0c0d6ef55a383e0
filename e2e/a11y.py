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


def page_problems(page, language, scripts, console_errors) -> list[str]:
    """What every page must be in a browser: no axe violation, one h1, the right
    <html lang>, no sideways scrolling, no console error (a 4xx/5xx page is meant to be one)."""
    found = axe_violations(page)
    if page.locator("h1").count() != 1:
        found.append("not exactly one h1")
    if page.evaluate("document.documentElement.lang") != language:
        found.append("wrong <html lang>")
    if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
        found.append("scrolls sideways")
    found += [error for error in console_errors if "Failed to load resource" not in error
              and not (not scripts and "ERR_FAILED" in error)]
    return found
