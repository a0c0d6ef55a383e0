"""The KEP staff's sign-in: an OpenID Connect client, through Authlib's Flask integration.

The issuer's discovery document (`{issuer}/.well-known/openid-configuration`)
names every endpoint and the key set; Authlib fetches it at the first sign-in
and keeps it. It keeps `state`, the PKCE verifier (S256) and the `nonce` in the
session, and on the way back checks the state, sends the verifier, and verifies
the ID token: its signature against the issuer's JWKS, `iss`, `aud`, `exp`, the
nonce and the access token's hash. Every request to the provider has a timeout.

The registry is the app's own (`oauth_staff`), separate from the citizen's GSIS
client, so nothing of one sign-in is ever mistaken for the other's.
"""

from __future__ import annotations

from authlib.common.urls import add_params_to_uri
from authlib.integrations.flask_client import OAuth
from flask import current_app

SCOPE = "openid profile email"
CLIENT_NAME = "staff"


def init_app(app):
    config = app.config
    issuer = config["STAFF_OIDC_ISSUER"]
    oauth = OAuth(app)
    app.extensions["staff_oidc"] = oauth.register(
        CLIENT_NAME,
        client_id=config["STAFF_OIDC_CLIENT_ID"],
        client_secret=config["STAFF_OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration" if issuer else None,
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "default_timeout": config["STAFF_OIDC_TIMEOUT"],
        },
    )


def client():
    return current_app.extensions["staff_oidc"]


def logout_url(return_to: str) -> str | None:
    """The provider's end-session address (RP-initiated logout) that comes back to `return_to`,
    or None when the provider has none. Reads the discovery document (kept after the first read)."""
    end_session = client().load_server_metadata().get("end_session_endpoint")
    if not end_session:
        return None
    return add_params_to_uri(end_session, [("client_id", current_app.config["STAFF_OIDC_CLIENT_ID"]),
                                           ("post_logout_redirect_uri", return_to)])
