"""The GSIS OAuth 2.0 client, through Authlib's Flask integration.

Authlib keeps `state` (and the PKCE verifier when PKCE is on) in the session
and checks it on the way back. GSIS wants the client secret in the POST body
(`client_secret_post`) and answers userinfo in XML, which `citizen.py` parses.
"""

from __future__ import annotations

from urllib.parse import urlencode

from authlib.integrations.flask_client import OAuth
from flask import current_app


def init_app(app):
    config = app.config
    client_kwargs = {
        "scope": config["GSIS_SCOPE"],
        "token_endpoint_auth_method": "client_secret_post",
        "default_timeout": config["GSIS_TIMEOUT"],
    }
    if config["GSIS_PKCE"]:
        client_kwargs["code_challenge_method"] = "S256"
    # An OAuth registry per app: Authlib's keeps its clients on the instance.
    oauth = OAuth(app)
    app.extensions["gsis"] = oauth.register(
        "gsis",
        client_id=config["GSIS_CLIENT_ID"],
        client_secret=config["GSIS_CLIENT_SECRET"],
        authorize_url=config["GSIS_AUTHORIZE_URL"],
        access_token_url=config["GSIS_TOKEN_URL"],
        client_kwargs=client_kwargs,
    )


def client():
    return current_app.extensions["gsis"]


def logout_url(return_to: str) -> str:
    config = current_app.config
    base = config["GSIS_LOGOUT_URL"].format(client_id=config["GSIS_CLIENT_ID"])
    return f"{base}{'&' if '?' in base else '?'}{urlencode({'url': return_to})}"
