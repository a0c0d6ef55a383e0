"""A mail outbox: an SMTP server that keeps every message, a page and JSON to read them;
and an SMS outbox: a stand-in for an SMS gateway, with its own page and JSON."""

from sandbox.outbox.outbox import SANDBOX_SMS_TOKEN, Outbox, create_app

__all__ = ["SANDBOX_SMS_TOKEN", "Outbox", "create_app"]
