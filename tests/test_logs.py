"""The log (kepweb/logs.py): JSON lines in production, text on a laptop, each line with its request's id,
and nothing personal in any line: a citizen signs in through the Taxisnet stand-in and books, and every
line the frontend and the reference service wrote meanwhile is scanned for her ΑΦΜ, names, email, phone,
address and the query strings she sent."""

from __future__ import annotations

import json
import logging
from urllib.parse import urljoin

import pytest
import requests
from bs4 import BeautifulSoup

from kepweb import config, create_app, logs
from kepweb.config import ConfigError
from sandbox.gsis import PASSWORD
from tests.conftest import a_process_of_its_own
from tests.live_service import LiveService
from tests.test_sign_in import follow, sign_in

# The test citizen `maria` of the Taxisnet stand-in, and what she types in the wizard.
TAX_ID, FIRST_NAME, LAST_NAME = "094014201", "ΜΑΡΙΑ", "ΠΑΠΑΔΟΠΟΥΛΟΥ"
DETAILS = {"full_name": "Μαρία Παπαδοπούλου", "email": "maria.logcheck@example.com", "phone": "691 234 5678",
           "street": "Ερμού 10", "postcode": "105 63", "town": "Αθήνα", "contact_preference": "email"}
SEARCH = "Ψαρ"  # what she types in the municipality search (it goes in a query string)


def test_the_format_is_json_in_production_and_text_on_a_laptop():
    assert config.log_format({}) == "text"
    assert config.log_format({"KEPWEB_ENV": "production"}) == "json"
    assert config.log_format({"KEPWEB_ENV": "production", "KEPWEB_LOG_FORMAT": "text"}) == "text"
    assert config.log_format({"KEPWEB_LOG_FORMAT": "json"}) == "json"
    with pytest.raises(ConfigError, match="KEPWEB_LOG_FORMAT"):
        config.log_format({"KEPWEB_LOG_FORMAT": "xml"})


def test_an_access_line_is_one_json_object_with_its_fields_and_no_query_string(client, json_log):
    response = client.get(f"/municipalities?q={SEARCH}")
    lines = [line for line in json_log() if line["logger"] == "kepweb.access"]
    assert len(lines) == 1
    line = lines[0]
    assert {"time", "level", "logger", "message", "request_id", "method", "path", "status", "duration_ms"} <= set(line)
    assert line["level"] == "INFO" and line["method"] == "GET" and line["path"] == "/municipalities"
    assert line["status"] == response.status_code and line["request_id"] == response.headers["X-Request-Id"]
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "?" not in json_log.text() and SEARCH not in json_log.text()


def test_a_guests_link_token_is_named_in_the_log_not_written(client, json_log):
    token = "a-guests-invitation-token-that-opens-the-call-0123456789"
    assert client.get(f"/join/{token}").status_code == 303
    assert [line["path"] for line in json_log() if line["logger"] == "kepweb.access"] == ["/join/<token>"]
    assert token not in json_log.text()


def test_a_guests_token_is_not_written_when_the_api_call_with_it_fails(app_config, json_log):
    from kepweb.scheduling import SchedulingUnavailable
    from tests.test_errors import unreachable_api_url

    token = "a-guests-invitation-token-that-opens-the-call-0123456789"
    app = create_app({**app_config, "SCHEDULING_API_URL": unreachable_api_url()})
    with app.test_request_context("/join"), pytest.raises(SchedulingUnavailable):
        app.extensions["scheduling"].invitations.open(token, "d" * 32)
    failed = [line["message"] for line in json_log() if line["logger"] == "kepweb.scheduling.base"]
    assert failed == ["scheduling API POST /invitations/<token>/open failed: ConnectionError"]
    assert token not in json_log.text()


def test_a_laptops_text_line_names_the_request(app):
    written = __import__("io").StringIO()
    handler = logs.handler("text", written)
    logging.getLogger().addHandler(handler)
    try:
        with app.test_request_context("/manual"):
            from kepweb import request_ids

            made = request_ids.current()
            logging.getLogger("kepweb.test").warning("something happened")
        logging.getLogger("kepweb.test").warning("outside any request")
    finally:
        logging.getLogger().removeHandler(handler)
    inside, outside = written.getvalue().splitlines()
    assert inside.endswith(f"WARNING kepweb.test [{made}] something happened")
    assert outside.endswith("WARNING kepweb.test [-] outside any request")


def test_under_a_server_that_sets_no_logging_up_create_app_writes_json_lines(app_config, capsys):
    """gunicorn leaves the root logger bare: the app sets it up itself, in the configured format."""
    with a_process_of_its_own():
        app = create_app({**app_config, "LOG_FORMAT": "json"})
        made = app.test_client().get("/manual?from=somewhere").headers["X-Request-Id"]
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["logger"], line["request_id"], line["path"], line["status"]) for line in lines] == [
        ("kepweb.access", made, "/manual", 200)]


# -- nothing personal in any line ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("logs") / "scheduling.sqlite3")
    yield service
    service.stop()


@pytest.fixture
def as_in_production(json_log):
    """The root logger as app.py leaves it: our JSON lines, werkzeug's own request lines (whole URLs, the
    server the tests run on) silenced, as kepweb/logs.py silences them."""
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    logs.quiet_other_access_logs()
    yield json_log
    werkzeug.setLevel(level)


def submit(visitor, page, data, url=None):
    """Send the page's form in <main> with its CSRF token, as a browser without JavaScript would."""
    form = BeautifulSoup(page.text, "html.parser").select_one("main form[method=post], main form[method=POST]")
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    target = urljoin(page.url, url or form.get("action") or page.url)
    return follow(visitor, visitor.post(target, data={"csrf_token": token, **data}, allow_redirects=False))


def first_choice(page, name):
    return BeautifulSoup(page.text, "html.parser").find("input", attrs={"name": name})["value"]


def test_signing_in_and_booking_leaves_nothing_personal_in_the_log(live, as_in_production):
    visitor = requests.Session()
    visitor.cookies.set("kepweb_lang", "en")
    _answer, landed = sign_in(visitor, live, username="maria", start="/book")
    assert landed.status_code == 200 and FIRST_NAME in landed.text  # signed in: her name is on the page
    page = submit(visitor, landed, {"category": "information"})
    page = submit(visitor, page, {"procedure": first_choice(page, "procedure")})
    assert visitor.get(f"{live.url}/municipalities", params={"q": SEARCH}).status_code == 200
    page = submit(visitor, page, {"municipality": "psara"})  # one KEP: chosen for her
    page = submit(visitor, page, {"needs": []})
    day = BeautifulSoup(page.text, "html.parser").select(".kepweb-days a")[0]["href"]
    page = follow(visitor, visitor.get(urljoin(page.url, day), allow_redirects=False))
    page = submit(visitor, page, {"slot": first_choice(page, "slot")})
    page = submit(visitor, page, DETAILS)
    page = submit(visitor, page, {"id_document": "passport"})
    page = submit(visitor, page, {"method": "email"})
    assert page.url.endswith("/book/check"), page.url
    page = submit(visitor, page, {})
    assert page.url.endswith("/book/confirmation") and "Your appointment is booked" in page.text, page.url

    lines = as_in_production()
    by = {}
    for line in lines:
        by.setdefault(line["logger"], []).append(line)
    # The journey is in the log (so the scan below scanned it): sign-in, the booking, at both ends.
    ours = {(line["method"], line["path"], line["status"]) for line in by["kepweb.access"]}
    assert ("GET", "/sign-in/callback", 302) in ours or ("GET", "/sign-in/callback", 303) in ours, ours
    assert ("POST", "/book/check", 303) in ours
    theirs = {(line["method"], line["path"], line["status"]) for line in by["sandbox.scheduling.access"]}
    assert ("POST", "/sandbox/scheduling/v1/bookings", 201) in theirs
    booked = next(line for line in by["kepweb.access"] if line["path"] == "/book/check" and line["method"] == "POST")
    assert booked["request_id"] in {line["request_id"] for line in by["sandbox.scheduling.access"]
                                    if line["path"] == "/sandbox/scheduling/v1/bookings"}

    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    personal = [TAX_ID, FIRST_NAME, LAST_NAME, "Μαρία", "Παπαδοπούλου", DETAILS["email"], "691 234 5678",
                "6912345678", "Ερμού", SEARCH, PASSWORD]
    assert [value for value in personal if value.casefold() in text.casefold()] == []
    assert [line["path"] for line in lines if "?" in line.get("path", "")] == []
    assert "code=" not in text and "state=" not in text and "q=" not in text  # no query string, whole or in part
