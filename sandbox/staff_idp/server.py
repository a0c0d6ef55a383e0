"""An OpenID Connect provider for public servants: the stand-in for the KEP staff's sign-in.

Built on Authlib's authorization server and its OpenID Connect extension
(`authlib.oidc.core`). The project mounts it at `/sandbox/staff-id`; every
address it publishes comes from its `issuer`, so the discovery document, the
`iss` of each ID token and the endpoints agree wherever it is mounted:

    {issuer}/.well-known/openid-configuration   the discovery document
    {issuer}/jwks.json                          the public key that signs ID tokens
    {issuer}/authorize                          sign-in page, then a redirect with ?code&state
    {issuer}/token                              code + PKCE verifier -> access token and ID token
    {issuer}/userinfo                           Bearer token -> {"sub", "name", "email"}
    {issuer}/logout                             RP-initiated logout, back to a registered URI

What it insists on, as a provider for the staff of a public service should:
- the authorization code flow only, with PKCE S256 **required** of every client
  (confidential ones too), `openid` in the scope and a `nonce`;
- redirect URIs and post-logout redirect URIs match a registered one exactly;
- a code is consumed by the first token request that presents it, even one that
  then fails: a code is never good twice;
- ID tokens are signed (RS256) with a key made at start, never written anywhere:
  a restart invalidates what was signed before, which is right for a stand-in.

Storage is in memory, behind a lock.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, TokenMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenValidator, InvalidTokenError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, OpenIDCode, UserInfo, UserInfoEndpoint
from flask import Flask, Response, jsonify, redirect, render_template, request, session
from flask import request as flask_request
from flask.sessions import SecureCookieSessionInterface
from jinja2 import DictLoader
from joserfc.jwk import KeySet, RSAKey

from sandbox.oauth_memory import PlainHttpRequest
from sandbox.oauth_memory import Store as SharedStore
from sandbox.signin_forms import csrf_ok, csrf_token, here
from sandbox.staff_idp import pages
from sandbox.staff_idp.accounts import ACCOUNTS, ACCOUNTS_BY_NAME, ACCOUNTS_BY_SUB, PASSWORD, StaffAccount

Clock = Callable[[], datetime]

SCOPES = ("openid", "profile", "email")
CLAIMS = ("sub", "name", "email")
SIGNING_ALGORITHM = "RS256"
SESSION_COOKIE = "staff_idp_session"
FRONTEND_LANGUAGE_COOKIE = "kepweb_lang"  # the frontend's choice of language, read only
TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


# -- the models Authlib asks for -----------------------------------------------


@dataclass(frozen=True)
class Client(ClientMixin):
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...] = ()

    @property
    def client_metadata(self) -> dict:
        return {}  # nothing signed or encrypted beyond the ID token

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None  # OpenID Connect: redirect_uri is always sent, and must match

    def get_allowed_scope(self, scope):
        # OpenID Connect only: without `openid`, Authlib answers invalid_scope (None).
        asked = scope_to_list(scope or "") or []
        if "openid" not in asked:
            return None
        return list_to_scope([item for item in asked if item in SCOPES])

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris  # exact match, nothing looser

    def check_client_secret(self, client_secret):
        if not isinstance(client_secret, str):
            return False
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint == "token" and method in TOKEN_AUTH_METHODS

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class AuthorizationCode(AuthorizationCodeMixin):
    code: str = field(repr=False)
    client_id: str
    redirect_uri: str
    scope: str
    subject: str
    expires_at: datetime
    auth_time: int
    nonce: str | None = None
    code_challenge: str | None = None
    code_challenge_method: str | None = None

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time


@dataclass
class Token(TokenMixin):
    access_token: str = field(repr=False)
    client: Client
    subject: str
    scope: str
    issued_at: datetime
    expires_in: int
    clock: Clock = field(repr=False)

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + timedelta(seconds=self.expires_in)

    def check_client(self, client):
        return client.get_client_id() == self.client.client_id

    def get_client(self):
        return self.client

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return self.clock() >= self.expires_at

    def is_revoked(self):
        return False

    def get_user(self):
        return ACCOUNTS_BY_SUB.get(self.subject)


class Store(SharedStore):
    """Codes, tokens and the nonces already used, in memory. A code leaves the store when it is presented."""

    def __init__(self, clock: Clock):
        super().__init__(clock)
        self._nonces: dict[tuple[str, str], datetime] = {}

    def save_code(self, code: AuthorizationCode) -> None:
        now = self.clock()
        with self._lock:
            for key in [key for key, until in self._nonces.items() if until <= now - self.KEEP_EXPIRED]:
                del self._nonces[key]
            if code.nonce:
                self._nonces[(code.client_id, code.nonce)] = code.expires_at
        super().save_code(code)

    def nonce_used(self, client_id: str, nonce: str) -> bool:
        with self._lock:
            return (client_id, nonce) in self._nonces


# -- Authlib's server, grant, extensions and validator --------------------------------


class _Server(AuthorizationServer):
    store: Store
    code_seconds: int

    def create_oauth2_request(self, request=None):
        return PlainHttpRequest(flask_request)


class _CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(TOKEN_AUTH_METHODS)

    def save_authorization_code(self, code, request):
        server: _Server = self.server
        data = request.payload.data
        server.store.save_code(
            AuthorizationCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope or "",
                subject=request.user.sub,
                expires_at=server.store.clock() + timedelta(seconds=server.code_seconds),
                auth_time=int(session.get("auth_time") or server.store.clock().timestamp()),
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
            )
        )

    def query_authorization_code(self, code, client):
        return self.server.store.take_code(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code):
        """Nothing left to do: `take_code` removed it when it was presented."""

    def authenticate_user(self, authorization_code):
        return ACCOUNTS_BY_SUB.get(authorization_code.subject)


class _RequiredS256(CodeChallenge):
    """PKCE for every client, confidential ones too (RFC 9700 2.1.1), and S256 only."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only 'code_challenge_method=S256' is supported.")
        super().validate_code_challenge(grant, redirect_uri)


class _OpenIDCode(OpenIDCode):
    """The ID token: signed with the provider's key, `iss` its issuer, `aud` the client."""

    def __init__(self, issuer: str, key: RSAKey, store: Store, id_token_seconds: int):
        super().__init__(require_nonce=True)
        self.issuer = issuer
        self.key = key
        self.store = store
        self.id_token_seconds = id_token_seconds

    def resolve_client_private_key(self, client):
        return self.key

    def get_client_algorithm(self, client):
        return SIGNING_ALGORITHM

    def get_encode_header(self, client):
        return {"alg": SIGNING_ALGORITHM, "kid": self.key.kid}

    def get_client_claims(self, client):
        now = int(self.store.clock().timestamp())
        return {"iss": self.issuer, "aud": [client.get_client_id()], "iat": now, "exp": now + self.id_token_seconds}

    def exists_nonce(self, nonce, request):
        return self.store.nonce_used(request.payload.client_id, nonce)

    def generate_user_info(self, user, scope):
        return user_info(user, scope)


def user_info(account: StaffAccount, scope: str) -> UserInfo:
    return UserInfo(sub=account.sub, name=account.name, email=account.email).filter(scope)


class _UserInfo(UserInfoEndpoint):
    def generate_user_info(self, user, scope):
        return user_info(user, scope)


class _BearerValidator(BearerTokenValidator):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def authenticate_token(self, token_string):
        return self.store.token(token_string)

    def validate_token(self, token, scopes, request):
        if token is None:
            raise InvalidTokenError("Invalid access token.")
        if token.is_expired():
            raise InvalidTokenError("Access token expired.")
        super().validate_token(token, scopes, request)


class _PrefixedSessionInterface(SecureCookieSessionInterface):
    """The provider's cookie lives under its own mount point."""

    def get_cookie_path(self, app):
        return request.script_root or "/"


# -- the app --------------------------------------------------------------------------


def create_app(clients: list[dict], *, issuer: str, code_seconds: int = 60, token_seconds: int = 300,
               id_token_seconds: int = 300, clock: Clock | None = None) -> Flask:
    """The provider for `clients`: [{"client_id", "client_secret", "redirect_uris": [...],
    "post_logout_redirect_uris": [...]}], published at `issuer` (its public URL, no trailing slash).

    `clock` returns an aware datetime (UTC); tests pass their own to expire codes and tokens.
    """
    issuer = issuer.rstrip("/")
    registered = _clients(clients)
    store = Store(clock or _utc_now)
    key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": SIGNING_ALGORITHM}, auto_kid=True)

    app = Flask(__name__, static_folder=None)
    app.jinja_loader = DictLoader(pages.TEMPLATES)
    app.secret_key = secrets.token_bytes(32)
    app.session_interface = _PrefixedSessionInterface()
    app.json.ensure_ascii = False
    app.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        OAUTH2_TOKEN_EXPIRES_IN={"authorization_code": int(token_seconds)},
        OAUTH2_SCOPES_SUPPORTED=list(SCOPES),
    )

    def save_token(token, oauth_request):
        store.save_token(Token(
            access_token=token["access_token"], client=oauth_request.client, subject=oauth_request.user.sub,
            scope=token.get("scope", ""), issued_at=store.clock(), expires_in=int(token["expires_in"]),
            clock=store.clock,
        ))

    server = _Server(app, query_client=registered.get, save_token=save_token)
    server.store = store
    server.code_seconds = int(code_seconds)
    server.register_grant(_CodeGrant, [_RequiredS256(), _OpenIDCode(issuer, key, store, int(id_token_seconds))])
    require_oauth = ResourceProtector()
    require_oauth.register_token_validator(_BearerValidator(store))
    server.register_endpoint(_UserInfo(resource_protector=require_oauth))

    app.extensions["staff_idp"] = {"server": server, "store": store, "clients": registered, "key": key,
                                   "issuer": issuer}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/.well-known/openid-configuration")
    def discovery():
        response = jsonify(discovery_document(issuer))
        response.headers["Cache-Control"] = "public, max-age=300"
        return response

    @app.get("/jwks.json")
    def jwks():
        response = jsonify(KeySet([key]).as_dict(private=False))
        response.headers["Cache-Control"] = "public, max-age=300"
        return response

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        lang = _language()
        signed_in = ACCOUNTS_BY_NAME.get(session.get("user", ""))
        try:
            grant = server.get_consent_grant(end_user=signed_in)
        except OAuth2Error as error:
            if error.redirect_uri:  # the client and its redirect_uri are confirmed
                return server.handle_error_response(None, error)
            return _problem(lang, "bad_request_heading", "bad_request_body",
                            f"{error.error}: {error.get_error_description()}")

        if request.method == "GET":
            if signed_in and getattr(grant, "prompt", None) != "login":
                return server.create_authorization_response(grant_user=signed_in, grant=grant)
            return _signin_page(lang, grant.redirect_uri)

        if not csrf_ok():
            return _signin_page(lang, grant.redirect_uri, errors=[("username", "expired_form")], status=400)
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        errors = []
        if not username:
            errors.append(("username", "enter_username"))
        if not password:
            errors.append(("password", "enter_password"))
        account = None if errors else _check_credentials(username, password)
        if not errors and account is None:
            errors.append(("username", "wrong_credentials"))
        if errors:
            return _signin_page(lang, grant.redirect_uri, errors=errors, username=username)

        session.clear()
        session["user"] = account.username
        session["auth_time"] = int(store.clock().timestamp())
        session["csrf"] = secrets.token_urlsafe(32)
        return server.create_authorization_response(grant_user=account, grant=grant)

    @app.post("/token")
    def issue_token():
        return server.create_token_response()

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo():
        return server.create_endpoint_response("userinfo")

    @app.get("/logout")
    def logout():
        """RP-initiated logout: always ends this provider's session; goes back only to a
        post-logout URI registered for the client, else says so on a page of its own."""
        lang = _language()
        session.clear()
        client = registered.get(request.args.get("client_id", ""))
        back = request.args.get("post_logout_redirect_uri")
        if not back:
            return _problem(lang, "signed_out_heading", "signed_out_body", None, status=200)
        if client is None or back not in client.post_logout_redirect_uris:
            return _problem(lang, "bad_request_heading", "bad_request_body",
                            "unknown client_id" if client is None else "post_logout_redirect_uri not registered")
        state = request.args.get("state")
        return redirect(add_params_to_uri(back, [("state", state)]) if state else back, code=302)

    @app.get("/static/idp.css")
    def stylesheet():
        response = Response(pages.STYLESHEET, content_type="text/css; charset=utf-8")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    return app


def discovery_document(issuer: str) -> dict:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks.json",
        "end_session_endpoint": f"{issuer}/logout",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [SIGNING_ALGORITHM],
        "token_endpoint_auth_methods_supported": list(TOKEN_AUTH_METHODS),
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [*CLAIMS, "iss", "aud", "exp", "iat", "auth_time", "nonce"],
        "ui_locales_supported": list(pages.LANGUAGES),
    }


# -- helpers ----------------------------------------------------------------------


def _clients(clients: list[dict]) -> dict[str, Client]:
    registered = {}
    for item in clients:
        uris = tuple(item["redirect_uris"])
        logout_uris = tuple(item.get("post_logout_redirect_uris", ()))
        if not uris or not all(isinstance(uri, str) and _is_http_url(uri) for uri in (*uris, *logout_uris)):
            raise ValueError(f"client {item.get('client_id')!r}: redirect URIs must be absolute http(s) URLs")
        client = Client(client_id=item["client_id"], client_secret=item["client_secret"], redirect_uris=uris,
                        post_logout_redirect_uris=logout_uris)
        registered[client.client_id] = client
    return registered


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_credentials(username: str, password: str) -> StaffAccount | None:
    account = ACCOUNTS_BY_NAME.get(username)
    # Compare the password even for an unknown account, so the time says nothing.
    expected = account.password if account else PASSWORD + "-unknown-account"
    password_ok = hmac.compare_digest(password.encode(), expected.encode())
    return account if account and password_ok else None


def _language() -> str:
    for chosen in (request.args.get("lang"), request.args.get("ui_locales", "").split(" ")[0],
                   request.cookies.get(FRONTEND_LANGUAGE_COOKIE)):
        if chosen in pages.LANGUAGES:
            return chosen
    return request.accept_languages.best_match(pages.LANGUAGES, default="el")



def _language_links(lang: str) -> list[tuple[str, str, str]]:
    pairs = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return [(code, pages.LANGUAGE_NAMES[code], here([*pairs, ("lang", code)])) for code in pages.LANGUAGES]




def _signin_page(lang, redirect_uri, errors=(), username="", status=200):
    text = pages.TEXT[lang]
    state = request.args.get("state")
    denied = [("error", "access_denied"), ("error_description", "User denied access")]
    cancel_url = add_params_to_uri(redirect_uri, denied + ([("state", state)] if state else []))
    html = render_template(
        "signin.html",
        lang=lang,
        t=text,
        heading=text["signin_heading"],
        language_links=_language_links(lang),
        errors=[{"field": name, "message": text[key], "help": text.get(f"{key}_help")} for name, key in errors],
        field_errors={name: text[key] for name, key in reversed(errors)},
        username=username,
        csrf_token=csrf_token(),
        form_action=here(list(request.args.items(multi=True))),
        cancel_url=cancel_url,
        accounts=ACCOUNTS,
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _problem(lang, heading_key, body_key, details, status=400):
    text = pages.TEXT[lang]
    html = render_template("problem.html", lang=lang, t=text, heading=text[heading_key], body=text[body_key],
                           details=details, errors=(), language_links=_language_links(lang))
    return Response(html, status=status, content_type="text/html; charset=utf-8")
