"""The reference service's parameters (article 3.3: days and hours are parameters)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from pathlib import Path


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


#: The access log's key on a laptop and in tests. Public (it is in this file): never for real data.
SANDBOX_AUDIT_KEY = "sandbox-audit-key-not-for-production"
AUDIT_KEY_MIN_LENGTH = 16
# The key the frontend signs its citizen assertions with (HS256, shared); the frontend's default is the same.
SANDBOX_CITIZEN_ASSERTION_KEY = "sandbox-citizen-assertion-key-not-for-production"
CITIZEN_ASSERTION_KEY_MIN_LENGTH = 32


@dataclass
class Settings:
    database: Path = Path(".sandbox/scheduling.sqlite3")
    frontend_token: str = "sandbox-frontend-token"
    admin_token: str = "sandbox-admin-token"
    service_opens: time = time(8, 0)
    service_closes: time = time(14, 30)
    grid_minutes: int = 20
    gap_minutes: int = 10
    min_notice_minutes: int = 120
    horizon_days: int = 30
    hold_minutes: int = 10
    # A hold can be extended, each time to `hold_minutes` from then, until it has lasted
    # (1 + hold_extensions) × hold_minutes: so at least `hold_extensions` times, the ten
    # that WCAG 2.2.1 (Timing Adjustable) asks for, and more by citizens who extend early.
    hold_extensions: int = 10
    reminder_minutes: int = 60
    # At most this many active bookings (confirmed, not yet ended) per citizen, across every procedure and
    # KEP: one account once took 15 times in 8 seconds (issue #16). Four leaves room for what one person
    # really has in flight within the 30-day horizon (a benefit, a certificate, a permit, a business
    # matter), while no one citizen can take a small KEP's day. A reschedule moves a booking: it adds none.
    max_active_bookings: int = 4
    # What the privacy notice promises: an appointment and its details kept 12 months after
    # it, access records 6 months (retention.py deletes them; checked every hour).
    booking_retention_days: int = 365
    access_log_retention_days: int = 183
    retention_loop_seconds: float = 3600.0
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_timeout: float = 8.0
    mail_sender: str = "myKEPlive <no-reply@mykeplive.example>"
    frontend_url: str = "http://127.0.0.1:5000"
    # The citizen's link to the call, in emails and calendars: the frontend's join page.
    meeting_url_template: str = "{frontend}/appointments/{reference}/join"
    # The call server (sandbox/scheduling/meetings.py): the object that creates and destroys rooms
    # on Janus (None: no call server, so no call can start), the address browsers reach it at, the
    # STUN/TURN servers they are given, and how long before a call its room is opened.
    call_rooms: object | None = None
    call_server_url: str = ""
    ice_servers: list = field(default_factory=list)
    room_lead_minutes: int = 20
    # The join pages open this long before the start (kepweb/calls.py says the same to citizens).
    join_opens_minutes: int = 15
    # Text messages go through an HTTP gateway; empty: the sandbox outbox beside the frontend.
    sms_url: str = ""
    sms_token: str = "sandbox-sms-token"
    sms_sender: str = "myKEPlive"  # an alphanumeric sender name: at most 11 characters on phones
    sms_timeout: float = 8.0
    # Where citizens write with questions: the emails' Reply-To, and the only contact
    # offered to those who declared a hearing need (never a phone number).
    support_email: str = "help@mykeplive.example"
    # Signs the guests' join links. Fixed, not random per start: links sent by email must
    # outlive a restart. Set KEPWEB_SANDBOX_LINK_SECRET in production.
    link_secret: str = "sandbox-link-secret-not-for-production"
    # Keys the access log's hashes of citizens' ΑΦΜ and of guests' invitations (article 7.2). Fixed, not
    # random per start: one citizen's entries must stay comparable across restarts. Whoever knows the key
    # can test an ΑΦΜ against the log, so a real deployment sets KEPWEB_SANDBOX_AUDIT_KEY (required when
    # KEPWEB_ENV=production) and keeps it as secret as the log itself.
    audit_key: str = SANDBOX_AUDIT_KEY
    # Verifies the frontend's assertions of the citizen (sandbox/scheduling/assertion.py): shared with the
    # frontend's KEPWEB_CITIZEN_ASSERTION_KEY. KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY, required in production.
    citizen_assertion_key: str = SANDBOX_CITIZEN_ASSERTION_KEY
    background_loops: bool = True  # the mail sender and the reminder scheduler
    loop_seconds: float = 2.0
    clock: Callable[[], datetime] = field(default=utc_now)

    @property
    def hold_ceiling_seconds(self) -> int:
        """How long after it was made a hold ends at the latest."""
        return (1 + self.hold_extensions) * self.hold_minutes * 60

    @property
    def sms_gateway_url(self) -> str:
        return self.sms_url or f"{self.frontend_url.rstrip('/')}/sandbox/outbox/sms/messages"

    @classmethod
    def from_environment(cls, **overrides) -> Settings:
        env = os.environ
        settings = cls(**overrides)
        if env.get("KEPWEB_SANDBOX_DB"):
            settings.database = Path(env["KEPWEB_SANDBOX_DB"])
        for name, kind in (("gap_minutes", int), ("min_notice_minutes", int), ("horizon_days", int),
                           ("hold_minutes", int), ("hold_extensions", int), ("reminder_minutes", int),
                           ("grid_minutes", int), ("booking_retention_days", int),
                           ("access_log_retention_days", int), ("max_active_bookings", int)):
            variable = f"KEPWEB_SANDBOX_{name.upper()}"
            if env.get(variable):
                setattr(settings, name, kind(env[variable]))
        if settings.max_active_bookings < 1:
            raise ValueError("KEPWEB_SANDBOX_MAX_ACTIVE_BOOKINGS: at least 1 (nobody could book with 0)")
        if env.get("KEPWEB_SANDBOX_MEETING_URL_TEMPLATE"):
            settings.meeting_url_template = env["KEPWEB_SANDBOX_MEETING_URL_TEMPLATE"]
        if env.get("KEPWEB_SANDBOX_ICE_SERVERS"):
            settings.ice_servers = json.loads(env["KEPWEB_SANDBOX_ICE_SERVERS"])
        if env.get("KEPWEB_SANDBOX_JANUS_URL"):
            # A call server of the deployment's own (app.py starts one for the embedded default).
            from sandbox.janus.rooms import JanusRooms

            if not env.get("KEPWEB_SANDBOX_JANUS_ADMIN_KEY") or not env.get("KEPWEB_SANDBOX_CALL_SERVER_URL"):
                raise ValueError("KEPWEB_SANDBOX_JANUS_URL needs KEPWEB_SANDBOX_JANUS_ADMIN_KEY (the rooms' admin_key) "
                                 "and KEPWEB_SANDBOX_CALL_SERVER_URL (the address browsers reach Janus at)")
            settings.call_rooms = JanusRooms(env["KEPWEB_SANDBOX_JANUS_URL"], env["KEPWEB_SANDBOX_JANUS_ADMIN_KEY"])
            settings.call_server_url = env["KEPWEB_SANDBOX_CALL_SERVER_URL"]
        for name in ("sms_url", "sms_token", "sms_sender", "support_email"):
            variable = f"KEPWEB_SANDBOX_{name.upper()}"
            if env.get(variable):
                setattr(settings, name, env[variable])
        if len(settings.sms_sender) > 11:
            raise ValueError("KEPWEB_SANDBOX_SMS_SENDER: an SMS sender name has at most 11 characters")
        if env.get("KEPWEB_SANDBOX_LINK_SECRET"):
            settings.link_secret = env["KEPWEB_SANDBOX_LINK_SECRET"]
        if env.get("KEPWEB_SANDBOX_AUDIT_KEY"):
            settings.audit_key = env["KEPWEB_SANDBOX_AUDIT_KEY"]
        if len(settings.audit_key) < AUDIT_KEY_MIN_LENGTH:
            raise ValueError(f"KEPWEB_SANDBOX_AUDIT_KEY: at least {AUDIT_KEY_MIN_LENGTH} characters")
        if env.get("KEPWEB_ENV") == "production" and settings.audit_key == SANDBOX_AUDIT_KEY:
            raise ValueError("KEPWEB_SANDBOX_AUDIT_KEY must be set in production: the sandbox's key is public")
        if env.get("KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY"):
            settings.citizen_assertion_key = env["KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY"]
        if len(settings.citizen_assertion_key) < CITIZEN_ASSERTION_KEY_MIN_LENGTH:
            raise ValueError(f"KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY: at least {CITIZEN_ASSERTION_KEY_MIN_LENGTH} "
                             "characters")
        if env.get("KEPWEB_ENV") == "production" and settings.citizen_assertion_key == SANDBOX_CITIZEN_ASSERTION_KEY:
            raise ValueError("KEPWEB_SANDBOX_CITIZEN_ASSERTION_KEY must be set in production: the sandbox's key "
                             "is public")
        return settings
