"""scripts/load-test works: a small run of both scenarios against each target it starts, the embedded
default and the production stack (nginx with TLS, two gunicorn instances, Redis, the sandbox's own process).

The load test is a benchmark (it measures and prints); this test asserts what must hold whatever the
timings: the virtual citizens get past sign-in and through every step to a booking, no request fails in
the steady run, a double click never makes two bookings, and the hang run hangs the API and the home page
keeps answering meanwhile.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JOURNEY = ("home", "sign in: GSIS's page", "sign in: GSIS → callback", "POST /book/category",
           "POST /book/procedure", "POST /book/municipality", "POST /book/needs", "GET /book/time?day",
           "POST /book/time (hold)", "POST /book/details", "POST /book/document", "POST /book/delivery",
           "POST /book/check (book)", "POST /book/check (again)", "confirmation", "my appointments")


@pytest.fixture(scope="module", params=["embedded default", "production stack"])
def figures(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("load-test")
    target = ["--production"] if request.param == "production stack" else []
    finished = subprocess.run(
        [sys.executable, "loadtest/run.py", "--users", "4", "--spawn-rate", "4", "--seconds", "15",
         "--hang-at", "4", "--hang-seconds", "6", "--hang-run-seconds", "25", "--out", str(out), *target],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return {scenario: json.loads((out / f"{scenario}.json").read_text(encoding="utf-8")) for scenario in
            ("steady", "hang")} | {"printed": finished.stdout}


def test_the_virtual_citizens_go_through_the_whole_journey_to_their_bookings(figures):
    steady = figures["steady"]
    assert steady["failures"] == 0, steady["errors"]
    assert steady["journeys_lost"] == {}
    assert steady["bookings_completed"] >= 1
    for step in JOURNEY:
        assert steady["steps"][step]["requests"] >= steady["bookings_completed"], step


def test_a_double_click_makes_one_booking(figures):
    steady = figures["steady"]
    assert steady["double_clicks_same_booking"] == steady["bookings_completed"]
    assert steady["double_clicks_different_answer"] == 0
    assert steady["citizens_with_more_than_one_booking"] == 0
    # Every booking a citizen saw is in the API, once; a journey cut short by the end of the run may
    # have booked without seeing its confirmation.
    assert steady["bookings_completed"] <= steady["bookings_in_the_api"] <= steady["journeys_started"]


def test_the_hang_run_hangs_the_api_while_the_home_page_answers(figures):
    hang = figures["hang"]
    assert hang["hang"]["seconds"] > 0
    assert hang["hang"]["home_requests_during"] >= 1
    assert hang["hang"]["home_failed_during"] == 0
    assert hang["citizens_with_more_than_one_booking"] == 0
    assert hang["bookings_completed"] >= 1


def test_the_figures_are_printed(figures):
    printed = figures["printed"]
    for words in ("requests/s", "bookings completed", "double bookings", "p95 ms", "API hung"):
        assert words in printed, words
