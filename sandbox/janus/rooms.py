"""The backend's client for a booking's rooms on Janus: a VideoRoom and a TextRoom with one number.

It speaks Janus's plain HTTP API (create a session, attach the plugin, send a message,
destroy the session), every request with a timeout. Anything that is not a clear answer
from Janus (no connection, a timeout, something that is not JSON, an error we did not
expect) raises `CallServerUnavailable`: the caller shows "the call server is down", never
a blank video.
"""

from __future__ import annotations

import secrets

import requests

VIDEOROOM = "janus.plugin.videoroom"
TEXTROOM = "janus.plugin.textroom"

# Error codes of the two plugins (janus_videoroom.c, janus_textroom.c) that mean "already
# done": creating a room that exists, destroying or kicking what is not there.
ROOM_EXISTS = {VIDEOROOM: 427, TEXTROOM: 418}
NO_SUCH_ROOM = {VIDEOROOM: 426, TEXTROOM: 417}
NO_SUCH_PARTICIPANT = {VIDEOROOM: 428, TEXTROOM: 423}

# Citizen, employee, interpreter, companion, and room for one more (a second interpreter).
PUBLISHERS = 6


class CallServerUnavailable(Exception):
    """Janus did not answer, or answered something we cannot use."""


class JanusError(CallServerUnavailable):
    """Janus answered with an error: `code` is Janus's or the plugin's error code."""

    def __init__(self, code: int | None, reason: str):
        super().__init__(f"Janus error {code}: {reason}")
        self.code = code
        self.reason = reason


class JanusSession:
    """One Janus session over HTTP; destroyed on leaving the `with` block."""

    def __init__(self, http_url: str, timeout: float, http: requests.Session | None = None):
        self.http_url = http_url.rstrip("/")
        self.timeout = timeout
        self.http = http or requests.Session()
        self.session_id = self.post(self.http_url, {"janus": "create"})["data"]["id"]

    def post(self, url: str, payload: dict) -> dict:
        answer = self.call("POST", url, json={**payload, "transaction": secrets.token_hex(8)})
        if answer.get("janus") == "error":
            error = answer.get("error") or {}
            raise JanusError(error.get("code"), error.get("reason", "unknown"))
        return answer

    def call(self, method: str, url: str, **kwargs) -> dict:
        try:
            response = self.http.request(method, url, timeout=self.timeout, **kwargs)
            response.raise_for_status()
            answer = response.json()
        except (requests.RequestException, ValueError) as problem:
            raise CallServerUnavailable(f"Janus at {self.http_url} did not answer usefully: {problem}") from problem
        if not isinstance(answer, dict):
            raise CallServerUnavailable(f"Janus at {self.http_url} answered {answer!r}")
        return answer

    def attach(self, plugin: str) -> int:
        return self.post(f"{self.http_url}/{self.session_id}", {"janus": "attach", "plugin": plugin})["data"]["id"]

    def message(self, handle: int, body: dict, jsep: dict | None = None) -> dict:
        """Send a plugin message; the answer is the plugin's data (synchronous requests) or {}
        after an "ack" (asynchronous ones: their answer comes as an event, see `next_event`)."""
        payload = {"janus": "message", "body": body, **({"jsep": jsep} if jsep else {})}
        answer = self.post(f"{self.http_url}/{self.session_id}/{handle}", payload)
        return (answer.get("plugindata") or {}).get("data", {})

    def next_event(self) -> dict:
        """One event from the session's long poll (Janus holds it up to 30 s; our timeout is shorter)."""
        return self.call("GET", f"{self.http_url}/{self.session_id}", params={"maxev": 1})

    def close(self) -> None:
        try:
            self.post(f"{self.http_url}/{self.session_id}", {"janus": "destroy"})
        except CallServerUnavailable:
            pass  # the session times out on Janus's side anyway (session_timeout)

    def __enter__(self) -> JanusSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class JanusRooms:
    """Create, open to tokens, revoke, and destroy a booking's VideoRoom and TextRoom."""

    def __init__(self, http_url: str, admin_key: str, timeout: float = 5):
        self.http_url = http_url
        self.admin_key = admin_key
        self.timeout = timeout
        self.http = requests.Session()

    def session(self) -> JanusSession:
        return JanusSession(self.http_url, self.timeout, self.http)

    def request(self, plugin: str, body: dict, *, ok_codes=frozenset()) -> dict:
        """One synchronous plugin request in a session of its own; plugin errors raise
        JanusError unless their code is in `ok_codes` (then the error's data is returned)."""
        with self.session() as session:
            data = session.message(session.attach(plugin), body)
        code = data.get("error_code")
        if code is not None and code not in ok_codes:
            raise JanusError(code, data.get("error", "unknown"))
        return data

    def create(self, room: int, secret: str, tokens: list[str], description: str = "") -> None:
        """Both rooms, private, for these tokens only, never recorded. A room that exists is left as is."""
        common = {"request": "create", "room": room, "permanent": False, "description": description,
                  "admin_key": self.admin_key, "secret": secret, "is_private": True, "allowed": list(tokens)}
        self.request(VIDEOROOM, {
            **common,
            "publishers": PUBLISHERS,
            # record=false alone is not enough: without the lock any participant can turn it on.
            "record": False,
            "lock_record": True,
            "notify_joining": True,
            # `allowed` gates joining as a publisher only; subscribing needs the private_id that
            # such a join returns, so an uninvited browser cannot watch by guessing numbers.
            "require_pvtid": True,
        }, ok_codes={ROOM_EXISTS[VIDEOROOM]})
        self.request(TEXTROOM, {**common, "history": 0}, ok_codes={ROOM_EXISTS[TEXTROOM]})

    def allow(self, room: int, secret: str, tokens: list[str]) -> None:
        self.change_allowed(room, secret, "add", tokens)

    def revoke(self, room: int, secret: str, token: str, feed_id: int | None = None,
               chat_username: str | None = None) -> None:
        """The token no longer opens either room; whoever is in with it now is put out."""
        self.change_allowed(room, secret, "remove", [token])
        if feed_id is not None:
            self.request(VIDEOROOM, {"request": "kick", "room": room, "secret": secret, "id": feed_id},
                         ok_codes={NO_SUCH_PARTICIPANT[VIDEOROOM], NO_SUCH_ROOM[VIDEOROOM]})
        if chat_username is not None:
            self.request(TEXTROOM, {"request": "kick", "room": room, "secret": secret, "username": chat_username},
                         ok_codes={NO_SUCH_PARTICIPANT[TEXTROOM], NO_SUCH_ROOM[TEXTROOM]})

    def change_allowed(self, room: int, secret: str, action: str, tokens: list[str]) -> None:
        for plugin in (VIDEOROOM, TEXTROOM):
            self.request(plugin, {"request": "allowed", "room": room, "secret": secret, "action": action,
                                  "allowed": list(tokens)})

    def allowed(self, room: int, secret: str) -> dict[str, list[str]]:
        """Each plugin's complete list of allowed tokens (an empty "add" answers with it)."""
        return {plugin: self.request(plugin, {"request": "allowed", "room": room, "secret": secret,
                                              "action": "add", "allowed": []}).get("allowed", [])
                for plugin in (VIDEOROOM, TEXTROOM)}

    def destroy(self, room: int, secret: str) -> None:
        """Both rooms; a room already gone is fine."""
        for plugin in (VIDEOROOM, TEXTROOM):
            self.request(plugin, {"request": "destroy", "room": room, "secret": secret, "permanent": False},
                         ok_codes={NO_SUCH_ROOM[plugin]})

    def exists(self, room: int) -> bool:
        return bool(self.request(VIDEOROOM, {"request": "exists", "room": room}).get("exists"))

    def participants(self, room: int, secret: str) -> list[dict]:
        """Who is in the VideoRoom now: [{id, display, publisher, talking?}].
        (Janus does not ask for the secret here; it is taken for symmetry and future checks.)"""
        return self.request(VIDEOROOM, {"request": "listparticipants", "room": room}).get("participants", [])
