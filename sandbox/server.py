"""The reference services as a process of their own: `python -m sandbox`.

The production stack (deploy/stack.py) runs kepweb under gunicorn and these stand-ins beside it, as the
real systems would be: the scheduling API, the GSIS-like sign-in, the staff sign-in and the outbox on one
port (`KEPWEB_SANDBOX_PORT`), at the same paths as in the embedded default (`mounts`), and the scheduling
API's admin part on a port of its own (`KEPWEB_SANDBOX_ADMIN_PORT`), which the frontend's port does not serve.

The browser-facing paths (/oauth2server/, /sandbox/staff-id/, /sandbox/outbox/) are reached through the
frontend's public https address (nginx proxies them here), so every redirect URI is https; the frontend
calls the API, the token and userinfo endpoints on loopback. Configured from the environment (`Options`);
every secret is given, none has a default.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from dataclasses import dataclass

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from sandbox import gsis, scheduling, staff_idp
from sandbox import outbox as outbox_module
from sandbox.scheduling import access_log
from sandbox.scheduling.service import ADMIN_OWN_LISTENER, admin_listener

GSIS_PREFIX = "/oauth2server"
STAFF_ID_PREFIX = "/sandbox/staff-id"
OUTBOX_PREFIX = "/sandbox/outbox"
SCHEDULING_PREFIX = "/sandbox/scheduling"
# The settings `python -m sandbox` will not start without: secrets shared with the frontend, and its address.
REQUIRED = ("KEPWEB_SANDBOX_PUBLIC_URL", "KEPWEB_SANDBOX_API_TOKEN", "KEPWEB_SANDBOX_ADMIN_TOKEN",
            "KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY", "KEPWEB_SANDBOX_GSIS_CLIENT_ID",
            "KEPWEB_SANDBOX_GSIS_CLIENT_SECRET", "KEPWEB_SANDBOX_STAFF_CLIENT_ID",
            "KEPWEB_SANDBOX_STAFF_CLIENT_SECRET")


def mounts(public_url: str, *, gsis_client: tuple[str, str], staff_client: tuple[str, str],
           scheduling_app, outbox, sms_token: str) -> dict:
    """The stand-ins at their paths, for a frontend whose citizens see it at `public_url`
    (`*_client`: (client id, client secret) of the frontend at each sign-in provider)."""
    staff_issuer = f"{public_url}{STAFF_ID_PREFIX}"
    return {
        SCHEDULING_PREFIX: scheduling_app,
        OUTBOX_PREFIX: outbox_module.create_app(outbox, sms_token=sms_token),
        GSIS_PREFIX: gsis.create_app([{
            "client_id": gsis_client[0], "client_secret": gsis_client[1],
            "redirect_uris": [f"{public_url}/sign-in/callback"],
        }]),
        STAFF_ID_PREFIX: staff_idp.create_app([{
            "client_id": staff_client[0], "client_secret": staff_client[1],
            "redirect_uris": [f"{public_url}/staff/callback"],
            "post_logout_redirect_uris": [f"{public_url}/staff/signed-out"],
        }], issuer=staff_issuer),
    }


@dataclass
class Options:
    public_url: str
    host: str
    port: int
    admin_port: int
    smtp_port: int
    api_token: str
    admin_token: str
    gsis_client: tuple[str, str]
    staff_client: tuple[str, str]

    @classmethod
    def from_environment(cls, env=None) -> Options:
        env = os.environ if env is None else env
        missing = [name for name in REQUIRED if not env.get(name)]
        if missing:
            raise ValueError("python -m sandbox needs these environment variables: " + ", ".join(missing))
        return cls(
            public_url=env["KEPWEB_SANDBOX_PUBLIC_URL"].rstrip("/"),
            host=env.get("KEPWEB_SANDBOX_HOST", "127.0.0.1"),
            port=int(env.get("KEPWEB_SANDBOX_PORT", "8100")),
            admin_port=int(env.get("KEPWEB_SANDBOX_ADMIN_PORT", "8101")),
            smtp_port=int(env.get("KEPWEB_SANDBOX_SMTP_PORT", "8025")),
            api_token=env["KEPWEB_SANDBOX_API_TOKEN"],
            admin_token=env["KEPWEB_SANDBOX_ADMIN_TOKEN"],
            gsis_client=(env["KEPWEB_SANDBOX_GSIS_CLIENT_ID"], env["KEPWEB_SANDBOX_GSIS_CLIENT_SECRET"]),
            staff_client=(env["KEPWEB_SANDBOX_STAFF_CLIENT_ID"], env["KEPWEB_SANDBOX_STAFF_CLIENT_SECRET"]),
        )


def nothing_here(environ, start_response):
    return Response("Not found", status=404, mimetype="text/plain")(environ, start_response)


def build(options: Options, outbox, **settings_overrides) -> tuple:
    """(the WSGI app of the main port, the WSGI app of the admin's port); `settings_overrides` go to the
    scheduling service's Settings (the tests give it a database of their own)."""
    own_url = f"http://{options.host}:{options.port}"
    settings = scheduling.Settings.from_environment(
        frontend_token=options.api_token, admin_token=options.admin_token, smtp_port=options.smtp_port,
        # Links in emails and calendars lead to the frontend's public address.
        frontend_url=options.public_url,
        sms_url=f"{own_url}{OUTBOX_PREFIX}/sms/messages", **settings_overrides)
    service = scheduling.create_app(settings, admin_api=ADMIN_OWN_LISTENER)
    main = DispatcherMiddleware(nothing_here, mounts(
        options.public_url, gsis_client=options.gsis_client, staff_client=options.staff_client,
        scheduling_app=service, outbox=outbox, sms_token=settings.sms_token))
    return main, admin_listener(service)


def main() -> int:
    access_log.configure_logging_if_bare()  # JSON lines in production (KEPWEB_LOG_FORMAT), as kepweb's
    try:
        options = Options.from_environment()
    except ValueError as error:
        print(f"the sandbox cannot start: {error}", file=sys.stderr)
        return 2
    from waitress import create_server

    outbox = outbox_module.Outbox()
    outbox.start(host=options.host, port=options.smtp_port)
    main_app, admin_app = build(options, outbox)
    # Every kepweb instance keeps its connections to the API alive, and nginx brings each citizen's sign-in
    # pages: waitress's default of 100 open connections made the rest wait (504s from nginx, 503s from
    # kepweb under the load test's 200 citizens). An idle connection holds no thread; poll() has no 1024 cap.
    main_server = create_server(main_app, host=options.host, port=options.port, threads=8, ident="kepweb-sandbox",
                                connection_limit=1000, asyncore_use_poll=True)
    admin_server = create_server(admin_app, host=options.host, port=options.admin_port, threads=2,
                                 ident="kepweb-sandbox-admin")
    threading.Thread(target=admin_server.run, name="admin listener", daemon=True).start()
    # A `kill` (SIGTERM) ends the process as Ctrl-C does: the listeners and the SMTP server close.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"sandbox: services on http://{options.host}:{options.port}/, admin API on "
          f"http://{options.host}:{options.admin_port}/v1/admin/, SMTP on {options.smtp_port}", flush=True)
    try:
        main_server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        admin_server.close()
        main_server.close()
        outbox.stop()
    return 0
