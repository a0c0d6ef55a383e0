"""What the two OAuth stand-ins (GSIS for citizens, OpenID Connect for the KEP staff) share on the
server side: codes and tokens kept in memory, and Authlib's request made to pass its https check."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from authlib.integrations.flask_oauth2.requests import FlaskOAuth2Payload, FlaskOAuth2Request
from authlib.oauth2.rfc6749 import OAuth2Request

Clock = Callable[[], datetime]


class Store:
    """Codes and tokens in memory. A code leaves the store when it is presented."""

    # Expired tokens are kept a while, so that userinfo can say "expired".
    KEEP_EXPIRED = timedelta(hours=1)

    def __init__(self, clock: Clock):
        self.clock = clock
        self._lock = threading.Lock()
        self._codes: dict = {}
        self._tokens: dict = {}

    def save_code(self, code) -> None:
        now = self.clock()
        with self._lock:
            for key in [key for key, item in self._codes.items() if item.expires_at <= now]:
                del self._codes[key]
            self._codes[code.code] = code

    def take_code(self, code: str, client_id: str):
        """The code if it is live and the client's; gone from the store either way."""
        with self._lock:
            found = self._codes.pop(code, None)
        if found is None or found.client_id != client_id or self.clock() >= found.expires_at:
            return None
        return found

    def save_token(self, token) -> None:
        horizon = self.clock() - self.KEEP_EXPIRED
        with self._lock:
            for key in [key for key, item in self._tokens.items() if item.expires_at <= horizon]:
                del self._tokens[key]
            self._tokens[token.access_token] = token

    def token(self, access_token: str):
        with self._lock:
            return self._tokens.get(access_token)


class PlainHttpRequest(FlaskOAuth2Request):
    """Authlib refuses plain http except on loopback addresses; the sandbox
    serves laptops, containers and test hosts over plain http, so its requests
    pass that check whatever the host. (The real providers are https only.)"""

    def __init__(self, incoming):
        url = incoming.url
        as_https = "https://" + url.split("://", 1)[1] if url.startswith("http://") else url
        OAuth2Request.__init__(self, method=incoming.method, uri=as_https, headers=incoming.headers)
        self.uri = url  # the real address; only the transport check saw https
        self._request = incoming
        self.payload = FlaskOAuth2Payload(incoming)
