"""A GSIS-like OAuth 2.0 provider: the stand-in for Taxisnet sign-in.

Built on Authlib's authorization-server support. The project mounts it at
`/oauth2server` (werkzeug's DispatcherMiddleware), so the public paths are
GSIS's own:

    /oauth2server/oauth/authorize       sign-in page, then a redirect with ?code&state
    /oauth2server/oauth/token           code -> bearer token (client_secret_post or _basic)
    /oauth2server/userinfo?format=xml   <root><userinfo .../></root>, errors in JSON
    /oauth2server/logout/<client_id>/?url=RETURN_URL

Inside the app every URL comes from url_for, so the prefix (SCRIPT_NAME) is
kept. Storage is in memory, behind a lock.

Behaviour copied from GSIS (a Spring Security OAuth 2 server, as its paths
show) where it differs from a generic provider:
- no consent page: the right credentials send the citizen straight back;
- a signed-in citizen (cookie `gsis_session`) is sent back at once, without
  the form, until the logout endpoint ends the session;
- a code is consumed by the first token request that presents it, even one
  that then fails (wrong redirect_uri, wrong PKCE verifier): a code is never
  good twice;
- userinfo answers XML, with the values exactly as stored (padding included),
  and errors in JSON.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from authlib.common.urls import add_params_to_uri
from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeMixin,
    ClientMixin,
    InvalidRequestError,
    MissingAuthorizationError,
    TokenMixin,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenValidator, InsufficientScopeError, InvalidTokenError
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, Response, json, redirect, render_template, request, session
from flask import request as flask_request
from flask.sessions import SecureCookieSessionInterface
from jinja2 import DictLoader

from sandbox.gsis import pages
from sandbox.gsis.users import PASSWORD, TEST_USERS, USERINFO_ATTRIBUTES, TestUser, user_named
from sandbox.oauth_memory import PlainHttpRequest, Store
from sandbox.signin_forms import csrf_ok, csrf_token, here

Clock = Callable[[], datetime]

SCOPES = ("read",)
DEFAULT_SCOPE = "read"  # what an empty scope gets, as at GSIS
SESSION_COOKIE = "gsis_session"
FRONTEND_LANGUAGE_COOKIE = "kepweb_lang"  # the frontend's choice of language, read only
TOKEN_AUTH_METHODS = ("client_secret_post", "client_secret_basic")
# Spring Security OAuth's realm in WWW-Authenticate.
REALM = "oauth2-resource"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


# -- the models Authlib asks for -----------------------------------------------


@dataclass(frozen=True)
class Client(ClientMixin):
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uris: tuple[str, ...]

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        # As Spring does: without redirect_uri, only a client with one URI has a default.
        return self.redirect_uris[0] if len(self.redirect_uris) == 1 else None

    def get_allowed_scope(self, scope):
        if not scope:
            return DEFAULT_SCOPE
        return list_to_scope([item for item in scope_to_list(scope) if item in SCOPES])

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

    def origins(self) -> set[tuple[str, str, int]]:
        return {origin for origin in map(_origin, self.redirect_uris) if origin}


@dataclass(frozen=True)
class AuthorizationCode(AuthorizationCodeMixin):
    code: str = field(repr=False)
    client_id: str
    redirect_uri: str | None
    scope: str
    username: str
    expires_at: datetime
    code_challenge: str | None = None
    code_challenge_method: str | None = None

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope


@dataclass
class Token(TokenMixin):
    access_token: str = field(repr=False)
    client_id: str
    username: str
    scope: str
    issued_at: datetime
    expires_in: int
    clock: Clock = field(repr=False)
    revoked: bool = False

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + timedelta(seconds=self.expires_in)

    def check_client(self, client):
        return client.get_client_id() == self.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return self.clock() >= self.expires_at

    def is_revoked(self):
        return self.revoked

    def get_user(self):
        return user_named(self.username)


# -- Authlib's server, grant and validator ---------------------------------------


class _Server(AuthorizationServer):
    store: Store
    code_seconds: int

    def create_oauth2_request(self, request=None):
        return PlainHttpRequest(flask_request)  # Flask's current request, as Authlib's own does


class _CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(TOKEN_AUTH_METHODS)

    def save_authorization_code(self, code, request):
        server: _Server = self.server
        server.store.save_code(
            AuthorizationCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope or "",
                username=request.user.username,
                expires_at=server.store.clock() + timedelta(seconds=server.code_seconds),
                code_challenge=request.payload.data.get("code_challenge"),
                code_challenge_method=request.payload.data.get("code_challenge_method"),
            )
        )

    def query_authorization_code(self, code, client):
        return self.server.store.take_code(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code):
        """Nothing left to do: `take_code` removed it when it was presented."""

    def authenticate_user(self, authorization_code):
        return user_named(authorization_code.username)


class _S256Challenge(CodeChallenge):
    """PKCE when the client uses it (required=False), and then S256 only."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        super().validate_code_challenge(grant, redirect_uri)
        data = grant.request.payload.data
        if data.get("code_challenge") and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only 'code_challenge_method=S256' is supported.")


class _BearerValidator(BearerTokenValidator):
    def __init__(self, store: Store):
        super().__init__(realm=REALM)
        self.store = store

    def authenticate_token(self, token_string):
        return self.store.token(token_string)

    def validate_token(self, token, scopes, request):
        if token is None:
            raise InvalidTokenError("Invalid access token.", realm=self.realm)
        if token.is_revoked():
            raise InvalidTokenError("Access token revoked.", realm=self.realm)
        if token.is_expired():
            raise InvalidTokenError("Access token expired.", realm=self.realm)
        if self.scope_insufficient(token.get_scope(), scopes):
            raise InsufficientScopeError()


# -- the app ------------------------------------------------------------------------


class _PrefixedSessionInterface(SecureCookieSessionInterface):
    """The provider's cookie lives under its own mount point (/oauth2server)."""

    def get_cookie_path(self, app):
        return request.script_root or "/"


def create_app(clients: list[dict], *, code_seconds: int = 60, token_seconds: int = 300,
               clock: Clock | None = None) -> Flask:
    """The GSIS-like provider for `clients`: [{"client_id", "client_secret", "redirect_uris": [...]}].

    `clock` returns an aware datetime (UTC); tests pass their own to expire
    codes (after `code_seconds`) and tokens (after `token_seconds`).
    """
    registered = _clients(clients)
    store = Store(clock or _utc_now)

    app = Flask(__name__, static_folder=None)
    app.jinja_loader = DictLoader(pages.TEMPLATES)
    app.secret_key = secrets.token_bytes(32)
    app.session_interface = _PrefixedSessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        OAUTH2_TOKEN_EXPIRES_IN={"authorization_code": int(token_seconds)},
        OAUTH2_SCOPES_SUPPORTED=list(SCOPES),
    )

    def save_token(token, oauth_request):
        store.save_token(
            Token(
                access_token=token["access_token"],
                client_id=oauth_request.client.get_client_id(),
                username=oauth_request.user.username,
                scope=token.get("scope", ""),
                issued_at=store.clock(),
                expires_in=int(token["expires_in"]),
                clock=store.clock,
            )
        )

    server = _Server(app, query_client=registered.get, save_token=save_token)
    server.store = store
    server.code_seconds = int(code_seconds)
    server.register_grant(_CodeGrant, [_S256Challenge(required=False)])

    require_oauth = ResourceProtector()
    require_oauth.register_token_validator(_BearerValidator(store))

    app.extensions["gsis"] = {"server": server, "store": store, "clients": registered}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.route("/oauth/authorize", methods=["GET", "POST"])
    def authorize():
        lang = _language()
        signed_in = user_named(session.get("user", ""))
        try:
            grant = server.get_consent_grant(end_user=signed_in)
        except OAuth2Error as error:
            if error.redirect_uri:  # the client and its redirect_uri are confirmed
                return server.handle_error_response(None, error)
            return _problem(lang, "bad_request_heading", "bad_request_body",
                            f"{error.error}: {error.get_error_description()}")

        if request.method == "GET":
            if signed_in:
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
        user = None if errors else _check_credentials(username, password)
        if not errors and user is None:
            errors.append(("username", "wrong_credentials"))
        if errors:
            return _signin_page(lang, grant.redirect_uri, errors=errors, username=username)

        session.clear()
        session["user"] = user.username
        session["csrf"] = secrets.token_urlsafe(32)
        return server.create_authorization_response(grant_user=user, grant=grant)

    @app.post("/oauth/token")
    def issue_token():
        return server.create_token_response()

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo():
        try:
            token = require_oauth.acquire_token(list(SCOPES))
        except OAuth2Error as error:
            return _token_error(error)
        user: TestUser | None = token.get_user()
        if user is None:
            return _token_error(InvalidTokenError("Invalid access token."))
        if user.userinfo_error is not None:
            return Response(json.dumps(user.userinfo_error), status=user.userinfo_error_status,
                            content_type="application/json;charset=UTF-8")
        return Response(userinfo_xml(user), content_type="application/xml; charset=UTF-8")

    @app.get("/logout/<client_id>/")
    def logout(client_id):
        lang = _language()
        client = registered.get(client_id)
        return_to = request.args.get("url", "")
        if client is None or not _return_allowed(client, return_to):
            return _problem(lang, "logout_heading", "logout_body",
                            "unknown client_id" if client is None else "url not allowed for this client")
        session.clear()  # Flask then deletes the cookie, on its own path
        return redirect(return_to, code=302)

    @app.get("/static/gsis.css")
    def stylesheet():
        response = Response(pages.STYLESHEET, content_type="text/css; charset=utf-8")
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    return app


def userinfo_xml(user: TestUser) -> str:
    """GSIS's answer, byte for byte: one element, the attributes in GSIS's order."""
    attributes = " ".join(
        f'{name}="{escape(user.userinfo[name], {chr(34): "&quot;"})}"' for name in USERINFO_ATTRIBUTES
    )
    return f"<root><userinfo {attributes}/></root>"


# -- helpers ----------------------------------------------------------------------


def _clients(clients: list[dict]) -> dict[str, Client]:
    registered = {}
    for item in clients:
        uris = tuple(item["redirect_uris"])
        if not uris or not all(isinstance(uri, str) and _origin(uri) for uri in uris):
            raise ValueError(f"client {item.get('client_id')!r}: redirect_uris must be absolute http(s) URLs")
        client = Client(client_id=item["client_id"], client_secret=item["client_secret"], redirect_uris=uris)
        registered[client.client_id] = client
    return registered


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


def _return_allowed(client: Client, url: str) -> bool:
    if not url or any(char in url for char in "\\\r\n\t "):
        return False
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        return False
    return _origin(url) in client.origins()


def _check_credentials(username: str, password: str) -> TestUser | None:
    user = user_named(username)
    # Compare the password even for an unknown user, so the time says nothing.
    expected = user.password if user else PASSWORD + "-unknown-user"
    password_ok = hmac.compare_digest(password.encode(), expected.encode())
    return user if user and password_ok else None


def _language() -> str:
    chosen = request.args.get("lang")
    if chosen in pages.LANGUAGES:
        return chosen
    cookie = request.cookies.get(FRONTEND_LANGUAGE_COOKIE)
    if cookie in pages.LANGUAGES:
        return cookie
    return request.accept_languages.best_match(pages.LANGUAGES, default="el")


def _query_with(**changes) -> list[tuple[str, str]]:
    pairs = [(key, value) for key, value in request.args.items(multi=True) if key not in changes]
    return pairs + list(changes.items())



def _language_links(lang: str) -> list[tuple[str, str, str]]:
    return [(code, pages.LANGUAGE_NAMES[code], here(_query_with(lang=code))) for code in pages.LANGUAGES]




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
        users=TEST_USERS,
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _problem(lang, heading_key, body_key, details, status=400):
    text = pages.TEXT[lang]
    html = render_template(
        "problem.html",
        lang=lang,
        t=text,
        heading=text[heading_key],
        body=text[body_key],
        details=details,
        errors=(),
        language_links=_language_links(lang),
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _token_error(error: OAuth2Error) -> Response:
    """Every failure to present a good token: 401 and JSON, as GSIS answers."""
    if isinstance(error, MissingAuthorizationError):
        description = "Full authentication is required to access this resource"
    elif isinstance(error, InvalidTokenError):
        description = error.get_error_description()
    else:
        description = "Invalid access token."
    body = {"error": "invalid_token", "error_description": description}
    response = Response(json.dumps(body), status=401, content_type="application/json;charset=UTF-8")
    response.headers["WWW-Authenticate"] = (
        f'Bearer realm="{REALM}", error="invalid_token", error_description="{description}"'
    )
    return response
