"""Browser tests: the embedded default on a real port, driven in Debian's Chromium.

`bash scripts/test` installs Chromium from Debian's packages when it is missing;
these tests never skip for want of a browser: they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.live_service import LiveService

# Debian's wrapper script works too, but prints a warning on every start.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
if CHROMIUM == "/usr/bin/chromium" and os.path.exists("/usr/lib/chromium/chromium"):
    CHROMIUM = "/usr/lib/chromium/chromium"

# As root, in a closed network: no sandbox, and none of Chromium's own traffic.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

E2E = Path(__file__).resolve().parent
INSIDE_CALL_NAMESPACE = os.environ.get("KEPWEB_CALL_NAMESPACE") == "1"


def pytest_ignore_collect(collection_path, config):
    """The call tests (e2e/call) need media, so a network namespace of their own: outside it,
    e2e/test_call_namespace.py runs them inside `scripts/call-namespace`; inside it, that test
    is not collected again."""
    if collection_path == E2E / "call":
        return None if INSIDE_CALL_NAMESPACE else True
    if collection_path == E2E / "test_call_namespace.py" and INSIDE_CALL_NAMESPACE:
        return True
    return None


VIEWPORTS = {"mobile": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


def add_failing_route(frontend):
    """Pages that fail on purpose, to see the error pages in a browser: the 500 page, our own
    413 page (a request too large), and the fallback for a refusal nobody foresaw."""
    from flask import abort

    from kepweb.scheduling import SchedulingProblem

    @frontend.get("/e2e/explode")
    def explode():
        raise RuntimeError("deliberate failure for the 500 page")

    @frontend.get("/e2e/too-large")
    def too_large():
        abort(413)

    @frontend.get("/e2e/refused")
    def refused():
        raise SchedulingProblem(409, {"type": "about:blank", "title": "?", "status": 409, "code": "unheard_of"})


@pytest.fixture(scope="session")
def live_service(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("live") / "scheduling.sqlite3", {"PROPAGATE_EXCEPTIONS": False})
    add_failing_route(service.frontend)
    yield service
    service.stop()


@pytest.fixture(scope="session")
def service_without_api(tmp_path_factory):
    """The frontend with a scheduling API that does not answer: the 503 page."""
    service = LiveService(tmp_path_factory.mktemp("down") / "scheduling.sqlite3",
                          {"SCHEDULING_API_URL": f"http://127.0.0.1:{free_port()}/v1"})
    yield service
    service.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def base_url(live_service):
    return live_service.url


def new_context(browser, base_url, language="el", viewport="mobile", javascript=True, **kwargs):
    """A browser context with the citizen's language chosen and a phone or desktop screen.

    `javascript=False` is a real JavaScript-off browser. Playwright cannot run
    axe-core there (axe waits on timers that never fire), so accessibility
    checks of the no-JS pages use `block_scripts=True` instead: JavaScript on,
    but none of our scripts load, which renders what a no-JS browser renders.
    """
    block_scripts = kwargs.pop("block_scripts", False)
    context = browser.new_context(
        base_url=base_url,
        viewport=VIEWPORTS[viewport],
        java_script_enabled=javascript,
        locale="el-GR" if language == "el" else "en-GB",
        **kwargs,
    )
    context.add_cookies([{"name": "kepweb_lang", "value": language, "url": base_url}])
    if block_scripts:
        context.route("**/*.js", lambda route: route.abort())
    return context
