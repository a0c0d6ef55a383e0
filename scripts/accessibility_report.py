"""The accessibility report: every page and state of the service, in Greek and
English, checked by axe-core, pa11y with HTML_CodeSniffer, the Nu HTML Checker
and Lighthouse; a table of pages × checks written to docs/accessibility-report.md.

    bash scripts/accessibility-report     (installs the checkers, then runs this)

A browser walks the embedded default as a citizen would, on a 360 px phone with
JavaScript on, and stops at each state: a form with its errors, a warning on
screen, a page at a given time of the controllable clock. Many of these cannot
be reached again by a URL, so every checker looks at the page where the walk
left it: axe-core through Playwright; pa11y and Lighthouse (snapshot mode)
through tools/a11y/check-pages.mjs, connected to the same Chromium; the Nu HTML
Checker reads the page's markup as it is then. The walks are the browser tests'
own (e2e/), so the report and the tests see the same states.

Before any walk, a control page made with known faults is checked by every
checker: if one of them finds nothing there, it is not working, its zeros would
prove nothing, and the script stops (exit status 1) without writing the report.

Without JavaScript the pages are checked by the browser tests (axe-core on every
page and state with our scripts blocked).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from e2e.a11y import axe_results, wait_until_settled  # noqa: E402
from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, VIEWPORTS, add_failing_route, new_context  # noqa: E402
from e2e.test_appointments import area_states, upcoming_and_cancelled  # noqa: E402
from e2e.test_booking import A11Y_QUERIES, A11Y_USERS, service_with_a_settable_clock, take_a_time  # noqa: E402
from e2e.test_every_page import STATES as INFORMATION_PAGES  # noqa: E402
from e2e.test_sign_in import flow_states, service_with_short_sessions, sign_in_at_provider  # noqa: E402
from e2e.wizard import Wizard, every_step, sign_in  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.live_service import LiveService  # noqa: E402

CHECKERS = ROOT / "tools" / "a11y"
VNU_JAR = CHECKERS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = ("el", "en")
CONTROL = "control-page-with-known-faults"

# A page made to fail, checked first: if a checker finds nothing here, it is not
# working, and its zeros elsewhere would prove nothing.
KNOWN_FAULTS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title></title></head>
<body><main><img src="/static/images/favicon.svg">
<label>Name</label><input type="text" id="twice"><input type="checkbox" id="twice">
<a href="/"></a><p made-up-attribute="yes">Text</p></main></body></html>
"""
VIEWPORT = VIEWPORTS["mobile"]


@dataclass
class Result:
    """What each checker found on one state in one language."""

    state: str
    language: str
    path: str
    axe: list[str] = field(default_factory=list)
    pa11y: list[str] = field(default_factory=list)
    nu: list[str] = field(default_factory=list)
    lighthouse_score: int | None = None
    lighthouse: list[str] = field(default_factory=list)
    error: str | None = None


class Checkers:
    """Runs every checker on the page where a walk stopped."""

    def __init__(self, devtools_url: str, markup_folder: Path):
        self.markup_folder = markup_folder
        self.results: list[Result] = []
        self.markup: dict[int, Path] = {}  # id(result): the file its markup was kept in
        self.node = subprocess.Popen(
            ["node", str(CHECKERS / "check-pages.mjs"), devtools_url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=CHECKERS,
        )
        self.axe_version = "?"

    def check(self, page, state: str, language: str):
        wait_until_settled(page)
        # The path without the origin, and without a booking's reference (new at every run).
        path = re.sub(r"KEP-[2-9A-Z]{4}-[2-9A-Z]{4}", "KEP-…", re.sub(r"^https?://[^/]+", "", page.url))
        result = Result(state, language, path)
        axe = axe_results(page)
        self.axe_version = axe.get("testEngine", {}).get("version", self.axe_version)
        result.axe = [f"{violation['id']}: {violation['help']} ({', '.join(map(str, node['target']))})"
                      for violation in axe["violations"] for node in violation["nodes"]]
        self._keep_markup(page, result)
        answer = self._ask_node(page)
        if "error" in answer:
            result.error = answer["error"].splitlines()[0]
        else:
            result.pa11y = [f"{issue['code']}: {issue['message']} ({issue['selector']})" for issue in answer["pa11y"]]
            result.lighthouse_score = answer["lighthouse"]["score"]
            result.lighthouse = [f"{audit['id']}: {audit['title']}" for audit in answer["lighthouse"]["failed"]]
        self.results.append(result)
        print(f"  {language} {state}: axe {len(result.axe)}, pa11y {len(result.pa11y)}, "
              f"Lighthouse {result.lighthouse_score}{' ERROR ' + result.error if result.error else ''}", flush=True)
        return result

    def _keep_markup(self, page, result: Result):
        # The markup as it is now (after htmx swaps), for the Nu checker at the end.
        path = self.markup_folder / f"{len(self.results):03d}-{result.language}-{result.state}.html"
        path.write_text(page.content(), encoding="utf-8")
        self.markup[id(result)] = path

    def _ask_node(self, page) -> dict:
        token = f"check-{len(self.results)}-{time.monotonic_ns()}"
        page.evaluate("token => { window.kepwebA11yCheck = token; }", token)
        self.node.stdin.write(json.dumps({"token": token, "viewport": VIEWPORT}) + "\n")
        self.node.stdin.flush()
        return json.loads(self.node.stdout.readline())

    def close(self):
        self.node.stdin.close()
        self.node.wait(timeout=30)

    def check_markup_with_nu(self, results: list[Result] | None = None):
        """One run of the Nu HTML Checker over the markup kept on the way (of `results`, or of every page)."""
        results = self.results if results is None else results
        if not results:
            return
        files = {self.markup[id(result)].name: result for result in results}
        completed = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", "--also-check-svg",
             *sorted(str(self.markup_folder / name) for name in files)],
            capture_output=True, text=True, check=True,
        )
        by_file = defaultdict(list)
        for message in json.loads(completed.stderr or completed.stdout)["messages"]:
            kind = "warning" if message.get("subType") == "warning" else message["type"]
            if kind in {"error", "warning"}:
                by_file[Path(message["url"].removeprefix("file:")).name].append(f"{kind}: {message['message']}")
        for name, result in files.items():
            result.nu = by_file.get(name, [])


# -- the walks: each brings a page to one state after another -------------------------------

def information_pages(context, services, _language):
    page = context.new_page()
    for name, reach in INFORMATION_PAGES.items():
        reach(page, services.main.url)
        yield page, name
    page.goto(f"{services.without_api.url}/municipalities")
    yield page, "service-unavailable"


def sign_in_flow(context, services, _language):
    page = context.new_page()
    for name in flow_states(page, services.main.url):
        yield page, name


def booking_wizard(context, services, language):
    page = context.new_page()
    sign_in(page, A11Y_USERS[language])
    wizard = Wizard(page, language, scripts=True, strict=False)
    with tempfile.TemporaryDirectory() as uploads:
        for name in every_step(wizard, A11Y_QUERIES[(language, "js-on")], Path(uploads)):
            yield page, f"book-{name}"


def held_time(context, services, language):
    """The warning two minutes before a held time is released, and its release."""
    page = context.new_page()
    sign_in(page, "kostas")
    wizard = Wizard(page, language, scripts=True, strict=False)
    wizard.to_the_time_step()
    take_a_time(wizard, 100, services.clock)
    expect(page.locator("#hold-warning")).to_be_visible(timeout=10_000)
    yield page, "book-hold-warning"
    page.goto("/book/time")
    take_a_time(wizard, 3, services.clock, then=None)
    wizard.expect_step("time")
    expect(page.locator(".govgr-notification-banner[role=alert]")).to_be_visible()
    yield page, "book-hold-released"


def my_appointments(context, services, language):
    page = context.new_page()
    upcoming, cancelled = services.bookings[language]
    for name in area_states(page, services.main, upcoming, cancelled):
        yield page, f"appointments-{name}"


def session_timeout(context, services, _language):
    """The warning before a signed-in session ends for want of activity."""
    page = context.new_page()
    page.goto(f"{services.short_sessions.url}/sign-in?next=/appointments")
    sign_in_at_provider(page, "nikos", None)
    expect(page.locator("#session-warning")).to_be_visible(timeout=15_000)
    yield page, "session-timeout-warning"


WALKS = [information_pages, sign_in_flow, booking_wizard, held_time, my_appointments, session_timeout]


class ControlNotCaught(Exception):
    """A checker found nothing on the page with known faults: it is not working."""


def check_the_control_page(browser, services, checkers) -> Result:
    """The page with known faults, checked by every checker before anything else."""
    language = LANGUAGES[0]
    print(f"{language}: the control page with known faults", flush=True)
    context = new_context(browser, services.main.url, language)
    try:
        page = context.new_page()
        page.goto(f"{services.main.url}/a11y/known-faults")
        control = checkers.check(page, CONTROL, language)
    finally:
        context.close()
    checkers.check_markup_with_nu([control])
    print(control_line(control), flush=True)
    asleep = [checker for checker, caught in control_is_caught([control]).items() if not caught]
    if asleep:
        raise ControlNotCaught(f"these checkers found nothing on the page with known faults: {', '.join(asleep)} "
                               f"({control_counts(control)}{'; ' + control.error if control.error else ''}); "
                               "they are not working, so no report is written")
    return control


# -- the services the walks need -------------------------------------------------------------

class Services:
    """The embedded default three times: as it runs, with a scheduling API that does not
    answer (the 503 page), and with 2-minute sessions (the idle warning)."""

    def __init__(self, folder: Path):
        self.main = service_with_a_settable_clock(folder / "main.sqlite3", {"PROPAGATE_EXCEPTIONS": False})
        self.clock = self.main.clock
        add_failing_route(self.main.frontend)
        self.main.frontend.add_url_rule("/a11y/known-faults", "known_faults", lambda: KNOWN_FAULTS)
        self.without_api = LiveService(folder / "down.sqlite3",
                                       {"SCHEDULING_API_URL": f"http://127.0.0.1:{free_port()}/v1"})
        self.short_sessions = service_with_short_sessions(folder / "short.sqlite3")
        # Maria's appointments in each language: one upcoming, one cancelled.
        self.bookings = {language: upcoming_and_cancelled(self.main, "maria", procedures)
                         for language, procedures in {"el": ("birth-allowance", "maternity-benefit"),
                                                      "en": ("child-benefit", "housing-allowance")}.items()}

    def stop(self):
        for service in (self.main, self.without_api, self.short_sessions):
            service.stop()


# -- the report ------------------------------------------------------------------------------

def run(only: str | None) -> tuple[list[Result], dict]:
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        scratch = Path(scratch)
        (scratch / "markup").mkdir()
        services = Services(scratch)
        port = free_port()
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=[*CHROMIUM_FLAGS, f"--remote-debugging-port={port}"])
        checkers = Checkers(f"http://127.0.0.1:{port}", scratch / "markup")
        try:
            control = check_the_control_page(browser, services, checkers)
            for language in LANGUAGES:
                for walk in WALKS:
                    if only and only not in walk.__name__:
                        continue
                    print(f"{language}: {walk.__name__}", flush=True)
                    context = new_context(browser, services.main.url, language)
                    for other in (services.without_api, services.short_sessions):
                        context.add_cookies([{"name": "kepweb_lang", "value": language, "url": other.url}])
                    try:
                        for page, state in walk(context, services, language):
                            checkers.check(page, state, language)
                    finally:
                        context.close()
            checkers.check_markup_with_nu([result for result in checkers.results if result is not control])
        finally:
            checkers.close()
            versions = {"Chromium": browser.version, "axe-core": checkers.axe_version, **checker_versions()}
            browser.close()
            services.stop()
    return checkers.results, versions


def checker_versions() -> dict:
    def version_of(package):
        return json.loads((CHECKERS / "node_modules" / package / "package.json").read_text())["version"]
    nu = subprocess.run(["java", "-jar", str(VNU_JAR), "--version"], capture_output=True, text=True).stdout.strip()
    return {"pa11y": version_of("pa11y"), "HTML_CodeSniffer": version_of("@pa11y/html_codesniffer"),
            "Nu HTML Checker": nu, "Lighthouse": version_of("lighthouse")}


def control_is_caught(results: list[Result]) -> dict[str, bool]:
    """Whether each checker found faults on the control page (in every language checked).
    No control page checked: no checker is known to work."""
    controls = [result for result in results if result.state == CONTROL]
    return {
        "axe": all(result.axe for result in controls), "pa11y": all(result.pa11y for result in controls),
        "Nu": all(result.nu for result in controls),
        # A Lighthouse that could not run has no score: that is not a catch.
        "Lighthouse": all(result.lighthouse_score is not None and result.lighthouse_score < 100
                          for result in controls),
    } if controls else {"axe": False, "pa11y": False, "Nu": False, "Lighthouse": False}


def control_counts(result: Result) -> str:
    return (f"axe {len(result.axe)}, pa11y {len(result.pa11y)}, Nu {len(result.nu)}, "
            f"Lighthouse {'could not run' if result.lighthouse_score is None else result.lighthouse_score}")


def control_line(result: Result) -> str:
    caught = control_is_caught([result])
    missed = [checker for checker, found in caught.items() if not found]
    return (f"Control: a page made with known faults (no language, an empty title, an image without "
            f"alternative text, a field without a label, a duplicated id, an empty link, an invalid "
            f"attribute), checked first in {result.language}: {control_counts(result)}. "
            + ("Every checker finds it, so its zeros above are not for want of looking." if not missed else
               f"{', '.join(missed)} found nothing there: "
               f"{'its' if len(missed) == 1 else 'their'} zeros prove nothing."))


def markdown(results: list[Result], versions: dict, seconds: float) -> str:
    control = [result for result in results if result.state == CONTROL]
    results = [result for result in results if result.state != CONTROL]
    states = list(dict.fromkeys(result.state for result in results))
    by_key = {(result.state, result.language): result for result in results}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    lines = [
        "# Accessibility report",
        "",
        f"Made by `bash scripts/accessibility-report` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC "
        f"from commit `{commit or 'unknown'}`, in {seconds / 60:.0f} minutes.",
        "",
        "Every page and state of the service, reached in Chromium on a 360 × 740 CSS px screen with "
        "JavaScript on, in Greek (el) and English (en). Each number counts what a checker found there: "
        "**axe**: axe-core, WCAG 2.2 A and AA and best practice (one per element and rule); "
        "**pa11y**: pa11y with HTML_CodeSniffer, WCAG2AA errors; **Nu**: the Nu HTML Checker, errors and "
        "warnings; **Lighthouse**: its accessibility score (100 is the best). Target: zero everywhere, "
        "Lighthouse 100. Without JavaScript every page and state is checked with axe-core by the browser "
        "tests (`bash scripts/test`).",
        "",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()) + ".",
        "",
        "| Page or state | axe el | axe en | pa11y el | pa11y en | Nu el | Nu en | Lighthouse el | Lighthouse en |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def cell(state, language, column):
        result = by_key.get((state, language))
        if result is None:
            return "–"
        if column == "lighthouse":
            return "error" if result.error else str(result.lighthouse_score)
        if column == "pa11y" and result.error:
            return "error"
        return str(len(getattr(result, column)))

    for state in states:
        row = [f"{state} (`{(by_key.get((state, 'en')) or by_key[(state, 'el')]).path.split('?')[0]}`)"]
        row += [cell(state, language, column) for column in ("axe", "pa11y", "nu") for language in LANGUAGES]
        row += [cell(state, language, "lighthouse") for language in LANGUAGES]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", f"{len(states)} states in each language, {len(results)} pages checked.", ""]
    for result in control:
        lines.append(control_line(result))
    lines.append("")
    lines += summary_lines(results) + [""] + findings_lines(results)
    return "\n".join(lines).rstrip() + "\n"


def summary_lines(results):
    scores = [result.lighthouse_score for result in results if result.lighthouse_score is not None]
    totals = {column: sum(len(getattr(result, column)) for result in results) for column in ("axe", "pa11y", "nu")}
    return [
        "## Totals",
        "",
        f"- axe-core: {totals['axe']}",
        f"- pa11y (HTML_CodeSniffer): {totals['pa11y']}",
        f"- Nu HTML Checker: {totals['nu']}",
        f"- Lighthouse accessibility: lowest {min(scores, default='–')}, "
        f"{sum(score == 100 for score in scores)} of {len(results)} pages at 100",
        f"- checks that could not run: {sum(result.error is not None for result in results)}",
    ]


def findings_lines(results):
    lines = ["## Findings", ""]
    found = False
    for result in results:
        problems = ([f"axe: {text}" for text in result.axe] + [f"pa11y: {text}" for text in result.pa11y]
                    + [f"Nu: {text}" for text in result.nu] + [f"Lighthouse: {text}" for text in result.lighthouse]
                    + ([f"could not check: {result.error}"] if result.error else []))
        if problems:
            found = True
            lines.append(f"### {result.state} ({result.language})")
            lines += [f"- {problem}" for problem in dict.fromkeys(problems)] + [""]
    if not found:
        lines.append("None: every checker found nothing on every page and state.")
    return lines


def main():
    # The services' request logs would drown the progress lines.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("kepweb").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "accessibility-report.md")
    parser.add_argument("--only", help="run only the walks whose name contains this (for a quick look)")
    arguments = parser.parse_args()
    started = time.monotonic()
    try:
        results, versions = run(arguments.only)
    except ControlNotCaught as asleep:
        sys.exit(str(asleep))
    asleep = [checker for checker, caught in control_is_caught(results).items() if not caught]
    if asleep:  # run() stops first; this is the last guard before writing
        sys.exit(f"these checkers found nothing on the page with known faults: {', '.join(asleep)}")
    report = markdown(results, versions, time.monotonic() - started)
    arguments.output.write_text(report, encoding="utf-8")
    raw = ROOT / "build" / "accessibility-report.json"
    raw.parent.mkdir(exist_ok=True)
    raw.write_text(json.dumps([result.__dict__ for result in results], ensure_ascii=False, indent=1), encoding="utf-8")
    checked = [result for result in results if result.state != CONTROL]
    print("\n".join(summary_lines(checked)))
    output = arguments.output.relative_to(ROOT) if arguments.output.is_relative_to(ROOT) else arguments.output
    print(f"written: {output} (details: {raw.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
