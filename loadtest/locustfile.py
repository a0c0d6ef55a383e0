"""Virtual citizens through the whole journey, for locust (headless): scripts/load-test runs it.

Each virtual citizen, again and again, as a new citizen each time (a new ΑΦΜ, a new session):
signs in through the GSIS-like provider (its sign-in page, then the real OAuth redirects back to the
frontend's callback), answers every wizard step with the CSRF token and the choices read from the form
the page shows, holds a time, books it with a double click (the final form sent twice at once), reads
the confirmation and then "my appointments". No step is assumed: the walk follows the pages as a
browser without JavaScript would.

Every virtual citizen sends from a loopback address of its own (127.0.x.y), so that the fair-use
budgets per address (kepweb/limits.py) apply as they would to people at home: the target runs with its
real budgets.

At the end it counts the bookings per citizen in the reference service (its admin API: one booking per
citizen, whatever the double clicks) and prints the figures; --summary-json writes them for a test.
With --hang-at/--hang-seconds it puts a proxy between the frontend and the API (--hang-proxy) and makes
it hang in the middle of the run.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
import time
from collections import Counter
from urllib.parse import urljoin, urlsplit

import gevent
import requests
from bs4 import BeautifulSoup
from locust import HttpUser, between, constant, events, task
from locust.exception import RescheduleTask
from requests_toolbelt.adapters.source import SourceAddressAdapter
from stdnum.gr import vat

from loadtest.figures import print_figures
from loadtest.hang_proxy import HangProxy

PASSWORD = "kepweb-sandbox"  # the sandbox GSIS's test password (README, "Signing in on a laptop")
RETRIES_WHEN_UNAVAILABLE = 20  # a step answered 503 is tried again this many times…
SECONDS_BEFORE_TRYING_AGAIN = 3  # …this long apart: a minute's patience
STEP_LIMIT = 25  # pages one journey may walk before it is counted as lost
HOLD_TRIES = 4  # times a citizen chooses another time when the one chosen was taken meanwhile
CONTACT = {"phone": "691 234 5678", "street": "Ερμού 10", "postcode": "105 63", "town": "Αθήνα",
           "contact_preference": "email"}
VISITORS = 5  # beside the citizens, people who only look at the home page, once a second each
VISITOR_HOME = "home (visitor)"
RUN = secrets.randbelow(1000)  # so that citizens of two runs against one service never share an ΑΦΜ

# What the run saw, beside locust's own statistics.
outcome = {"journeys_started": 0, "tried_again_after_503": 0, "bookings_completed": 0, "double_clicks_same_booking": 0,
           "double_clicks_different_answer": 0, "lost": Counter(), "booked_at": [], "home_during_hang": [],
           "api_steps_after_hang": []}
# Steps whose answer needs the scheduling API: the first to succeed after a hang shows the site is back.
NEEDS_THE_API = ("POST /book/municipality", "POST /book/kep", "POST /book/needs", "GET /book/time?day",
                 "POST /book/time (hold)", "POST /book/check (book)")
citizens = itertools.count()
addresses = itertools.count()
hang: HangProxy | None = None


@events.init_command_line_parser.add_listener
def _arguments(parser):
    parser.add_argument("--api-url", default="", help="the scheduling API's base URL (…/v1), to count bookings")
    parser.add_argument("--admin-token", default="sandbox-admin-token", help="the API's admin token")
    parser.add_argument("--hang-proxy", default="", help="LISTEN_PORT:UPSTREAM_HOST:UPSTREAM_PORT, a proxy the "
                        "frontend reaches the API through (KEPWEB_SANDBOX_API_VIA or its KEPWEB_SCHEDULING_API_URL)")
    parser.add_argument("--hang-at", type=float, default=0, help="seconds into the run the API hangs")
    parser.add_argument("--hang-seconds", type=float, default=0, help="how long it hangs (0: never)")
    parser.add_argument("--summary-json", default="", help="write the figures here, as JSON")
    parser.add_argument("--think-seconds", type=float, default=0, help="a person's pause before each step of the "
                        "journey, on average (between half and one and a half of it); 0: none, a robot's pace")


@events.init.add_listener
def _start_proxy(environment, **_):
    global hang
    options = environment.parsed_options
    if options and options.hang_proxy:
        listen, host, port = options.hang_proxy.split(":")
        hang = HangProxy(int(listen), (host, int(port)))
        hang.start()


@events.test_start.add_listener
def _schedule_hang(environment, **_):
    options = environment.parsed_options
    if hang is not None and options.hang_seconds > 0:
        gevent.spawn_later(options.hang_at, hang.hang_for, options.hang_seconds)


@events.request.add_listener
def _during_and_after_hang(name, response_time, exception, start_time=None, **_):
    if hang is None:
        return
    if name in ("home", VISITOR_HOME) and hang.hung:
        outcome["home_during_hang"].append(response_time if exception is None else None)
    if exception is None and name in NEEDS_THE_API and hang.hang_ended and (start_time or 0) >= hang.hang_ended:
        outcome["api_steps_after_hang"].append(start_time + response_time / 1000)


def tax_id(number: int) -> str:
    body = f"7{RUN:03d}{number:04d}"
    return body + vat.calc_check_digit(body)


def loopback_address(number: int) -> str:
    """127.0.1.1, 127.0.1.2, … 127.0.1.250, 127.0.2.1, …: never 127.0.0.1, the target's own."""
    return f"127.0.{1 + number // 250}.{1 + number % 250}"


def main_form(page: BeautifulSoup):
    """The step's own form: its primary button is a direct child (the hold warning's form is not)."""
    for form in page.select("#main-content form"):
        if form.select_one(":scope > button.govgr-btn-primary"):
            return form
    return None


def form_data(form, answers: dict) -> dict:
    """What a browser would send: every field's current value, the answers given, and for each radio
    group left unanswered a choice among its options (random: citizens spread over procedures, places
    and times)."""
    data = {}
    radios = {}
    for field in form.select("input, textarea, select"):
        name, kind = field.get("name"), (field.get("type") or field.name).lower()
        if not name or kind in ("submit", "button", "file"):
            continue
        if kind == "radio":
            radios.setdefault(name, []).append(field.get("value", ""))
            if field.has_attr("checked"):
                data[name] = field.get("value", "")
        elif kind == "checkbox":
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "y"))
        elif field.name == "textarea":
            data[name] = field.get_text()
        else:
            data[name] = field.get("value", "")
    for name, options in radios.items():
        if name not in answers and name not in data:
            choices = [option for option in options if option not in ("anywhere", "any")] or options
            data[name] = random.choice(choices)
    data.update(answers)
    return data


def refused(page: BeautifulSoup) -> bool:
    """A form sent back with its errors: the error summary shows."""
    return page.select_one(".govgr-error-summary") is not None


def step_of(url: str) -> str:
    return urlsplit(url).path


#: The environment variable naming the certificate to trust (the production stack's own, self-signed).
CA_BUNDLE = "KEPWEB_LOAD_CA_BUNDLE"


def from_an_address_of_its_own(user: HttpUser) -> None:
    adapter = SourceAddressAdapter(loopback_address(next(addresses)))
    user.client.mount("http://", adapter)
    user.client.mount("https://", adapter)
    # The production stack's self-signed certificate, when scripts/load-test --production names it.
    user.client.verify = os.environ.get(CA_BUNDLE) or True


class Visitor(HttpUser):
    """The home page, once a second: how fast a page that needs no API answers all along (and while the
    API hangs). Counted in locust's users beside the citizens (scripts/load-test adds them)."""

    fixed_count = VISITORS
    wait_time = constant(1)

    def on_start(self):
        from_an_address_of_its_own(self)

    @task
    def home(self):
        self.client.get("/", name=VISITOR_HOME, timeout=60)


class Citizen(HttpUser):
    wait_time = between(0.5, 2)  # between two citizens of one virtual user; the journey itself has no pause

    def on_start(self):
        from_an_address_of_its_own(self)

    # -- one request, named by its step, checked ------------------------------------------------------

    def call(self, method: str, url: str, name: str, **kwargs) -> tuple[requests.Response, BeautifulSoup]:
        """One request of the journey. On the "service unavailable" page (503) a person tries the same
        step again a little later, as that page asks, rather than starting over: so does the citizen,
        for a while; each 503 counts as a failed request. Any other error ends the journey."""
        # As a browser does: the page the form or link was on, which Flask-WTF's CSRF check asks for over https.
        if getattr(self, "last_page", None):
            kwargs["headers"] = {"Referer": self.last_page, **kwargs.get("headers", {})}
            think = self.environment.parsed_options.think_seconds if self.environment.parsed_options else 0
            if think > 0:  # reading the page, choosing, typing: people do not send the next step at once
                gevent.sleep(random.uniform(0.5, 1.5) * think)
        for attempt in range(1 + RETRIES_WHEN_UNAVAILABLE):
            with self.client.request(method, url, name=name, catch_response=True, timeout=60,
                                     **kwargs) as response:
                if response.status_code < 400:
                    response.success()
                    self.last_page = response.url
                    return response, BeautifulSoup(response.text, "lxml")
                response.failure(f"HTTP {response.status_code}")
            if response.status_code != 503 or attempt == RETRIES_WHEN_UNAVAILABLE:
                self.lost(f"HTTP {response.status_code} at {name}", name, counted=True)
            outcome["tried_again_after_503"] += 1
            if response.history:
                # The form was taken and its redirect's page was the one unavailable (signing in, then the
                # wizard's first page): trying again reloads that page, as a browser does, never sends the
                # form again (a Taxisnet code is good once).
                method, url, kwargs = "GET", response.url, {"headers": kwargs.get("headers", {})}
                name = f"{name}, page reloaded"
            gevent.sleep(SECONDS_BEFORE_TRYING_AGAIN)

    def lost(self, why: str, name: str, counted: bool = False):
        """The journey cannot go on: counted by kind, and shown in locust's errors (unless a failed
        request already is)."""
        outcome["lost"][why] += 1
        if not counted:
            events.request.fire(request_type="JOURNEY", name=name, response_time=0, response_length=0,
                                exception=AssertionError(why), context={})
        raise RescheduleTask()

    # -- the journey -----------------------------------------------------------------------------

    def on_stop(self):
        self.client.cookies.clear()

    def journey(self):
        self.client.cookies.clear()  # a new citizen: a new session
        self.last_page = None
        number = next(citizens)
        outcome["journeys_started"] += 1
        email = f"load-{RUN}-{number}@loadtest.example"
        self.call("GET", "/", "home")
        response, page = self.call("GET", "/sign-in?next=/book", "sign in: GSIS's page")
        form = page.select_one("#main-content form")
        if form is None:
            self.lost("no sign-in form", "sign in")
        response, page = self.call("POST", urljoin(response.url, form["action"]), "sign in: GSIS → callback",
                                   data=form_data(form, {"username": f"citizen-{tax_id(number)}",
                                                         "password": PASSWORD}))
        if not step_of(response.url).startswith("/book"):
            self.lost("sign-in did not reach the wizard", "sign in")
        hold_tries = 0
        for _ in range(STEP_LIMIT):
            step = step_of(response.url)
            if step == "/book/check":
                return self.book(page, response.url, email)
            if step == "/book/time":
                response, page, hold_tries = self.hold_a_time(response, page, hold_tries)
                continue
            form = main_form(page)
            if form is None or not step.startswith("/book/"):
                self.lost(f"no form on {step}", step)
            answers = {"category": "information", "needs": []} if step in ("/book/category", "/book/needs") else {}
            if step == "/book/details":
                answers = {**CONTACT, "email": email}
            if step == "/book/delivery":
                answers = {"post_to": "same"}  # used when the method chosen is the post
            response, page = self.call("POST", urljoin(response.url, form.get("action") or response.url),
                                       f"POST {step}", data=form_data(form, answers))
            if step_of(response.url) == step and refused(page):
                self.lost(f"{step} refused its answer", step)
        self.lost("wizard never reached the check page", "wizard")

    def hold_a_time(self, response, page, tries):
        form = main_form(page)
        if form is None or not form.select("input[name=slot]"):
            days = [link["href"] for link in page.select(".kepweb-days a")]
            if not days:
                self.lost("no free day offered", "/book/time")
            return (*self.call("GET", urljoin(response.url, random.choice(days)), "GET /book/time?day"), tries)
        if tries >= HOLD_TRIES:
            self.lost("every time chosen was taken", "/book/time")
        before = response.url
        response, page = self.call("POST", urljoin(before, form.get("action") or before), "POST /book/time (hold)",
                                   data=form_data(form, {}))
        return response, page, tries + (step_of(response.url) == "/book/time")

    def book(self, page, url, email):
        form = main_form(page)
        if form is None:
            self.lost("no booking form", "/book/check")
        data = form_data(form, {})
        action = urljoin(url, form.get("action") or url)

        def send(name):  # the browser's own redirect is followed below, once
            with self.client.post(action, data=data, name=name, allow_redirects=False, catch_response=True,
                                  headers={"Referer": url}, timeout=60) as answer:
                if answer.status_code != 303:
                    answer.failure(f"HTTP {answer.status_code}")
                else:
                    answer.success()
                return answer

        for attempt in range(1 + RETRIES_WHEN_UNAVAILABLE):
            first = gevent.spawn(send, "POST /book/check (book)")
            second = gevent.spawn(send, "POST /book/check (again)")
            gevent.joinall([first, second])
            first, second = first.value, second.value
            if first.status_code != 503 or attempt == RETRIES_WHEN_UNAVAILABLE:
                break
            # "Service unavailable": the citizen presses Book again a little later (the same answers, the
            # same booking: the wizard's idempotency key makes a booking that went through come back).
            outcome["tried_again_after_503"] += 1
            gevent.sleep(SECONDS_BEFORE_TRYING_AGAIN)
        if first.status_code != 303:
            self.lost(f"booking answered {first.status_code}", "/book/check")
        if second.status_code == 303 and second.headers.get("Location") == first.headers.get("Location"):
            outcome["double_clicks_same_booking"] += 1
        else:
            outcome["double_clicks_different_answer"] += 1
        response, page = self.call("GET", urljoin(url, first.headers["Location"]), "confirmation")
        reference = page.select_one(".kepweb-reference")
        if reference is None:
            self.lost("no reference on the confirmation", "confirmation")
        reference = reference.get_text(strip=True)
        response, page = self.call("GET", "/appointments", "my appointments")
        if page.get_text().count(reference) != 1:
            self.lost("my appointments does not list the booking once", "my appointments")
        outcome["bookings_completed"] += 1
        outcome["booked_at"].append(time.time())

    @task
    def a_citizen_books(self):
        self.journey()


# -- the figures ---------------------------------------------------------------------------------


def bookings_per_citizen(api_url: str, admin_token: str) -> Counter:
    """Confirmed bookings of this run's citizens, per citizen (their email is theirs alone)."""
    answer = requests.get(f"{api_url.rstrip('/')}/admin/bookings", params={"status": "confirmed"}, timeout=60,
                          headers={"Authorization": f"Bearer {admin_token}"})
    answer.raise_for_status()
    emails = ((booking.get("contact") or {}).get("email", "") for booking in answer.json()["bookings"])
    return Counter(email for email in emails if email.startswith(f"load-{RUN}-"))


def percentile(values, fraction):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]) if ordered else None


@events.quitting.add_listener
def _figures(environment, **_):
    options = environment.parsed_options
    stats = environment.stats
    total = stats.total
    steps = {name: {"requests": entry.num_requests, "failures": entry.num_failures,
                    "p50_ms": entry.get_response_time_percentile(0.5),
                    "p95_ms": entry.get_response_time_percentile(0.95)}
             for (name, _method), entry in sorted(stats.entries.items(), key=lambda item: item[1].start_time)}
    errors = Counter()
    for error in stats.errors.values():
        errors[f"{error.name}: {error.error}"] += error.occurrences
    summary = {
        "users": environment.runner.target_user_count - VISITORS if environment.runner else None,
        "seconds": round(total.last_request_timestamp - total.start_time, 1) if total.last_request_timestamp else 0,
        "requests": total.num_requests, "failures": total.num_failures,
        "requests_per_second": round(total.total_rps, 1),
        "think_seconds": options.think_seconds if options else 0,
        "steps": steps, "errors": dict(errors),
        "journeys_started": outcome["journeys_started"], "bookings_completed": outcome["bookings_completed"],
        "double_clicks_same_booking": outcome["double_clicks_same_booking"],
        "double_clicks_different_answer": outcome["double_clicks_different_answer"],
        "journeys_lost": dict(outcome["lost"]), "steps_tried_again_after_503": outcome["tried_again_after_503"],
    }
    if options.api_url:
        per_citizen = bookings_per_citizen(options.api_url, options.admin_token)
        summary["bookings_in_the_api"] = sum(per_citizen.values())
        summary["citizens_with_more_than_one_booking"] = sum(1 for count in per_citizen.values() if count > 1)
    if hang is not None and hang.hang_started:
        during = outcome["home_during_hang"]
        answered = [value for value in during if value is not None]
        after = [moment for moment in outcome["booked_at"] if moment >= (hang.hang_ended or float("inf"))]
        summary["hang"] = {
            "seconds": round((hang.hang_ended or time.time()) - hang.hang_started, 1),
            "home_requests_during": len(during), "home_failed_during": len(during) - len(answered),
            "home_p50_ms_during": percentile(answered, 0.5), "home_p95_ms_during": percentile(answered, 0.95),
            "seconds_to_first_booking_after": round(min(after) - hang.hang_ended, 1) if after else None,
            "seconds_to_first_api_step_after": (round(min(outcome["api_steps_after_hang"]) - hang.hang_ended, 1)
                                                if outcome["api_steps_after_hang"] else None),
        }
        hang.stop()
    print_figures(summary)
    if options.summary_json:
        with open(options.summary_json, "w", encoding="utf-8") as file:
            json.dump(summary, file, ensure_ascii=False, indent=1)
