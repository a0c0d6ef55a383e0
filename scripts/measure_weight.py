"""Weight and speed of every page: bytes on the wire and Lighthouse performance.

Starts the embedded default, then walks it in Debian's Chromium on a 360 px
phone with JavaScript on, as a citizen would: the home page with an empty cache
(bytes per kind: HTML, CSS, JavaScript, fonts), every information page, signing
in, every step of the booking wizard (a business booking, with its searches,
to the confirmation) and my appointments, each with the cache as the earlier
pages left it. For each page or step it prints the bytes received over the
wire (compressed, headers included, every request it caused: a step sent as a
form counts its redirect and the step it leads to).

The first visit is measured twice: in a browser without Roboto installed (as
on an iPhone or a laptop, the walk above) and in one that has it (as on every
Android phone: Debian's fonts-roboto-unhinted, unpacked into build/ by
scripts/measure-weight and shown to Chromium through fontconfig, nothing
installed on the machine), where local() finds the font and nothing is fetched.

Then a second citizen walks the same way and Lighthouse (tools/a11y, navigation
mode, its default mobile settings: a slow 4G network and a 4× slower CPU,
simulated) loads every page a URL reaches, with a cold cache and the
citizen's session: performance score, cumulative layout shift and the paint
timings.

A benchmark: it measures and prints, it asserts nothing.

    bash scripts/measure-weight                  (installs the checkers, then runs this)
    .venv/bin/python scripts/measure_weight.py [--language el|en] [--no-lighthouse]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, new_context  # noqa: E402
from e2e.test_booking import A11Y_QUERIES  # noqa: E402
from e2e.wizard import CONTACT, Wizard, minimal_pdf, sign_in  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.live_service import LiveService  # noqa: E402

CHECKERS = ROOT / "tools" / "a11y"
ROBOTO_INSTALLED = ROOT / "build" / "roboto-installed" / "usr" / "share" / "fonts"
KB = 1000  # the figures are in kB of 1000 bytes
KINDS = {"Document": "HTML", "Stylesheet": "CSS", "Script": "JavaScript", "Font": "fonts",
         "XHR": "htmx", "Fetch": "htmx", "Image": "images"}
# Who walks: the first citizen's bytes are counted, the second's pages are loaded by Lighthouse.
CITIZENS = ("nikos", "kostas")
INFORMATION_PAGES = {
    "home": "/",
    "start": "/start",
    "manual": "/manual",
    "municipalities": "/municipalities",
    "municipalities, a search": "/municipalities?q=chania",
    "a municipality": "/municipalities/chania",
    "accessibility statement": "/accessibility",
    "privacy": "/privacy",
    "feedback": "/feedback",
}


@dataclass
class State:
    name: str
    reachable_by_url: bool = True


@dataclass
class Visit:
    """What one page or step cost on the wire."""

    name: str
    path: str
    by_kind: dict = field(default_factory=dict)
    requests: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


class Wire:
    """Counts what one browser tab receives, over the DevTools protocol."""

    def __init__(self, context, page):
        self.page = page
        self.in_flight: set[str] = set()
        self.kinds: dict[str, str] = {}
        self.received: list[tuple[str, int]] = []
        self.from_cache: set[str] = set()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", lambda event: self.kinds.__setitem__(event["requestId"], event["type"]))
        cdp.on("Network.requestServedFromCache", lambda event: self.from_cache.add(event["requestId"]))
        cdp.on("Network.loadingFinished", lambda event: self._done(event, int(event["encodedDataLength"])))
        cdp.on("Network.loadingFailed", lambda event: self._done(event, 0))

    def _sent(self, event):
        if event["request"]["url"].startswith("data:"):
            return
        self.in_flight.add(event["requestId"])
        redirect = event.get("redirectResponse")
        if redirect:  # a 303 after a form: its headers came over the wire too
            kind = "htmx" if event.get("type") in ("XHR", "Fetch") else "HTML"
            self.received.append((kind, int(redirect.get("encodedDataLength", 0))))

    def _done(self, event, size):
        if event["requestId"] not in self.in_flight:
            return
        self.in_flight.discard(event["requestId"])
        if event["requestId"] in self.from_cache:  # the browser's cache answered: nothing on the wire
            return
        self.received.append((KINDS.get(self.kinds.get(event["requestId"]), "other"), size))

    def settle(self, quiet_seconds=0.5, limit_seconds=60):
        """Wait until nothing has been in flight for a moment (a page's fonts come late)."""
        quiet_since, deadline = None, time.monotonic() + limit_seconds
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            if self.in_flight:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_seconds:
                return

    def take(self, name) -> Visit:
        visit = Visit(name, re.sub(r"^https?://[^/]+", "", self.page.url))
        for kind, size in self.received:
            visit.by_kind[kind] = visit.by_kind.get(kind, 0) + size
            visit.requests += 1
        self.received.clear()
        return visit


def walk(page, base, language, citizen, folder):
    """Every page and step, as a citizen goes through them; yields after each."""
    for name, path in INFORMATION_PAGES.items():
        page.goto(f"{base}{path}")
        yield State(name)
    sign_in(page, citizen)
    yield State("sign-in (Taxisnet stand-in and back to /book)", reachable_by_url=False)
    wizard = Wizard(page, language, scripts=True, strict=False)
    wizard.begin()
    yield State("book: category (a full page load)")
    wizard.choose("category", "business")
    wizard.continue_to("business")
    yield State("book: business")
    wizard.choose("representative", "yes")
    wizard.fill({"tax_id": "094014201", "name": "Test Business S.A."})
    wizard.continue_to("procedure")
    yield State("book: procedure")
    wizard.search(A11Y_QUERIES[(language, "js-on")], "procedure")
    yield State("book: procedure, a search as you type")
    wizard.choose_first("procedure")
    wizard.continue_to("municipality")
    yield State("book: municipality")
    wizard.search("kalamata", "municipality")
    yield State("book: municipality, a search as you type")
    wizard.choose("municipality", "kalamata")
    wizard.continue_to("kep")
    yield State("book: KEP")
    wizard.choose("kep", "any")
    wizard.continue_to("needs")
    yield State("book: communication needs")
    wizard.choose("needs", "lip_reading")
    wizard.continue_to("time")
    yield State("book: time, the days")
    wizard.first_day()
    yield State("book: time, the times of a day")
    wizard.choose_first("slot")
    wizard.continue_to("details")
    yield State("book: contact details")
    wizard.fill({"full_name": "Test Citizen", "email": "weight@example.com", **CONTACT})
    wizard.choose("contact_preference", "email")
    wizard.continue_to("document")
    yield State("book: identity document")
    wizard.choose("id_document", "identity_card")
    page.locator("#files").set_input_files(minimal_pdf(folder, f"{citizen}.pdf"))
    wizard.continue_to("delivery")
    yield State("book: delivery of the result")
    wizard.choose("method", "email")
    wizard.continue_to("check")
    yield State("book: check your answers")
    wizard.submit()
    wizard.expect_confirmation()
    yield State("book: confirmation")
    page.goto(f"{base}/appointments")
    yield State("my appointments")
    page.locator("#main-content a[href^='/appointments/']").first.click()
    page.wait_for_load_state()
    yield State("an appointment")


def with_roboto_installed(scratch: Path) -> dict | None:
    """The environment of a Chromium that finds Roboto among the installed fonts."""
    if not ROBOTO_INSTALLED.is_dir():
        return None
    conf = scratch / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f'  <dir>{ROBOTO_INSTALLED}</dir>\n  <cachedir>{scratch / "fontconfig"}</cachedir>\n</fontconfig>\n')
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def first_visit(playwright, base, language, env) -> Visit:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, env=env)
    try:
        context = new_context(browser, base, language)
        page = context.new_page()
        wire = Wire(context, page)
        page.goto(f"{base}/")
        wire.settle()
        return wire.take("home")
    finally:
        browser.close()


class Lighthouse:
    """tools/a11y/performance.mjs, connected to the walking browser."""

    def __init__(self, devtools_url):
        self.node = subprocess.Popen(["node", str(CHECKERS / "performance.mjs"), devtools_url],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=CHECKERS)

    def measure(self, context, url) -> dict:
        tab = context.new_page()
        token = f"performance-{time.monotonic_ns()}"
        tab.evaluate("token => { window.kepwebPerformance = token; }", token)
        self.node.stdin.write(json.dumps({"token": token, "url": url}) + "\n")
        self.node.stdin.flush()
        answer = json.loads(self.node.stdout.readline())
        tab.close()
        return answer

    def close(self):
        self.node.stdin.close()
        self.node.wait(timeout=30)


def kilobytes(size: int) -> str:
    return f"{size / KB:.1f}"


def print_first_visit(first: Visit, language: str, where: str):
    print(f"\nFirst visit to {first.path} ({language}, 360 px, JavaScript on, empty cache, {where}), kB on the wire:")
    for kind in ("HTML", "CSS", "JavaScript", "fonts", "images", "htmx", "other"):
        if kind in first.by_kind:
            print(f"  {kind:<12}{kilobytes(first.by_kind[kind]):>8}")
    print(f"  {'total':<12}{kilobytes(first.total):>8}   ({first.requests} requests)")


def print_weights(visits: list[Visit], language: str, with_roboto: Visit | None):
    first = visits[0]
    print_first_visit(first, language, "Roboto not installed")
    if with_roboto:
        print_first_visit(with_roboto, language, "Roboto installed, as on Android")
    else:
        print("\n(no first visit with Roboto installed: build/roboto-installed is missing, see scripts/measure-weight)")
    print("\nEvery later page and step (warm cache), kB on the wire:")
    width = max(len(visit.name) for visit in visits)
    for visit in visits[1:]:
        kinds = ", ".join(f"{kind} {kilobytes(size)}" for kind, size in visit.by_kind.items() if size)
        print(f"  {visit.name:<{width}} {kilobytes(visit.total):>7}  {visit.requests:>2} req  {kinds:<28} {visit.path}")
    later = [visit for visit in visits[1:] if not visit.name.startswith("sign-in")]
    heaviest = max(later, key=lambda visit: visit.total)
    print(f"\n  first visit {kilobytes(first.total)} kB; heaviest later page or step: "
          f"{kilobytes(heaviest.total)} kB ({heaviest.name}); budget 40 kB and 8 kB")


def print_lighthouse(rows):
    print("\nLighthouse 12, navigation mode, mobile (simulated slow 4G, 4× CPU), cold cache, signed in for /book:")
    width = max(len(name) for name, _ in rows)
    print(f"  {'page':<{width}} {'perf':>4} {'CLS':>6} {'FCP ms':>7} {'LCP ms':>7} {'TBT ms':>7} {'SI ms':>7}")
    for name, answer in rows:
        if "error" in answer:
            print(f"  {name:<{width}} error: {answer['error'].splitlines()[0]}")
            continue
        print(f"  {name:<{width}} {answer['score']:>4} {answer['cls']:>6.3f} {answer['fcp']:>7.0f} "
              f"{answer['lcp']:>7.0f} {answer['tbt']:>7.0f} {answer['si']:>7.0f}  {answer['finalUrl']}")
        for warning in answer.get("warnings") or []:
            print(f"  {'':<{width}} warning: {warning}")
    scores = [answer["score"] for _, answer in rows if "error" not in answer]
    shifts = [answer["cls"] for _, answer in rows if "error" not in answer]
    if scores:
        print(f"\n  {len(scores)} pages: performance lowest {min(scores)}, {scores.count(100)} at 100; "
              f"largest CLS {max(shifts):.3f}")


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("kepweb").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="el", choices=["el", "en"])
    parser.add_argument("--no-lighthouse", action="store_true", help="bytes on the wire only")
    arguments = parser.parse_args()
    language = arguments.language
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        scratch = Path(scratch)
        service = LiveService(scratch / "scheduling.sqlite3")
        port = free_port()
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=[*CHROMIUM_FLAGS, f"--remote-debugging-port={port}"])
        try:
            context = new_context(browser, service.url, language)
            page = context.new_page()
            wire = Wire(context, page)
            visits = []
            for state in walk(page, service.url, language, CITIZENS[0], scratch):
                wire.settle()
                visits.append(wire.take(state.name))
                print(f"  {state.name}: {kilobytes(visits[-1].total)} kB", file=sys.stderr, flush=True)
            context.close()
            roboto_env = with_roboto_installed(scratch)
            with_roboto = first_visit(playwright, service.url, language, roboto_env) if roboto_env else None
            print_weights(visits, language, with_roboto)

            if not arguments.no_lighthouse:
                lighthouse = Lighthouse(f"http://127.0.0.1:{port}")
                rows = []
                try:
                    context = new_context(browser, service.url, language)
                    page = context.new_page()
                    for state in walk(page, service.url, language, CITIZENS[1], scratch):
                        if state.reachable_by_url:
                            rows.append((state.name, lighthouse.measure(context, page.url)))
                            print(f"  Lighthouse {state.name}: {rows[-1][1].get('score', 'error')}",
                                  file=sys.stderr, flush=True)
                    context.close()
                finally:
                    lighthouse.close()
                print_lighthouse(rows)
        finally:
            browser.close()
            service.stop()


if __name__ == "__main__":
    main()
