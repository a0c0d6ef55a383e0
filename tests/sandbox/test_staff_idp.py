"""The staff sign-in stand-in (sandbox.staff_idp), an OpenID Connect provider mounted at
/sandbox/staff-id as app.py mounts it.

Fixtures are this file's own: the folder's conftest.py belongs to the scheduling service.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.oidc.discovery import OpenIDProviderMetadata
from bs4 import BeautifulSoup
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, RSAKey
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from sandbox.staff_idp import ACCOUNTS, ACCOUNTS_BY_NAME, PASSWORD, create_app
from tests.page_checks import check_page, text_of

PREFIX = "/sandbox/staff-id"
ISSUER = f"http://localhost{PREFIX}"
CALLBACK = "http://127.0.0.1:5000/staff/callback"
SIGNED_OUT = "http://127.0.0.1:5000/staff/signed-out"
KEPWEB = {"client_id": "kepweb-staff", "client_secret": "kepweb-staff-secret", "redirect_uris": [CALLBACK],
          "post_logout_redirect_uris": [SIGNED_OUT]}


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
    app = create_app([KEPWEB], issuer=ISSUER, clock=clock)
    app.config["TESTING"] = True
    app.wsgi_app = DispatcherMiddleware(NotFound(), {PREFIX: app.wsgi_app})
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_query(challenge, **changes):
    query = {"response_type": "code", "client_id": "kepweb-staff", "redirect_uri": CALLBACK,
             "scope": "openid profile email", "state": "st-1", "nonce": secrets.token_urlsafe(12),
             "code_challenge": challenge,
             "code_challenge_method": "S256"}
    query.update(changes)
    return {key: value for key, value in query.items() if value is not None}


def csrf_of(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").find(
        "input", attrs={"name": "csrf_token"})["value"]


def sign_in(client, challenge, username="chania-employee", password=PASSWORD, **changes):
    query = authorize_query(challenge, **changes)
    form = client.get(f"{PREFIX}/authorize", query_string=query)
    assert form.status_code == 200, form.get_data(as_text=True)[:500]
    return client.post(f"{PREFIX}/authorize", query_string=query,
                       data={"csrf_token": csrf_of(form), "username": username, "password": password})


def back_at_the_client(response) -> dict[str, str]:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert location.split("?")[0] == CALLBACK
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def exchange(client, code, verifier, **changes):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "client_id": "kepweb-staff", "client_secret": "kepweb-staff-secret", "code_verifier": verifier}
    data.update(changes)
    return client.post(f"{PREFIX}/token", data={key: value for key, value in data.items() if value is not None})


def tokens_for(client, username="chania-employee", nonce="n-1") -> dict:
    verifier, challenge = pkce_pair()
    code = back_at_the_client(sign_in(client, challenge, username, nonce=nonce))["code"]
    answer = exchange(client, code, verifier)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


# -- discovery and keys ----------------------------------------------------------------------


def test_the_discovery_document_is_valid_and_names_the_issuer(client):
    answer = client.get(f"{PREFIX}/.well-known/openid-configuration")
    assert answer.status_code == 200
    document = answer.get_json()
    OpenIDProviderMetadata(document).validate()
    assert document["issuer"] == ISSUER
    for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint"):
        assert document[name].startswith(f"{ISSUER}/"), name
        path = urlsplit(document[name]).path
        assert client.open(path, method="GET" if name != "token_endpoint" else "POST").status_code != 404, path
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["response_types_supported"] == ["code"]
    assert {"sub", "name", "email"} <= set(document["claims_supported"])


def test_the_jwks_holds_one_public_signing_key(client):
    keys = client.get(f"{PREFIX}/jwks.json").get_json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["use"] == "sig" and keys[0]["kid"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0]), "a private part of the key is published"


def test_each_start_makes_a_key_of_its_own(clock):
    first = create_app([KEPWEB], issuer=ISSUER, clock=clock).extensions["staff_idp"]["key"]
    second = create_app([KEPWEB], issuer=ISSUER, clock=clock).extensions["staff_idp"]["key"]
    assert first.kid != second.kid


# -- the ID token ----------------------------------------------------------------------------


def test_the_id_token_verifies_with_the_jwks_and_says_who_signed_in(client, clock):
    tokens = tokens_for(client, "chania-head")
    jwks = KeySet.import_key_set(client.get(f"{PREFIX}/jwks.json").get_json())
    decoded = jwt.decode(tokens["id_token"], jwks, algorithms=["RS256"])
    account = ACCOUNTS_BY_NAME["chania-head"]
    claims = decoded.claims
    assert decoded.header["alg"] == "RS256" and decoded.header["kid"] == jwks.keys[0].kid
    assert claims["iss"] == ISSUER and claims["aud"] == ["kepweb-staff"]
    assert (claims["sub"], claims["name"], claims["email"]) == (account.sub, account.name, account.email)
    assert claims["nonce"] == "n-1"
    assert claims["iat"] == int(clock.now.timestamp()) and claims["exp"] > claims["iat"]
    assert tokens["token_type"].lower() == "bearer" and "refresh_token" not in tokens


def test_an_id_token_does_not_verify_with_another_key(client):
    tokens = tokens_for(client)
    kid = client.get(f"{PREFIX}/jwks.json").get_json()["keys"][0]["kid"]
    # Another key under the same name: only the signature can tell them apart.
    stranger = KeySet([RSAKey.generate_key(2048, parameters={"kid": kid})])
    with pytest.raises(BadSignatureError):
        jwt.decode(tokens["id_token"], stranger, algorithms=["RS256"])


def test_userinfo_answers_the_three_claims_for_the_access_token(client):
    tokens = tokens_for(client, "ministry-admin")
    answer = client.get(f"{PREFIX}/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    account = ACCOUNTS_BY_NAME["ministry-admin"]
    assert answer.status_code == 200
    assert answer.get_json() == {"sub": account.sub, "name": account.name, "email": account.email}
    assert client.get(f"{PREFIX}/userinfo").status_code == 401
    assert client.get(f"{PREFIX}/userinfo", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_an_access_token_runs_out(client, clock):
    tokens = tokens_for(client)
    clock.advance(seconds=tokens["expires_in"] + 1)
    answer = client.get(f"{PREFIX}/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert answer.status_code == 401


# -- what it insists on -----------------------------------------------------------------------


@pytest.mark.parametrize("changes", [{"code_challenge": None, "code_challenge_method": None},
                                     {"code_challenge_method": "plain"},
                                     {"code_challenge_method": None}],
                         ids=["no-challenge", "plain", "no-method"])
def test_pkce_s256_is_required(client, changes):
    _, challenge = pkce_pair()
    answer = client.get(f"{PREFIX}/authorize", query_string=authorize_query(challenge, **changes))
    back = back_at_the_client(answer)
    assert back["error"] == "invalid_request" and back["state"] == "st-1"


@pytest.mark.parametrize("verifier", ["the-wrong-verifier-" + "x" * 30, None], ids=["wrong", "missing"])
def test_the_code_needs_its_verifier(client, verifier):
    _, challenge = pkce_pair()
    code = back_at_the_client(sign_in(client, challenge))["code"]
    answer = exchange(client, code, verifier)
    assert answer.status_code == 400
    assert answer.get_json()["error"] in ("invalid_grant", "invalid_request")


def test_a_code_is_never_good_twice(client):
    verifier, challenge = pkce_pair()
    code = back_at_the_client(sign_in(client, challenge))["code"]
    assert exchange(client, code, verifier).status_code == 200
    again = exchange(client, code, verifier)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"


@pytest.mark.parametrize("changes, error", [({"scope": "profile email"}, "invalid_scope"),
                                            ({"nonce": None}, "invalid_request"),
                                            ({"response_type": "token"}, "unsupported_response_type")],
                         ids=["no-openid", "no-nonce", "implicit"])
def test_only_the_openid_connect_code_flow_with_a_nonce(client, changes, error):
    _, challenge = pkce_pair()
    back = back_at_the_client(client.get(f"{PREFIX}/authorize", query_string=authorize_query(challenge, **changes)))
    assert back["error"] == error


def test_a_nonce_is_good_once(client):
    tokens_for(client, nonce="once")
    _, challenge = pkce_pair()
    back = back_at_the_client(client.get(f"{PREFIX}/authorize", query_string=authorize_query(challenge, nonce="once")))
    assert back["error"] == "invalid_request"


@pytest.mark.parametrize("changes", [{"redirect_uri": "https://evil.example/cb"}, {"redirect_uri": None},
                                     {"client_id": "stranger"}], ids=["other-uri", "no-uri", "unknown-client"])
def test_an_unconfirmed_return_address_gets_a_page_never_a_redirect(client, changes):
    _, challenge = pkce_pair()
    answer = client.get(f"{PREFIX}/authorize", query_string=authorize_query(challenge, **changes))
    assert answer.status_code == 400
    check_page(answer.get_data(as_text=True))


def test_the_client_secret_is_checked(client):
    verifier, challenge = pkce_pair()
    code = back_at_the_client(sign_in(client, challenge))["code"]
    answer = exchange(client, code, verifier, client_secret="guess")
    assert answer.status_code == 401 and answer.get_json()["error"] == "invalid_client"


# -- the sign-in page ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["el", "en"])
def test_the_sign_in_page_lists_every_test_account(client, lang):
    _, challenge = pkce_pair()
    page = client.get(f"{PREFIX}/authorize", query_string=authorize_query(challenge, lang=lang))
    html = check_page(page.get_data(as_text=True))
    assert html.html["lang"] == lang
    rows = html.select("table tbody tr")
    assert [row.find("th").get_text(strip=True) for row in rows] == [account.username for account in ACCOUNTS]
    assert PASSWORD in text_of(html.find("table"))
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert not html.find("script")


@pytest.mark.parametrize("lang, message", [("el", "Το όνομα χρήστη ή ο κωδικός δεν είναι σωστά"),
                                           ("en", "The username or password is not right")])
def test_a_wrong_password_is_said_in_an_error_summary(client, lang, message):
    _, challenge = pkce_pair()
    answer = sign_in(client, challenge, password="wrong", lang=lang)
    assert answer.status_code == 200
    page = check_page(answer.get_data(as_text=True))
    summary = page.find(class_="govgr-error-summary")
    assert summary is not None and summary.has_attr("autofocus")
    assert summary.find("a", href="#username").get_text(strip=True) == message
    assert page.title.get_text().startswith("Σφάλμα: " if lang == "el" else "Error: ")
    assert page.find(id="username")["value"] == "chania-employee"
    assert page.find(id="username")["aria-describedby"] == "username-hint username-error"


def test_empty_fields_are_each_named(client):
    _, challenge = pkce_pair()
    answer = sign_in(client, challenge, username="", password="", lang="en")
    page = check_page(answer.get_data(as_text=True))
    links = [link["href"] for link in page.find(class_="govgr-error-summary").find_all("a")]
    assert links == ["#username", "#password"]


def test_a_form_without_its_csrf_token_is_refused(client):
    _, challenge = pkce_pair()
    query = authorize_query(challenge)
    client.get(f"{PREFIX}/authorize", query_string=query)
    answer = client.post(f"{PREFIX}/authorize", query_string=query,
                         data={"username": "chania-employee", "password": PASSWORD})
    assert answer.status_code == 400


def test_cancel_goes_back_with_access_denied(client):
    _, challenge = pkce_pair()
    page = BeautifulSoup(client.get(f"{PREFIX}/authorize", query_string=authorize_query(challenge)).get_data(
        as_text=True), "html.parser")
    cancel = page.find("a", href=lambda href: href and href.startswith(CALLBACK))
    query = parse_qs(urlsplit(cancel["href"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["st-1"]


# -- the provider's own session and logout ------------------------------------------------------


def test_signed_in_here_goes_straight_back_until_logout(client):
    _, challenge = pkce_pair()
    back_at_the_client(sign_in(client, challenge))
    again = client.get(f"{PREFIX}/authorize", query_string=authorize_query(challenge, state="st-2"))
    assert back_at_the_client(again)["state"] == "st-2"
    out = client.get(f"{PREFIX}/logout", query_string={"client_id": "kepweb-staff",
                                                        "post_logout_redirect_uri": SIGNED_OUT, "state": "bye"})
    assert out.status_code == 302 and out.headers["Location"] == f"{SIGNED_OUT}?state=bye"
    assert client.get(f"{PREFIX}/authorize", query_string=authorize_query(challenge)).status_code == 200


def test_logout_goes_only_to_a_registered_address(client):
    _, challenge = pkce_pair()
    back_at_the_client(sign_in(client, challenge))
    out = client.get(f"{PREFIX}/logout", query_string={"client_id": "kepweb-staff",
                                                        "post_logout_redirect_uri": "https://evil.example/"})
    assert out.status_code == 400
    check_page(out.get_data(as_text=True))
    # The session ended all the same: signing out is never refused.
    assert client.get(f"{PREFIX}/authorize", query_string=authorize_query(challenge)).status_code == 200


def test_logout_without_an_address_says_so_on_a_page(client):
    out = client.get(f"{PREFIX}/logout", query_string={"lang": "en"})
    assert out.status_code == 200
    assert check_page(out.get_data(as_text=True)).h1.get_text(strip=True) == "You have signed out"


def test_every_account_has_an_opaque_subject_and_a_name_and_email():
    assert len({account.sub for account in ACCOUNTS}) == len(ACCOUNTS)
    for account in ACCOUNTS:
        assert len(account.sub) == 36 and account.username not in account.sub
        assert account.name and "@" in account.email and account.email.endswith(".example")
    assert json.dumps([account.sub for account in ACCOUNTS])
