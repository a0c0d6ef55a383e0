"""The GSIS-like OAuth 2.0 provider (sandbox.gsis), mounted at /oauth2server as the project mounts it.

Fixtures are this file's own: the folder's conftest.py belongs to the scheduling service.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree
from stdnum.gr import vat
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from sandbox.gsis import PASSWORD, TEST_USERS, USERS_BY_NAME, create_app
from tests.page_checks import check_page

PREFIX = "/oauth2server"
AUTHORIZE = f"{PREFIX}/oauth/authorize"
TOKEN = f"{PREFIX}/oauth/token"
USERINFO = f"{PREFIX}/userinfo?format=xml"
CALLBACK = "http://127.0.0.1:5000/auth/callback"
KEPWEB = {"client_id": "kepweb", "client_secret": "kepweb-secret", "redirect_uris": [CALLBACK]}
OTHER = {"client_id": "other", "client_secret": "other-secret",
         "redirect_uris": ["https://other.example/cb", "https://other.example/cb2"]}
CODE_SECONDS, TOKEN_SECONDS = 60, 300


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(clock):
    """The provider behind a DispatcherMiddleware at /oauth2server, as app.py mounts it."""
    app = create_app([KEPWEB, OTHER], code_seconds=CODE_SECONDS, token_seconds=TOKEN_SECONDS, clock=clock)
    app.config["TESTING"] = True
    app.wsgi_app = DispatcherMiddleware(NotFound(), {PREFIX: app.wsgi_app})
    return app


@pytest.fixture
def client(app):
    return app.test_client()


# -- helpers -------------------------------------------------------------------------


def authorize_query(**changes):
    query = {"response_type": "code", "client_id": "kepweb", "redirect_uri": CALLBACK, "scope": "read",
             "state": "st-123"}
    query.update(changes)
    return {key: value for key, value in query.items() if value is not None}


def csrf_of(response) -> str:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return page.find("input", attrs={"name": "csrf_token"})["value"]


def sign_in(client, username="maria", password=PASSWORD, **changes):
    query = authorize_query(**changes)
    form = client.get(AUTHORIZE, query_string=query)
    assert form.status_code == 200, form.get_data(as_text=True)
    return client.post(AUTHORIZE, query_string=query,
                       data={"csrf_token": csrf_of(form), "username": username, "password": password})


def callback_params(response) -> dict[str, str]:
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert location.split("?")[0] == CALLBACK
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def code_for(client, username="maria", **changes) -> str:
    return callback_params(sign_in(client, username, **changes))["code"]


def exchange(client, code, redirect_uri=CALLBACK, client_id="kepweb", client_secret="kepweb-secret", **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": client_id, "client_secret": client_secret, **extra}
    return client.post(TOKEN, data=data)


def access_token_for(client, username="maria") -> str:
    response = exchange(client, code_for(client, username))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def userinfo(client, token):
    return client.get(USERINFO, headers={"Authorization": f"Bearer {token}"})


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def page_of(response) -> BeautifulSoup:
    return check_page(response.get_data(as_text=True))


# -- the code flow -------------------------------------------------------------------


def test_full_code_flow_with_client_secret_post_answers_gsis_xml(client):
    params = callback_params(sign_in(client, "maria"))
    assert params["state"] == "st-123"

    token_response = exchange(client, params["code"])
    assert token_response.status_code == 200
    token = token_response.get_json()
    assert token["token_type"].lower() == "bearer"
    assert token["expires_in"] == TOKEN_SECONDS
    assert token["scope"] == "read"
    assert "refresh_token" not in token
    assert token_response.headers["Cache-Control"] == "no-store"

    answer = userinfo(client, token["access_token"])
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/xml; charset=UTF-8"
    assert answer.get_data(as_text=True) == (
        '<root><userinfo userid="User094014201" taxid="094014201" lastname="ΠΑΠΑΔΟΠΟΥΛΟΥ" firstname="ΜΑΡΙΑ" '
        'fathername="ΙΩΑΝΝΗΣ" mothername="ΑΙΚΑΤΕΡΙΝΗ" birthyear="1984"/></root>'
    )
    root = ElementTree.fromstring(answer.data)
    assert root.tag == "root" and [child.tag for child in root] == ["userinfo"]
    assert "email" not in root[0].attrib


def test_client_secret_basic_is_accepted_too(client):
    code = code_for(client)
    basic = base64.b64encode(b"kepweb:kepweb-secret").decode()
    response = client.post(TOKEN, headers={"Authorization": f"Basic {basic}"},
                           data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK})
    assert response.status_code == 200
    assert userinfo(client, response.get_json()["access_token"]).status_code == 200


def test_wrong_client_secret_is_invalid_client(client):
    response = exchange(client, code_for(client), client_secret="wrong")
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_state_is_passed_back_exactly(client):
    state = "a b/c?d=e&f=ü+%"
    assert callback_params(sign_in(client, state=state))["state"] == state


def test_empty_scope_is_accepted_as_gsis_does(client):
    code = code_for(client, scope="")
    response = exchange(client, code)
    assert response.status_code == 200
    assert userinfo(client, response.get_json()["access_token"]).status_code == 200


def test_unknown_scope_goes_back_to_the_client_as_invalid_scope(client):
    params = callback_params(client.get(AUTHORIZE, query_string=authorize_query(scope="write")))
    assert params["error"] == "invalid_scope" and params["state"] == "st-123"


def test_other_response_types_go_back_as_unsupported(client):
    params = callback_params(client.get(AUTHORIZE, query_string=authorize_query(response_type="token")))
    assert params["error"] == "unsupported_response_type" and params["state"] == "st-123"


def test_cancel_link_returns_access_denied_with_state(client):
    page = page_of(client.get(AUTHORIZE, query_string=authorize_query()))
    cancel = [link for link in page.find_all("a") if link["href"].startswith(CALLBACK)]
    assert len(cancel) == 1
    params = parse_qs(urlsplit(cancel[0]["href"]).query)
    assert params["error"] == ["access_denied"] and params["state"] == ["st-123"]


def test_a_signed_in_citizen_goes_straight_back_until_logout(client):
    first = callback_params(sign_in(client, "giorgos"))
    again = client.get(AUTHORIZE, query_string=authorize_query(state="second"))
    params = callback_params(again)  # no form: GSIS keeps its own session
    assert params["state"] == "second" and params["code"] != first["code"]
    token = exchange(client, params["code"]).get_json()["access_token"]
    assert 'taxid="135792468"' in userinfo(client, token).get_data(as_text=True)

    logout = client.get(f"{PREFIX}/logout/kepweb/", query_string={"url": "http://127.0.0.1:5000/"})
    assert logout.status_code == 302
    assert client.get(AUTHORIZE, query_string=authorize_query()).status_code == 200  # the form again


# -- the sign-in form ------------------------------------------------------------------


def test_wrong_password_shows_the_error_summary_with_status_200(client):
    response = sign_in(client, "maria", "not-the-password")
    assert response.status_code == 200
    assert "Location" not in response.headers
    page = page_of(response)
    assert page.title.get_text().startswith("Σφάλμα: ")

    summary = page.find(class_="govgr-error-summary")
    main = page.find("main")
    assert summary is not None and main.find(class_="govgr-error-summary") is summary
    assert summary.find_next("h1") is not None  # the summary comes before the heading
    alert = summary.find(attrs={"role": "alert"})
    link = alert.find("a")
    assert link["href"] == "#username"
    assert link.get_text(strip=True) == "Το όνομα χρήστη ή ο κωδικός δεν είναι σωστά"

    username = page.find("input", id="username")
    assert "username-error" in username["aria-describedby"].split()
    assert username["value"] == "maria"
    message = page.find(id="username-error")
    assert message.find(class_="govgr-visually-hidden").get_text(strip=True) == "Σφάλμα:"
    assert "Το όνομα χρήστη ή ο κωδικός δεν είναι σωστά" in message.get_text()
    assert not page.find("input", id="password").get("value")  # never echoed


def test_wrong_password_in_english(client):
    response = sign_in(client, "nobody", "nothing", lang="en")
    page = page_of(response)
    assert page.html["lang"] == "en"
    assert page.title.get_text().startswith("Error: ")
    assert page.find(id="username-error").find(class_="govgr-visually-hidden").get_text(strip=True) == "Error:"
    assert page.find(attrs={"role": "alert"}).find("a").get_text(strip=True) == "The username or password is not right"


@pytest.mark.parametrize(("lang", "check", "reset"), [("el", "Caps Lock", "ΑΑΔΕ (aade.gr)"),
                                                       ("en", "Caps Lock", "AADE")])
def test_a_wrong_password_says_what_to_check_and_where_to_recover_it(client, lang, check, reset):
    """Read out with the error: what to check, where the test users are, where real credentials are recovered."""
    alert = page_of(sign_in(client, "maria", "not-the-password", lang=lang)).find(attrs={"role": "alert"})
    help_text = alert.find("p").get_text(" ", strip=True)
    assert check in help_text and reset in help_text and "Taxisnet" in help_text
    table_heading = page_of(sign_in(client, "maria", "x", lang=lang)).find("h2", string=lambda s: s and (
        "Δοκιμαστικοί χρήστες" in s or "Test users" in s)).get_text(strip=True)
    assert table_heading in help_text  # the table is named, not only placed "below"


def test_an_empty_field_gets_no_recovery_advice(client):
    assert page_of(sign_in(client, "", "")).find(attrs={"role": "alert"}).find("p") is None


def test_empty_fields_get_an_error_each(client):
    page = page_of(sign_in(client, "", ""))
    links = [link["href"] for link in page.find(attrs={"role": "alert"}).find_all("a")]
    assert links == ["#username", "#password"]
    assert page.find("input", id="password")["aria-describedby"] == "password-error"


def test_a_post_without_the_csrf_token_is_refused(client):
    client.get(AUTHORIZE, query_string=authorize_query())
    response = client.post(AUTHORIZE, query_string=authorize_query(),
                           data={"username": "maria", "password": PASSWORD})
    assert response.status_code == 400
    assert "Location" not in response.headers
    page_of(response)


def test_sign_in_page_is_accessible_markup(client):
    response = client.get(AUTHORIZE, query_string=authorize_query())
    assert response.headers["Content-Type"].startswith("text/html")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    page = page_of(response)  # one h1, <html lang>, labels, no inline script or style, unique ids
    assert page.html["lang"] == "el"
    assert page.find("h1").get_text(strip=True) == "Σύνδεση με κωδικούς Taxisnet"
    assert page.find("header") is not None and page.find("main") is not None
    assert page.find("main").find("h1") is not None
    assert not page.find("script")
    assert not page.find(attrs={"style": True}) and not page.find("style")

    username, password = page.find("input", id="username"), page.find("input", id="password")
    assert username["autocomplete"] == "username" and password["autocomplete"] == "current-password"
    assert page.find("label", attrs={"for": "username"}) and page.find("label", attrs={"for": "password"})
    assert "govgr-input" in username["class"]
    assert page.find("button", attrs={"type": "submit"})["class"] == ["govgr-btn", "govgr-btn-primary"]
    assert page.find("input", attrs={"name": "csrf_token", "type": "hidden"})["value"]

    # The sandbox says what it is, and lists its users with their password.
    assert "Δοκιμαστικό" in page.find("header").get_text()
    table = page.find("table", class_="govgr-table")
    text = table.get_text(" ")
    for user in TEST_USERS:
        assert user.username in text
    assert PASSWORD in text

    # Every URL carries the mount point; the frontend's stylesheet is same-origin.
    form = page.find("form")
    assert form["method"] == "post" and form["action"].startswith(f"{AUTHORIZE}?")
    assert parse_qs(urlsplit(form["action"]).query)["state"] == ["st-123"]
    stylesheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    assert "/static/vendor/digigov/digigov.css" in stylesheets
    assert f"{PREFIX}/static/gsis.css" in stylesheets
    assert client.get(f"{PREFIX}/static/gsis.css").headers["Content-Type"].startswith("text/css")


def test_language_from_query_cookie_or_browser_and_a_switch_keeping_the_query(client):
    assert page_of(client.get(AUTHORIZE, query_string=authorize_query())).html["lang"] == "el"
    english = page_of(client.get(AUTHORIZE, query_string=authorize_query(),
                                 headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert english.html["lang"] == "en"
    assert english.find("h1").get_text(strip=True) == "Sign in with your Taxisnet credentials"

    client.set_cookie("kepweb_lang", "el", path="/")
    cookie_wins = page_of(client.get(AUTHORIZE, query_string=authorize_query(),
                                     headers={"Accept-Language": "en"}))
    assert cookie_wins.html["lang"] == "el"

    switch = cookie_wins.find("a", attrs={"hreflang": "en"})
    query = parse_qs(urlsplit(switch["href"]).query)
    assert switch["href"].startswith(AUTHORIZE)
    assert query["lang"] == ["en"] and query["state"] == ["st-123"] and query["redirect_uri"] == [CALLBACK]
    assert page_of(client.get(switch["href"])).html["lang"] == "en"


def test_the_provider_cookie_is_its_own(client):
    response = client.get(AUTHORIZE, query_string=authorize_query())
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("gsis_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and f"Path={PREFIX}" in cookie
    assert "kepweb_session" not in response.headers.get("Set-Cookie", "")


# -- redirect URIs, codes and tokens ---------------------------------------------------


@pytest.mark.parametrize("redirect_uri", [
    "http://127.0.0.1:5000/auth/callback/evil",
    "http://127.0.0.1:5000/auth/callback?next=/x",
    "http://127.0.0.1:5000/auth/callbac",
    "http://127.0.0.1:5001/auth/callback",
    "https://evil.example/auth/callback",
])
def test_a_redirect_uri_that_is_not_registered_exactly_gets_an_error_page_never_a_redirect(client, redirect_uri):
    response = client.get(AUTHORIZE, query_string=authorize_query(redirect_uri=redirect_uri))
    assert response.status_code == 400
    assert "Location" not in response.headers
    page = page_of(response)
    assert page.find("h1").get_text(strip=True) == "Το αίτημα σύνδεσης δεν είναι έγκυρο"
    assert not any(link["href"].startswith(redirect_uri) for link in page.find_all("a"))


def test_an_unknown_client_gets_an_error_page(client):
    response = client.get(AUTHORIZE, query_string=authorize_query(client_id="nobody"))
    assert response.status_code == 400 and "Location" not in response.headers
    page_of(response)


def test_a_code_is_good_once(client):
    code = code_for(client)
    assert exchange(client, code).status_code == 200
    again = exchange(client, code)
    assert again.status_code == 400
    assert again.get_json()["error"] == "invalid_grant"


def test_a_code_presented_with_the_wrong_redirect_uri_is_consumed(client):
    code = code_for(client)
    assert exchange(client, code, redirect_uri="http://127.0.0.1:5000/other").get_json()["error"] == "invalid_grant"
    assert exchange(client, code).get_json()["error"] == "invalid_grant"


def test_a_code_is_the_clients_own(client):
    code = code_for(client)
    response = exchange(client, code, client_id="other", client_secret="other-secret")
    assert response.get_json()["error"] == "invalid_grant"


def test_an_expired_code_is_invalid_grant(client, clock):
    code = code_for(client)
    clock.advance(seconds=CODE_SECONDS + 1)
    response = exchange(client, code)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_a_code_just_inside_its_lifetime_works(client, clock):
    code = code_for(client)
    clock.advance(seconds=CODE_SECONDS - 1)
    assert exchange(client, code).status_code == 200


def test_an_expired_token_gets_json_401(client, clock):
    token = access_token_for(client)
    clock.advance(seconds=TOKEN_SECONDS - 1)
    assert userinfo(client, token).status_code == 200
    clock.advance(seconds=1)
    response = userinfo(client, token)
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.get_json()
    assert body["error"] == "invalid_token" and "expired" in body["error_description"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"},
                                     {"Authorization": "Bearer"}])
def test_missing_or_invalid_tokens_get_json_401(client, headers):
    response = client.get(USERINFO, headers=headers)
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"] == "invalid_token" and body["error_description"]


# -- PKCE ---------------------------------------------------------------------------


def test_pkce_s256_is_verified_when_the_client_uses_it(client):
    verifier, challenge = pkce_pair()
    code = code_for(client, code_challenge=challenge, code_challenge_method="S256")
    response = exchange(client, code, code_verifier=verifier)
    assert response.status_code == 200


def test_pkce_wrong_verifier_is_invalid_grant(client):
    _verifier, challenge = pkce_pair()
    other_verifier, _ = pkce_pair()
    code = code_for(client, code_challenge=challenge, code_challenge_method="S256")
    response = exchange(client, code, code_verifier=other_verifier)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"


def test_pkce_missing_verifier_is_refused(client):
    _verifier, challenge = pkce_pair()
    code = code_for(client, code_challenge=challenge, code_challenge_method="S256")
    response = exchange(client, code)
    assert response.status_code == 400
    assert response.get_json()["error"] in {"invalid_request", "invalid_grant"}


def test_pkce_plain_is_not_offered(client):
    verifier, _ = pkce_pair()
    response = client.get(AUTHORIZE, query_string=authorize_query(code_challenge=verifier,
                                                                 code_challenge_method="plain"))
    params = callback_params(response)
    assert params["error"] == "invalid_request" and params["state"] == "st-123"


# -- logout ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5000/",
    "http://127.0.0.1:5000/signed-out?lang=en",
    "http://127.0.0.1:5000",
])
def test_logout_redirects_within_the_clients_origin(client, url):
    response = client.get(f"{PREFIX}/logout/kepweb/", query_string={"url": url})
    assert response.status_code == 302
    assert response.headers["Location"] == url


@pytest.mark.parametrize("url", [
    "https://evil.example/",
    "http://127.0.0.1:5000.evil.example/",
    "http://127.0.0.1:50000/",
    "https://127.0.0.1:5000/",
    "http://evil.example@127.0.0.1:5000/",
    "//127.0.0.1:5000/",
    "/relative",
    "javascript:alert(1)",
    "https://other.example/cb",  # another client's origin
    "",
])
def test_logout_refuses_any_other_url_with_a_400_page(client, url):
    callback_params(sign_in(client))
    response = client.get(f"{PREFIX}/logout/kepweb/", query_string={"url": url})
    assert response.status_code == 400
    assert "Location" not in response.headers
    page_of(response)
    # The provider's session was left alone: still signed in.
    assert client.get(AUTHORIZE, query_string=authorize_query()).status_code == 302


def test_logout_of_an_unknown_client_is_a_400_page(client):
    response = client.get(f"{PREFIX}/logout/nobody/", query_string={"url": "http://127.0.0.1:5000/"})
    assert response.status_code == 400 and "Location" not in response.headers


def test_logout_deletes_the_provider_cookie(client):
    callback_params(sign_in(client))
    response = client.get(f"{PREFIX}/logout/kepweb/", query_string={"url": "http://127.0.0.1:5000/"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("gsis_session=;") and f"Path={PREFIX}" in cookie


# -- the test users ----------------------------------------------------------------------


def test_padded_user_values_come_exactly_as_specified(client):
    answer = userinfo(client, access_token_for(client, "eleni")).get_data(as_text=True)
    assert answer == (
        '<root><userinfo userid="  User998877666 " taxid="  998877666 " lastname=" ΠΑΠΑΔΟΠΟΥΛΟΥ  " '
        'firstname=" ΕΛΕΝΗ " fathername=" ΠΕΤΡΟΣ  " mothername="  ΑΝΝΑ " birthyear=" 1990 "/></root>'
    )
    attributes = ElementTree.fromstring(answer)[0].attrib
    assert attributes["taxid"] == "  998877666 " and attributes["lastname"] == " ΠΑΠΑΔΟΠΟΥΛΟΥ  "
    assert all(value != value.strip() for value in attributes.values())


def test_leading_zero_user_taxid_has_eleven_characters(client):
    answer = userinfo(client, access_token_for(client, "kostas")).get_data(as_text=True)
    taxid = ElementTree.fromstring(answer)[0].attrib["taxid"]
    assert taxid == "00090000045" and len(taxid) == 11
    assert 'taxid="00090000045"' in answer
    assert not vat.is_valid(taxid) and vat.is_valid(taxid[-9:])


def test_broken_user_gets_a_json_error_from_userinfo(client):
    response = userinfo(client, access_token_for(client, "broken"))
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.get_json()
    assert body["error"] == "server_error" and body["error_description"]
    assert b"<root>" not in response.data


def test_the_test_users_cover_every_case():
    assert len(TEST_USERS) >= 6
    assert {"maria", "giorgos", "nikos", "kostas", "eleni", "invalid", "broken"} <= set(USERS_BY_NAME)
    for user in TEST_USERS:
        assert user.password == PASSWORD
        values = user.userinfo
        assert set(values) == {"userid", "taxid", "lastname", "firstname", "fathername", "mothername", "birthyear"}
        for name in ("lastname", "firstname", "fathername", "mothername"):
            assert re.fullmatch(r"[Α-Ω .]+", values[name].strip()), (user.username, values[name])
        assert re.fullmatch(r"(19|20)\d\d", values["birthyear"].strip())
        afm = values["taxid"].strip()
        if len(afm) > 9:
            afm = afm[-9:] if afm[:-9].strip("0") == "" else afm
        assert vat.is_valid(afm) is (user.username != "invalid"), user.username
    assert vat.is_valid(USERS_BY_NAME["nikos"].represents["taxid"])
    assert USERS_BY_NAME["giorgos"].needs == ("greek-sign-language",)


def test_a_numbered_citizen_signs_in_with_the_valid_tax_id_it_is_named_after(client):
    """Load tests sign in many citizens, each with an ΑΦΜ of their own: `citizen-<ΑΦΜ>`."""
    answer = userinfo(client, access_token_for(client, "citizen-000000012")).get_data(as_text=True)
    assert 'userid="User000000012" taxid="000000012"' in answer
    assert vat.is_valid("000000012")


@pytest.mark.parametrize("username", ["citizen-000000013", "citizen-00000012", "citizen-0000000120", "000000012"])
def test_no_numbered_citizen_without_a_valid_tax_id(client, username):
    """A wrong check digit, a short or long number, no prefix: the same refusal as any unknown user."""
    page = page_of(sign_in(client, username))
    assert page.find(id="username-error") is not None or "wrong" in page.get_text().lower()
    assert sign_in(client, username).status_code == 200  # the form again, never a redirect with a code


def test_a_code_raced_by_many_requests_is_exchanged_once(app):
    from concurrent.futures import ThreadPoolExecutor

    code = code_for(app.test_client())

    def attempt(_):
        return exchange(app.test_client(), code).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, range(16)))
    assert statuses.count(200) == 1 and statuses.count(400) == 15


def test_plain_http_works_on_any_host_not_only_loopback(clock):
    """Authlib alone refuses http:// outside loopback; laptops, containers and test hosts use it."""
    callback = "http://kepweb.test:8080/auth/callback"
    app = create_app([{"client_id": "kepweb", "client_secret": "s", "redirect_uris": [callback]}], clock=clock)
    app.wsgi_app = DispatcherMiddleware(NotFound(), {PREFIX: app.wsgi_app})
    client = app.test_client()
    host = "http://kepweb.test:8080"
    query = authorize_query(redirect_uri=callback)
    form = client.get(AUTHORIZE, query_string=query, base_url=host)
    assert form.status_code == 200
    signed_in = client.post(AUTHORIZE, query_string=query, base_url=host,
                            data={"csrf_token": csrf_of(form), "username": "nikos", "password": PASSWORD})
    assert signed_in.headers["Location"].startswith(f"{callback}?code=")
    code = parse_qs(urlsplit(signed_in.headers["Location"]).query)["code"][0]
    token = client.post(TOKEN, base_url=host, data={"grant_type": "authorization_code", "code": code,
                                                    "redirect_uri": callback, "client_id": "kepweb",
                                                    "client_secret": "s"})
    assert token.status_code == 200
    answer = client.get(USERINFO, base_url=host,
                        headers={"Authorization": f"Bearer {token.get_json()['access_token']}"})
    assert 'taxid="123456783"' in answer.get_data(as_text=True)
