from __future__ import annotations

import base64
import hmac
import itertools
import logging
import threading
from datetime import datetime, timezone
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller
from flask import Flask, abort, render_template_string, request

# aiosmtpd logs every connection at INFO, with the client's address.
logging.getLogger("mail.log").setLevel(logging.WARNING)

SANDBOX_SMS_TOKEN = "sandbox-sms-token"


class Outbox:
    """Messages received over SMTP, and text messages received as an SMS gateway,
    kept in memory, newest last."""

    def __init__(self):
        self._messages: list[dict] = []
        self._sms: list[dict] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._sms_ids = itertools.count(1)
        self._controller: Controller | None = None

    # aiosmtpd calls this for each message.
    async def handle_DATA(self, server, session, envelope):
        self.keep(envelope.content, envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def keep(self, raw: bytes, recipients: list[str]) -> dict:
        parsed = message_from_bytes(raw, policy=policy.default)
        stored = {
            "id": next(self._ids),
            "from": str(parsed.get("From", "")),
            "to": recipients,
            "subject": str(parsed.get("Subject", "")),
            "date": str(parsed.get("Date", "")),
            "reply_to": str(parsed.get("Reply-To", "")),
            "text": _body(parsed, "plain"),
            "html": _body(parsed, "html"),
            "attachments": [_attachment(part) for part in parsed.iter_attachments()],
        }
        with self._lock:
            self._messages.append(stored)
        return stored

    def messages(self) -> list[dict]:
        with self._lock:
            return list(self._messages)

    def keep_sms(self, to: str, text: str, sender: str) -> dict:
        stored = {"id": f"sms-{next(self._sms_ids)}", "to": to, "sender": sender, "text": text,
                  "received": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        with self._lock:
            self._sms.append(stored)
        return stored

    def sms_messages(self) -> list[dict]:
        with self._lock:
            return list(self._sms)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            self._sms.clear()

    def start(self, host: str = "127.0.0.1", port: int = 8025) -> None:
        self._controller = Controller(self, hostname=host, port=port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None


def _body(message, subtype):
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


def _attachment(part):
    payload = part.get_payload(decode=True) or b""
    return {
        "filename": part.get_filename(),
        "content_type": part.get_content_type(),
        "content_base64": base64.b64encode(payload).decode("ascii"),
    }


PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox outbox ({{ messages|length }} messages)</title></head>
<body>
<main>
<h1>Sandbox outbox ({{ messages|length }} messages)</h1>
<p>Every email the embedded default sends lands here instead of a real mailbox.
The same list as JSON: <a href="messages.json">messages.json</a>.
The text messages: <a href="sms/">SMS outbox</a>.</p>
{% for m in messages|reverse %}
<article>
<h2>{{ m.subject }}</h2>
<p>To {{ m.to|join(", ") }}, {{ m.date }}{% if m.attachments %}, attachments:
{% for a in m.attachments %}\
<a href="messages/{{ m.id }}/attachments/{{ loop.index0 }}">{{ a.filename }}</a> {% endfor %}{% endif %}</p>
<pre>{{ m.text }}</pre>
</article>
{% else %}
<p>No messages yet.</p>
{% endfor %}
</main>
</body>
</html>"""


SMS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox SMS outbox ({{ messages|length }} messages)</title></head>
<body>
<main>
<h1>Sandbox SMS outbox ({{ messages|length }} messages)</h1>
<p>Every text message the embedded default sends lands here instead of a phone.
The same list as JSON: <a href="messages.json">messages.json</a>. The emails: <a href="../">outbox</a>.</p>
{% for m in messages|reverse %}
<article>
<h2>To {{ m.to }}</h2>
<p>From {{ m.sender }}, {{ m.received }}</p>
<pre>{{ m.text }}</pre>
</article>
{% else %}
<p>No messages yet.</p>
{% endfor %}
</main>
</body>
</html>"""


def create_app(outbox: Outbox, sms_token: str = SANDBOX_SMS_TOKEN) -> Flask:
    """The outbox's pages; `sms_token` is the bearer token the SMS gateway wants."""
    app = Flask(__name__)

    @app.get("/")
    def page():
        return render_template_string(PAGE, messages=outbox.messages())

    @app.get("/messages.json")
    def as_json():
        return {"messages": outbox.messages()}

    @app.get("/messages/<int:message_id>/attachments/<int:index>")
    def attachment(message_id, index):
        for message in outbox.messages():
            if message["id"] == message_id and index < len(message["attachments"]):
                found = message["attachments"][index]
                return base64.b64decode(found["content_base64"]), 200, {
                    "Content-Type": found["content_type"],
                    "Content-Disposition": f'attachment; filename="{found["filename"]}"',
                }
        abort(404)

    @app.post("/sms/messages")
    def receive_sms():
        """The gateway: takes {"to", "text", "sender"} with the bearer token, like a real one."""
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, f"Bearer {sms_token}".encode()):
            return {"error": "unauthorized"}, 401
        body = request.get_json(silent=True)
        if not is_sms(body):
            return {"error": "to, text and sender must be non-empty text"}, 400
        stored = outbox.keep_sms(body["to"], body["text"], body["sender"])
        return {"id": stored["id"]}, 201

    @app.get("/sms/")
    def sms_page():
        return render_template_string(SMS_PAGE, messages=outbox.sms_messages())

    @app.get("/sms/messages.json")
    def sms_as_json():
        return {"messages": outbox.sms_messages()}

    return app


def is_sms(body) -> bool:
    return isinstance(body, dict) and all(
        isinstance(body.get(name), str) and body[name].strip() for name in ("to", "text", "sender"))
