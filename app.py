"""Entry point: `python app.py` starts kepweb.

With no external system configured (no KEPWEB_SCHEDULING_API_URL), it starts
the embedded default: the frontend and the sandbox stand-ins in one process, so
the whole journey runs on a laptop. On the port it prints:

    /                     kepweb, the citizen frontend
    /sandbox/scheduling/  the scheduling API's reference service
    /sandbox/outbox/      every email sent, as a page and as JSON (SMTP on KEPWEB_SMTP_PORT)
    /sandbox/outbox/sms/  every text message sent, as a page and as JSON (the SMS gateway's stand-in)
    /oauth2server/        the GSIS-like sign-in provider, at GSIS's own paths
    /sandbox/staff-id/    the KEP staff's sign-in (OpenID Connect for public servants); kepweb's staff area is /staff

The frontend's own calls to the stand-ins (the scheduling API, GSIS's token and userinfo, the SMS
gateway) go to a second listener on a loopback port of its own (KEPWEB_SANDBOX_API_PORT) with threads of
its own: when they went to the port citizens use, a few citizens waiting on the API held every thread, and
the API calls they waited for queued behind them until they timed out (issue 16). The paths above stay on
the main port too, for browsers and tools; the frontend does not call them there.

And, beside it, Janus (Debian's package) as the call server, with a config made from the repo.

This module is the only place that knows both kepweb and sandbox.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from kepweb import create_app
from kepweb.config import ConfigError, log_format
from kepweb.logs import configure_logging

SANDBOX_API_TOKEN = "sandbox-frontend-token"
SANDBOX_GSIS_CLIENT_ID = "kepweb-sandbox"
SANDBOX_STAFF_CLIENT_ID = "kepweb-staff-sandbox"
STAFF_ID_PREFIX = "/sandbox/staff-id"
# The back channel's threads: as many as the citizens' port has, so that every citizen request that
# waits on an API call can have its call served at once.
BACK_CHANNEL_THREADS = 8


class LoopbackServer:
    """A WSGI app served by waitress on a loopback port of its own, from a daemon thread, with its own
    threads: what the frontend calls server-side never waits for a thread that serves a citizen.

    The port is bound at once (0: any free one), so that `url` can go into the configuration of the
    app that is then given to `serve`.
    """

    def __init__(self, port: int = 0, threads: int = BACK_CHANNEL_THREADS, ident: str = "kepweb-sandbox"):
        from waitress import create_server

        self.server = create_server(NotFound(), host="127.0.0.1", port=port, threads=threads, ident=ident)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self._thread = threading.Thread(target=self.server.run, name=ident, daemon=True)

    def serve(self, wsgi_app) -> LoopbackServer:
        self.server.application = wsgi_app
        self._thread.start()
        return self

    def stop(self) -> None:
        # Closed from its own loop (waitress's trigger), which then ends: closing its sockets from
        # another thread would pull them from under the loop's select().
        if self._thread.is_alive():
            self.server.trigger.pull_trigger(self.server.close)
            self._thread.join(timeout=10)
        else:
            self.server.close()


def embedded_default(base_url: str, smtp_port: int, overrides: dict | None = None,
                     sandbox_settings: dict | None = None, call_server=None, back_channel_port: int = 0):
    """The frontend wired to the sandbox stand-ins; returns (wsgi_app, frontend, outbox, back_channel).

    `wsgi_app` is for the port citizens use (`base_url`); `back_channel`, a started LoopbackServer on
    `back_channel_port` (0: any free one), serves what the frontend calls server-side; stop it with the
    outbox. `overrides` go to the frontend's config, `sandbox_settings` to the scheduling
    service's Settings (tests give it a database of their own and a clock). `call_server`,
    a started sandbox.janus.process.JanusProcess (or None: calls say the server is not
    answering), hosts the video calls.
    """
    import secrets

    from sandbox import outbox as outbox_module
    from sandbox import scheduling
    from sandbox import server as sandbox_server

    outbox = outbox_module.Outbox()
    outbox.start(port=smtp_port)
    back_channel = LoopbackServer(back_channel_port)
    gsis_secret = secrets.token_urlsafe(24)
    staff_secret = secrets.token_urlsafe(24)
    # Both sides of the citizen's assertions share one key, new at each start.
    assertion_key = secrets.token_urlsafe(32)
    provider = f"{base_url}/oauth2server"  # the browser's way to GSIS; the frontend's is the back channel
    provider_back = f"{back_channel.url}/oauth2server"
    staff_issuer = f"{base_url}{STAFF_ID_PREFIX}"
    calls = call_settings(call_server)
    frontend = create_app(
        {
            "SCHEDULING_API_URL": f"{back_channel.url}/sandbox/scheduling/v1",
            **calls["frontend"],
            "SCHEDULING_API_TOKEN": SANDBOX_API_TOKEN,
            "CITIZEN_ASSERTION_KEY": assertion_key,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp_port,
            "GSIS_CLIENT_ID": SANDBOX_GSIS_CLIENT_ID,
            "GSIS_CLIENT_SECRET": gsis_secret,
            "GSIS_AUTHORIZE_URL": f"{provider}/oauth/authorize",
            "GSIS_TOKEN_URL": f"{provider_back}/oauth/token",
            "GSIS_USERINFO_URL": f"{provider_back}/userinfo?format=xml",
            "GSIS_LOGOUT_URL": f"{provider}/logout/{{client_id}}/",
            "STAFF_OIDC_ISSUER": staff_issuer,
            "STAFF_OIDC_CLIENT_ID": SANDBOX_STAFF_CLIENT_ID,
            "STAFF_OIDC_CLIENT_SECRET": staff_secret,
            **(overrides or {}),
        }
    )
    settings = scheduling.Settings.from_environment(
        frontend_token=SANDBOX_API_TOKEN,
        smtp_port=smtp_port,
        frontend_url=base_url,
        sms_url=f"{back_channel.url}/sandbox/outbox/sms/messages",
        **calls["sandbox"],
        **(sandbox_settings or {}),
    )
    # The frontend's key, even when the environment names one for the sandbox alone.
    settings.citizen_assertion_key = frontend.config["CITIZEN_ASSERTION_KEY"]
    stand_ins = sandbox_server.mounts(
        base_url, gsis_client=(SANDBOX_GSIS_CLIENT_ID, gsis_secret),
        staff_client=(SANDBOX_STAFF_CLIENT_ID, staff_secret), scheduling_app=scheduling.create_app(settings),
        outbox=outbox, sms_token=settings.sms_token)
    # Browsers see every stand-in on the citizens' port; the frontend's own calls (the API, GSIS's token and
    # userinfo, the SMS gateway) go to the same apps on the back channel, whose threads are theirs alone.
    wsgi_app = DispatcherMiddleware(frontend, stand_ins)
    back_channel.serve(DispatcherMiddleware(NotFound(), stand_ins))
    return wsgi_app, frontend, outbox, back_channel


def call_settings(call_server) -> dict:
    """What the frontend (the origin its pages may connect to) and the reference service (the rooms'
    client and the browsers' address) need to know of the call server."""
    if call_server is None:
        return {"frontend": {}, "sandbox": {}}
    from kepweb.security import origin_of
    from sandbox.janus.rooms import JanusRooms

    return {"frontend": {"CALL_SERVER_ORIGINS": (origin_of(call_server.ws_url),)},
            "sandbox": {"call_rooms": JanusRooms(call_server.http_url, call_server.room_admin_key),
                        "call_server_url": call_server.ws_url}}


def start_call_server():
    """Janus, from Debian's package, with a config folder made from the repo and fresh secrets;
    None (and a line that says why) when it is not installed: `bash scripts/run` installs it."""
    import atexit

    from sandbox.janus.process import JanusProcess

    if os.environ.get("KEPWEB_SANDBOX_JANUS_URL"):
        return None  # a call server of its own: the settings name it (README, "Video calls")
    if not JanusProcess.available():
        print("  video calls: Janus is not installed (bash scripts/run installs it); calls will say the call "
              "server is not answering", flush=True)
        return None
    janus = JanusProcess(os.environ.get("KEPWEB_SANDBOX_JANUS_DIR", ".sandbox/janus"),
                         ws_port=int(os.environ.get("KEPWEB_SANDBOX_JANUS_WS_PORT", "8188")))
    janus.start()
    atexit.register(janus.stop)
    # Janus runs in a session of its own (Ctrl-C in the terminal does not reach it): stopped at exit, and
    # a `kill` (SIGTERM) is made an exit, so that it does not outlive the service.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    return janus


def api_via(url: str) -> dict:
    """KEPWEB_SANDBOX_API_VIA: the frontend reaches the embedded API through this URL (its /v1), e.g. a
    proxy in front of the back channel that scripts/load-test makes hang; empty: directly."""
    return {"SCHEDULING_API_URL": url.rstrip("/")} if url else {}


# Open connections, most of them idle between a citizen's pages (browsers keep them alive): waitress
# stops accepting at its default 100, which the load test's 200 citizens (scripts/load-test) reached,
# and the rest waited for a minute to connect. An idle connection holds no thread, only a descriptor:
# poll() rather than select(), which stops at 1024 of them.
CONNECTIONS = {"connection_limit": 1000, "asyncore_use_poll": True}


def waitress_options(frontend) -> dict:
    """How app.py's waitress serves `frontend` (the kepweb Flask app).

    Waitress drops every X-Forwarded-* header from a peer it was not told to trust, so behind a TLS proxy
    the frontend never learnt the request was https and redirected it to itself. Rather than a second
    rule in waitress (its trusted_proxy, by address), waitress hands the headers on when the frontend
    trusts a proxy (KEPWEB_TRUSTED_PROXIES), and the frontend's ProxyFix (kepweb/proxy.py), which every
    server gets, decides what to believe; with no proxy trusted waitress keeps dropping them, and so
    does the frontend.
    """
    options = {"threads": 8, "ident": "kepweb", **CONNECTIONS}
    if frontend.config["TRUSTED_PROXIES"]:
        options["clear_untrusted_proxy_headers"] = False
    return options


def main() -> int:
    try:
        # Before anything logs: JSON lines in production, text on a laptop (KEPWEB_LOG_FORMAT, kepweb/logs.py);
        # the embedded default's stand-ins log through the same handler, with the same request ids.
        configure_logging(log_format(), force=True)
    except ConfigError as error:
        print(f"kepweb cannot start: {error}", file=sys.stderr)
        return 2
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    embedded = not os.environ.get("KEPWEB_SCHEDULING_API_URL") and os.environ.get("KEPWEB_ENV") != "production"
    try:
        if embedded:
            smtp_port = int(os.environ.get("KEPWEB_SMTP_PORT", "8025"))
            call_server = start_call_server()
            wsgi_app, frontend, _outbox, back_channel = embedded_default(
                f"http://127.0.0.1:{port}", smtp_port, call_server=call_server,
                overrides=api_via(os.environ.get("KEPWEB_SANDBOX_API_VIA", "")),
                back_channel_port=int(os.environ.get("KEPWEB_SANDBOX_API_PORT", "0")))
        else:
            wsgi_app = frontend = create_app()
    except ConfigError as error:
        print(f"kepweb cannot start: {error}", file=sys.stderr)
        return 2

    from waitress import serve

    url = f"http://{host}:{port}/"
    print(f"kepweb is running at {url}", flush=True)
    if embedded:
        print(f"  sandbox outbox: emails {url}sandbox/outbox/, SMS {url}sandbox/outbox/sms/", flush=True)
        print(f"  KEP staff area: {url}staff (test accounts in README.md)", flush=True)
        print(f"  the frontend calls the sandbox's API at {frontend.config['SCHEDULING_API_URL']}", flush=True)
        if call_server is not None:
            print(f"  video calls: Janus at {call_server.ws_url} (its log: {call_server.log_path})", flush=True)
    serve(wsgi_app, host=host, port=port, **waitress_options(frontend))
    return 0


if __name__ == "__main__":
    sys.exit(main())
