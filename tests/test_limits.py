"""Fair use without a CAPTCHA (kepweb/limits.py): each action has a budget per citizen and per address;
over it, a 429 page in the citizen's language that says when to try again and loses nothing."""

from __future__ import annotations

import re
import time
from datetime import datetime

import pytest

from kepweb import create_app, errors, limits
from kepweb.auth.citizen import Citizen
from kepweb.auth.sessions import LAST_SEEN, SESSION_CITIZEN
from kepweb.config import ConfigError
from kepweb.i18n import ATHENS
from tests.conftest import PageClient
from tests.page_checks import text_of

MARIA = Citizen(tax_id="111111114", first_name="ΜΑΡΙΑ", last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ", father_name="ΓΕΩΡΓΙΟΣ",
                mother_name="ΕΛΕΝΗ", birth_year="1980", user_id="User111111114")
NIKOS = Citizen(tax_id="094014201", first_name="ΝΙΚΟΣ", last_name="ΝΙΚΟΛΑΟΥ", father_name="ΠΕΤΡΟΣ",
                mother_name="ΑΝΝΑ", birth_year="1975", user_id="User094014201")
HEADINGS = {"el": "Το κάνατε πάρα πολλές φορές", "en": "You have done this too many times"}
GENEROUS = "1000/minute"


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "SESSION_DIRECTORY": str(tmp_path / "sessions")}


def limited(app, **budgets):
    """Small budgets for this test: action=(per citizen, per address)."""
    app.config["RATELIMITS"] = budgets


def visitor(app, citizen=None, language="en", address="127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.set_cookie("kepweb_lang", language)
    if citizen:
        with client.session_transaction() as session:
            session[SESSION_CITIZEN] = citizen.to_session()
            session[LAST_SEEN] = time.time()
    return PageClient(client)


def search(client, expected_status=200, **kwargs):
    return client.get("/municipalities?q=chania", expected_status=expected_status, **kwargs)


@pytest.mark.parametrize("language", ["el", "en"])
def test_over_the_limit_a_search_gets_the_429_page_that_says_when_to_try_again(app, language):
    limited(app, search=(GENEROUS, "2/minute"))
    client = visitor(app, language=language)
    search(client)
    search(client)
    page = search(client, expected_status=429)
    assert text_of(page.h1) == HEADINGS[language]
    assert page.title.get_text().startswith(HEADINGS[language])
    retry_after = int(page.response.headers["Retry-After"])
    assert 0 < retry_after <= 61
    # The window of a minute ends within it (Retry-After may round up to 61 s: "2 minutes").
    when = {"el": r"Μπορείτε να δοκιμάσετε ξανά σε (1 λεπτό|2 λεπτά)\.",
            "en": r"You can try again in (1 minute|2 minutes)\."}[language]
    assert re.search(when, text_of(page.find("main")))
    assert page.find("a", href="/municipalities?q=chania"), "a way to try again"


def test_the_list_of_municipalities_and_other_pages_are_never_limited(app):
    limited(app, search=("1/minute", "1/minute"))
    client = visitor(app, citizen=MARIA)
    search(client)
    search(client, expected_status=429)
    for _ in range(5):
        for url in ("/", "/municipalities", "/manual", "/feedback", "/book/procedure"):
            assert client.client.get(url).status_code in (200, 303), url


def test_each_citizen_has_a_budget_of_their_own_from_the_same_address(app):
    limited(app, search=("2/minute", GENEROUS))
    maria, nikos = visitor(app, citizen=MARIA), visitor(app, citizen=NIKOS)
    search(maria)
    search(maria)
    search(maria, expected_status=429)
    search(nikos)
    search(nikos)
    search(nikos, expected_status=429)


def test_the_address_budget_is_shared_by_everyone_behind_it(app):
    limited(app, search=(GENEROUS, "3/minute"))
    maria, nikos, anonymous = visitor(app, citizen=MARIA), visitor(app, citizen=NIKOS), visitor(app)
    search(maria)
    search(maria)
    search(nikos)
    search(nikos, expected_status=429)
    search(maria, expected_status=429)
    search(anonymous, expected_status=429)
    search(visitor(app, citizen=NIKOS, address="192.0.2.7"))


def test_the_citizens_budget_follows_them_to_another_address(app):
    limited(app, search=("1/minute", GENEROUS))
    search(visitor(app, citizen=MARIA))
    search(visitor(app, citizen=MARIA, address="192.0.2.7"), expected_status=429)


def test_the_limiters_keys_hold_no_tax_id(app):
    limited(app, search=("1/minute", GENEROUS))
    maria = visitor(app, citizen=MARIA)
    search(maria)
    search(maria, expected_status=429)
    keys = list(limits.limiter.storage.storage) + list(limits.limiter.storage.expirations)
    assert any("citizen:" in key for key in keys), keys
    for key in keys:
        assert MARIA.tax_id not in key
        assert "127.0.0.1" not in key or "address:" in key


def test_a_wizard_answer_over_the_limit_is_refused_and_the_step_kept(app):
    limited(app, booking=("1/minute", GENEROUS))
    maria = visitor(app, citizen=MARIA)
    maria.post("/book/category", {"category": "information"}, expected_status=303)
    page = maria.post("/book/category", {"category": "certificates"}, expected_status=429)
    assert page.response.headers["Retry-After"]
    assert page.find("a", href="/book/category")
    # The first answer is still there.
    assert maria.client.get("/book/category").status_code == 200
    assert page.find(string=lambda text: "Nothing you typed has been lost." in text)


def test_an_htmx_step_over_the_limit_swaps_main_with_the_429_page(app):
    limited(app, booking=("1/minute", GENEROUS))
    maria = visitor(app, citizen=MARIA)
    token = maria.csrf_token("/book/category")
    maria.client.post("/book/category", data={"category": "information", "csrf_token": token})
    response = maria.client.post("/book/category", data={"category": "information", "csrf_token": token},
                                 headers={"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "main-content"})
    assert response.status_code == 429
    assert response.headers["Retry-After"]
    html = response.get_data(as_text=True)
    assert 'id="main-content"' in html and HEADINGS["en"] in html
    assert "<footer" not in html, "the short answer of a boosted step"


def test_an_htmx_search_over_the_limit_gets_the_429_page(app):
    limited(app, search=(GENEROUS, "1/minute"))
    client = visitor(app)
    headers = {"HX-Request": "true", "HX-Target": "search-results"}
    assert client.client.get("/municipalities?q=chania", headers=headers).status_code == 200
    response = client.client.get("/municipalities?q=chan", headers=headers)
    assert response.status_code == 429
    assert response.headers["Retry-After"]
    assert HEADINGS["en"] in response.get_data(as_text=True)


def test_feedback_is_limited_but_its_form_is_not(app, outbox):
    limited(app, feedback=("1/minute", "1/minute"))
    client = visitor(app)
    message = {"problem": "The search box is not announced", "page": "", "email": ""}
    client.post("/feedback", message, expected_status=303)
    page = client.post("/feedback", message, expected_status=429)
    assert page.find("a", href="/feedback")
    # The refused message is not kept anywhere: the page does not claim it is.
    assert not page.find(string=lambda text: "Nothing you typed has been lost." in text)
    client.get("/feedback")


@pytest.mark.parametrize("path, action", [("/appointments/KEP-0000/cancel", "change"),
                                          ("/appointments/KEP-0000/reschedule", "change"),
                                          ("/book/hold/extend", "hold")])
def test_changes_and_holds_are_limited(app, path, action):
    limited(app, **{action: ("1/minute", GENEROUS)})
    maria = visitor(app, citizen=MARIA)
    token = maria.csrf_token("/feedback")
    maria.client.post(path, data={"csrf_token": token})
    page = maria.post(path, {"csrf_token": token}, expected_status=429)
    assert page.response.headers["Retry-After"]


def test_the_sign_in_start_is_limited_per_address(app_config):
    app = create_app({**app_config, "GSIS_CLIENT_ID": "kepweb", "GSIS_AUTHORIZE_URL": "https://gsis.example/authorize",
                      "GSIS_TOKEN_URL": "https://gsis.example/token"})
    limited(app, sign_in=(GENEROUS, "1/minute"))
    client = visitor(app)
    assert client.client.get("/sign-in").status_code in (302, 303)
    client.get("/sign-in", expected_status=429)
    assert visitor(app, address="192.0.2.7").client.get("/sign-in").status_code in (302, 303)


def test_every_protected_action_is_in_the_table_and_every_limit_is_valid(app):
    from limits import parse_many

    for action, budgets in limits.LIMITS.items():
        assert len(budgets) == 2, action
        for budget in budgets:
            assert parse_many(budget), (action, budget)


@pytest.mark.parametrize("seconds, english", [
    (20, "You can try again in 1 minute."),
    (61, "You can try again in 2 minutes."),
    (3600, "You can try again in 60 minutes."),
])
def test_when_to_try_again_in_minutes(app, seconds, english):
    with app.test_request_context(headers={"Cookie": "kepweb_lang=en"}):
        assert errors.when_to_try_again(time.time(), seconds) == english


def test_when_to_try_again_later_is_a_time_in_athens(app):
    morning = datetime(2026, 11, 27, 9, 15, tzinfo=ATHENS).timestamp()
    with app.test_request_context(headers={"Cookie": "kepweb_lang=en"}):
        assert errors.when_to_try_again(morning, 3 * 3600) == "You can try again after 12:15."
        assert errors.when_to_try_again(morning, 20 * 3600) == "You can try again on 28 November after 05:15."


def test_production_refuses_counters_in_process_memory(app_config, redis_url):
    with pytest.raises(ConfigError, match="Not acceptable: limits kept in process memory in production"):
        create_app({**app_config, "KEPWEB_PRODUCTION": True, "REDIS_URL": redis_url,
                    "RATELIMIT_STORAGE_URI": "memory://"})
    # On a laptop (one process) memory is right.
    laptop = create_app({**app_config, "RATELIMIT_STORAGE_URI": "memory://"})
    assert laptop.config["RATELIMIT_STORAGE_URI"] == "memory://"
