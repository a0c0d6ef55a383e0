"""Sign-in with the GSIS-like provider, over real HTTP, as a visitor without JavaScript would."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from sandbox.gsis import PASSWORD
from tests.live_service import LiveService
from tests.page_checks import text_of


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("sign-in") / "scheduling.sqlite3",
                          {"PROPAGATE_EXCEPTIONS": False})
    yield service
    service.stop()


@pytest.fixture
def visitor(live):
    """A cookie-keeping client without JavaScript that does not follow redirects on its own."""
    session = requests.Session()
    session.cookies.set("kepweb_lang", "en")
    return session


def follow(session, response, limit=10):
    while response.is_redirect and limit:
        response = session.get(requests.compat.urljoin(response.url, response.headers["Location"]),
                               allow_redirects=False)
        limit -= 1
    return response


def provider_form(page_html):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page_html)
    action = re.search(r'<form[^>]*action="([^"]+)"', page_html)
    return (token.group(1) if token else ""), (action.group(1).replace("&amp;", "&") if action else "")


def sign_in(visitor, live, username="maria", start="/appointments"):
    page = follow(visitor, visitor.get(f"{live.url}{start}", allow_redirects=False))
    assert "/oauth2server/oauth/authorize" in page.url, page.url
    token, action = provider_form(page.text)
    answer = visitor.post(requests.compat.urljoin(page.url, action or page.url),
                          data={"username": username, "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False)
    return answer, follow(visitor, answer)


def kepweb_cookie(visitor):
    return visitor.cookies.get("kepweb_session")


def test_a_protected_page_sends_you_to_taxisnet_and_back(visitor, live):
    _, landed = sign_in(visitor, live, start="/appointments")
    assert landed.status_code == 200
    assert urlsplit(landed.url).path == "/appointments"
    assert "<h1" in landed.text and "My appointments" in landed.text
    assert "ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ" in landed.text


def test_the_session_is_renewed_at_sign_in(visitor, live):
    visitor.get(f"{live.url}/")
    before = kepweb_cookie(visitor)
    assert before
    sign_in(visitor, live)
    after = kepweb_cookie(visitor)
    assert after and after != before
    # The old id is worth nothing now.
    stale = requests.Session()
    stale.cookies.set("kepweb_session", before)
    assert urlsplit(stale.get(f"{live.url}/appointments", allow_redirects=False).headers["Location"]).path == "/sign-in"


def test_the_session_cookie_holds_no_token_or_personal_data(visitor, live):
    sign_in(visitor, live)
    cookie = kepweb_cookie(visitor)
    # Only a random id: no signed payload (which would carry the data), no ΑΦΜ, no token.
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,64}", cookie)


def test_a_deep_link_from_gov_gr_survives_the_round_trip(visitor, live):
    page = follow(visitor, visitor.get(f"{live.url}/start?category=municipal&municipality=chania",
                                       allow_redirects=False))
    assert "Municipality of Chania" in page.text
    _, landed = sign_in(visitor, live, start="/sign-in?next=/start")
    assert urlsplit(landed.url).path == "/start"
    assert "Municipality of Chania" in landed.text
    assert "You are signed in as ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ" in text_of(BeautifulSoup(landed.text, "html.parser"))


@pytest.mark.parametrize("username, tax_id", [("kostas", "090000045"), ("eleni", "998877666")])
def test_padding_and_leading_zeros_from_gsis_are_tidied(visitor, live, username, tax_id):
    _, landed = sign_in(visitor, live, username)
    assert landed.status_code == 200
    name = BeautifulSoup(landed.text, "html.parser").find(class_="kepweb-account__name").get_text()
    assert name and name == name.strip() and "  " not in name


@pytest.mark.parametrize("username, status", [("invalid", 502), ("broken", 502)])
def test_an_unusable_answer_from_gsis_gives_a_clear_page(visitor, live, username, status):
    _, landed = sign_in(visitor, live, username)
    assert landed.status_code == status
    assert "We could not sign you in" in landed.text
    assert visitor.get(f"{live.url}/appointments", allow_redirects=False).status_code == 303


def test_a_mismatched_state_is_refused(visitor, live):
    page = follow(visitor, visitor.get(f"{live.url}/sign-in", allow_redirects=False))
    query = parse_qs(urlsplit(page.url).query)
    forged = visitor.get(f"{live.url}/sign-in/callback", params={"code": "x", "state": "not-" + query["state"][0]},
                         allow_redirects=False)
    assert forged.status_code == 400 and "We could not sign you in" in forged.text


def test_a_replayed_code_is_refused(visitor, live):
    answer, _ = sign_in(visitor, live)
    callback = answer.headers["Location"]
    visitor.cookies.clear()
    replay = requests.Session()
    # The attacker also needs the state in their session: start a sign-in of their own first.
    follow(replay, replay.get(f"{live.url}/sign-in", allow_redirects=False))
    stolen = replay.get(callback, allow_redirects=False)
    assert stolen.status_code == 400


def test_cancelling_at_taxisnet_explains_what_happened(visitor, live):
    page = follow(visitor, visitor.get(f"{live.url}/sign-in", allow_redirects=False))
    state = parse_qs(urlsplit(page.url).query)["state"][0]
    cancelled = visitor.get(f"{live.url}/sign-in/callback", params={"error": "access_denied", "state": state})
    assert cancelled.status_code == 200 and "You did not sign in" in cancelled.text


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example"])
def test_return_urls_stay_on_our_site(visitor, live, target):
    _, landed = sign_in(visitor, live, start=f"/sign-in?next={requests.utils.quote(target)}")
    assert urlsplit(landed.url).netloc == urlsplit(live.url).netloc
    assert urlsplit(landed.url).path == "/start"


def test_sign_out_ends_the_session_and_passes_through_gsis(visitor, live):
    _, landed = sign_in(visitor, live)
    token = re.search(r'action="/sign-out".*?name="csrf_token" value="([^"]+)"', landed.text, re.S).group(1)
    out = visitor.post(f"{live.url}/sign-out", data={"csrf_token": token}, allow_redirects=False)
    assert out.status_code == 303
    assert out.headers["Location"].startswith(f"{live.url}/oauth2server/logout/kepweb-sandbox/?url=")
    home = follow(visitor, out)
    assert urlsplit(home.url).path == "/"
    assert visitor.get(f"{live.url}/appointments", allow_redirects=False).status_code == 303


def test_idle_sessions_end_with_an_explanation(live):
    """A session idle for longer than its lifetime ends at the next request. No
    waiting: the lifetime is set shorter than the time since the last request
    (any time at all: zero), then set back."""
    visitor = requests.Session()
    visitor.cookies.set("kepweb_lang", "en")
    _, landed = sign_in(visitor, live)
    assert urlsplit(landed.url).path == "/appointments"
    live.frontend.config["PERMANENT_SESSION_LIFETIME"] = timedelta(0)
    try:
        ended = follow(visitor, visitor.get(f"{live.url}/appointments", allow_redirects=False))
    finally:
        live.frontend.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=30)
    assert urlsplit(ended.url).path == "/session/expired"
    assert "Your session has ended" in ended.text
    # Ended for good: the next request is not signed in.
    next_page = visitor.get(f"{live.url}/appointments", allow_redirects=False)
    assert urlsplit(next_page.headers["Location"]).path == "/sign-in"
