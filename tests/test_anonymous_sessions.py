"""Anonymous visitors leave nothing on the server (issue #16): a crowd of them
cannot fill the session store and push signed-in citizens' sessions out of it.

What a visitor who has not signed in needs between requests (the CSRF token,
the OAuth state of a sign-in under way, where to go after it) travels in a
signed cookie; the server store holds only signed-in sessions
(kepweb/auth/sessions.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from cachelib import FileSystemCache, SimpleCache
from flask.json.tag import TaggedJSONSerializer
from itsdangerous import URLSafeTimedSerializer

from kepweb import create_app
from kepweb.auth.sessions import LAST_SEEN, SESSION_CITIZEN
from tests.live_service import ROBOT_BUDGETS, LiveService
from tests.test_sign_in import follow, sign_in
from tests.test_staff_sign_in import staff_sign_in

# Every kind of page an anonymous visitor sees, and the requests that write something to their session:
# the CSRF token (every page has one), a sign-in's OAuth state and return address, a deep link's
# preselection, a guest's invitation, a form sent.
ANONYMOUS_VISIT = [
    "/", "/manual", "/accessibility", "/privacy", "/feedback", "/municipalities",
    "/language/en?next=/manual", "/sign-in?next=/appointments", "/start?category=municipal&municipality=chania",
    "/no-such-page", "/join/not-a-real-invitation", "/join", "/session/status", "/healthz",
    # Pages that need a signed-in citizen or staff member send the visitor to sign in.
    "/appointments", "/book/category", "/staff",
]


@pytest.fixture
def app_config(app_config, tmp_path):
    # No request ever reaches the provider here: the sign-in only starts, with a redirect to it.
    return {**app_config, "SESSION_DIRECTORY": str(tmp_path / "sessions"),
            "GSIS_CLIENT_ID": "kepweb", "GSIS_AUTHORIZE_URL": "https://gsis.invalid/oauth/authorize",
            "GSIS_TOKEN_URL": "https://gsis.invalid/oauth/token", "RATELIMITS": ROBOT_BUDGETS}


def stored_sessions(app) -> int:
    """Entries in the server's session store: its files, without the one where cachelib keeps their count."""
    return len(list(app.config["SESSION_CACHELIB"]._list_dir()))


def visit_as_anonymous(app, visitors: int) -> None:
    for _ in range(visitors):
        client = app.test_client()
        for url in ANONYMOUS_VISIT:
            client.get(url)
        token = csrf_token_of(client, "/feedback")
        assert client.post("/feedback", data={"csrf_token": token, "problem": ""}).status_code == 200


def csrf_token_of(client, url) -> str:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    return page.select_one("main input[name=csrf_token]")["value"]


def test_anonymous_visitors_write_nothing_to_the_session_store(app):
    visit_as_anonymous(app, visitors=20)
    assert stored_sessions(app) == 0


def test_a_crowd_of_anonymous_visitors_does_not_push_a_signed_in_citizen_out(app_config, tmp_path):
    """A file store that prunes past its threshold (cachelib's default is 500 entries) used to drop
    signed-in sessions to make room for anonymous ones; here the threshold is 5 and 20 visitors come."""
    store = FileSystemCache(str(tmp_path / "small-store"), threshold=5)
    app = create_app({**app_config, "SESSION_CACHELIB": store})
    citizen = app.test_client()
    with citizen.session_transaction() as session:
        session[SESSION_CITIZEN] = {"tax_id": "094014201"}
        session[LAST_SEEN] = time.time()
    visit_as_anonymous(app, visitors=20)
    assert citizen.get("/session/status").json["signed_in"] is True


def test_a_signed_in_session_is_what_the_store_holds(app, client):
    """The counter above counts what it should: a signed-in session is an entry in the store."""
    visit_as_anonymous(app, visitors=1)
    with client.session_transaction() as session:
        session[SESSION_CITIZEN] = {"tax_id": "094014201"}
    assert stored_sessions(app) == 1


def test_any_store_flask_session_is_given_serves_the_signed_in_only(app_config):
    """Not tied to files: the store is whatever the configuration gives Flask-Session (Redis in production)."""
    store = SimpleCache()
    app = create_app({**app_config, "SESSION_CACHELIB": store})
    client = app.test_client()
    for url in ANONYMOUS_VISIT:
        client.get(url)
    assert not store._cache
    with client.session_transaction() as session:
        session[SESSION_CITIZEN] = {"tax_id": "094014201"}
    assert list(store._cache) == [f"{app.config['SESSION_KEY_PREFIX']}{client.get_cookie('kepweb_session').value}"]


# -- CSRF, still on every form ------------------------------------------------------------------


FORMS = {"/feedback": {"problem": "The map does not load"}, "/join/confirm": {}, "/session/extend": {}}


@pytest.mark.parametrize("url", FORMS)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_an_anonymous_post_without_the_token_or_with_a_wrong_one_is_refused(client, url, htmx):
    client.set_cookie("kepweb_lang", "en")
    real = csrf_token_of(client, "/feedback")
    someone_elses = csrf_token_of(app_client := client.application.test_client(), "/feedback")
    assert app_client.get_cookie("kepweb_session").value != client.get_cookie("kepweb_session").value
    for token in (None, "", "not-a-token", real[:-4] + "AAAA", someone_elses):
        if htmx:
            headers = {"HX-Request": "true", **({"X-CSRFToken": token} if token is not None else {})}
            response = client.post(url, data=FORMS[url], headers=headers)
        else:
            response = client.post(url, data={**FORMS[url], **({"csrf_token": token} if token is not None else {})})
        assert response.status_code == 400, (token, response.status_code)
        assert "We could not accept the form" in response.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_an_anonymous_post_with_its_own_token_is_accepted(client, outbox, htmx):
    token = csrf_token_of(client, "/feedback")
    data = {"problem": "The map does not load"}
    response = (client.post("/feedback", data=data, headers={"HX-Request": "true", "X-CSRFToken": token}) if htmx
                else client.post("/feedback", data={**data, "csrf_token": token}))
    assert response.status_code == 303 and response.headers["Location"].endswith("/feedback/sent")


def test_a_forged_or_foreign_anonymous_cookie_is_worth_nothing(app, client):
    """Signed with another key it is ignored; and even signed with ours, a cookie never carries anyone."""
    foreign = URLSafeTimedSerializer("not-our-key", salt="cookie-session", serializer=TaggedJSONSerializer(),
                                     signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1})
    ours = app.session_interface.in_cookie.get_signing_serializer(app)
    citizen = {SESSION_CITIZEN: {"tax_id": "094014201", "first_name": "ΜΑΡΙΑ"}, LAST_SEEN: time.time()}
    for serializer in (foreign, ours):
        client.set_cookie("kepweb_session", serializer.dumps(citizen))
        assert client.get("/appointments").status_code == 303
        assert client.get("/session/status").json == {"signed_in": False, "seconds_left": 0}


# -- sign-in, sign-out and the cookie, over real HTTP ---------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    service = LiveService(tmp_path_factory.mktemp("anonymous-sessions") / "scheduling.sqlite3",
                          {"PROPAGATE_EXCEPTIONS": False,
                           "SESSION_DIRECTORY": str(tmp_path_factory.mktemp("anonymous-sessions-store"))})
    yield service
    service.stop()


class CookieWatcher:
    """Every value the service sets for its session cookie, in order."""

    def __init__(self):
        self.values = []

    def __call__(self, response, *args, **kwargs):
        for cookie in response.cookies:
            if cookie.name == "kepweb_session":
                self.values.append(cookie.value)


@pytest.fixture
def watched(live):
    visitor = requests.Session()
    visitor.cookies.set("kepweb_lang", "en")
    visitor.set_cookies = CookieWatcher()
    visitor.hooks["response"].append(visitor.set_cookies)
    return visitor


def in_store(live, session_id) -> bool:
    app = live.frontend
    return app.config["SESSION_CACHELIB"].has(f"{app.config['SESSION_KEY_PREFIX']}{session_id}")


def is_session_id(value) -> bool:
    return re.fullmatch(r"[A-Za-z0-9_-]{32,64}", value) is not None


def test_a_cookie_planted_before_sign_in_is_worth_nothing_after_it(watched, live):
    follow(watched, watched.get(f"{live.url}/sign-in?next=/appointments", allow_redirects=False))
    planted = watched.cookies.get("kepweb_session")
    assert "." in planted  # the anonymous, signed cookie, with the sign-in's state in it
    _, landed = sign_in(watched, live)
    assert urlsplit(landed.url).path == "/appointments"
    signed_in = watched.cookies.get("kepweb_session")
    assert is_session_id(signed_in) and signed_in != planted and in_store(live, signed_in)
    # Whoever kept a copy of the cookie from before sign-in (or planted it) is not signed in.
    attacker = requests.Session()
    attacker.cookies.set("kepweb_session", planted)
    assert urlsplit(attacker.get(f"{live.url}/appointments", allow_redirects=False).headers["Location"]).path \
        == "/sign-in"


def test_a_made_up_session_id_is_replaced_at_sign_in(watched, live):
    made_up = "A" * 43
    watched.cookies.set("kepweb_session", made_up, domain=urlsplit(live.url).hostname, path="/")
    sign_in(watched, live)
    signed_in = watched.cookies.get("kepweb_session")
    assert is_session_id(signed_in) and signed_in != made_up and not in_store(live, made_up)


def test_sign_out_deletes_the_session_from_the_store(watched, live):
    _, landed = sign_in(watched, live)
    signed_in = watched.cookies.get("kepweb_session")
    assert in_store(live, signed_in)
    token = re.search(r'action="/sign-out".*?name="csrf_token" value="([^"]+)"', landed.text, re.S).group(1)
    assert watched.post(f"{live.url}/sign-out", data={"csrf_token": token}, allow_redirects=False).status_code == 303
    assert not in_store(live, signed_in)
    # The signed-out browser is an anonymous visitor again: back to a signed cookie, no entry in the store.
    watched.get(f"{live.url}/")
    assert "." in watched.cookies.get("kepweb_session")


def test_staff_sign_in_moves_to_the_store_and_sign_out_deletes_it(watched, live):
    follow(watched, watched.get(f"{live.url}/staff", allow_redirects=False))
    before = watched.cookies.get("kepweb_session")
    assert "." in before  # the staff sign-in's state, in the anonymous cookie
    _, landed = staff_sign_in(watched, live)
    signed_in = watched.cookies.get("kepweb_session")
    assert is_session_id(signed_in) and in_store(live, signed_in)
    token = re.search(r'action="/staff/sign-out".*?name="csrf_token" value="([^"]+)"', landed.text, re.S).group(1)
    assert watched.post(f"{live.url}/staff/sign-out", data={"csrf_token": token},
                        allow_redirects=False).status_code == 303
    assert not in_store(live, signed_in)


def test_the_idle_timeout_deletes_the_session_from_the_store(watched, live):
    sign_in(watched, live)
    signed_in = watched.cookies.get("kepweb_session")
    live.frontend.config["PERMANENT_SESSION_LIFETIME"] = timedelta(0)
    try:
        ended = watched.get(f"{live.url}/appointments", allow_redirects=False)
    finally:
        live.frontend.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=30)
    assert urlsplit(ended.headers["Location"]).path == "/session/expired"
    assert not in_store(live, signed_in)


def test_no_cookie_ever_carries_the_citizen_and_every_cookie_stays_small(watched, live):
    # A deep link's choice, a sign-in started from a protected page, the round trip, pages as the citizen.
    follow(watched, watched.get(f"{live.url}/start?category=municipal&municipality=chania", allow_redirects=False))
    sign_in(watched, live, start="/appointments")
    for url in ("/", "/appointments", "/book/category", "/needs-profile"):
        watched.get(f"{live.url}{url}")
    serializer = live.frontend.session_interface.in_cookie.get_signing_serializer(live.frontend)
    anonymous = [value for value in watched.set_cookies.values if "." in value]
    signed_in = [value for value in watched.set_cookies.values if "." not in value]
    assert anonymous and signed_in and all(is_session_id(value) for value in signed_in)
    maria = ("094014201", "ΜΑΡΙΑ", "ΠΑΠΑΔΟΠΟΥΛΟΥ", "User094014201")
    for value in anonymous:
        contents = json.dumps(serializer.loads(value), ensure_ascii=False)
        assert not any(personal in contents or personal in value for personal in maria), contents
        assert SESSION_CITIZEN not in serializer.loads(value)
    # Browsers keep at most 4096 bytes a cookie; the largest here is the sign-in's state and return address.
    assert max(len(value) for value in watched.set_cookies.values) < 1024
