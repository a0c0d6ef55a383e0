"""A mail outbox: an SMTP server that keeps every message, a page and JSON to read them."""

from sandbox.outbox.outbox import Outbox, create_app

__all__ = ["Outbox", "create_app"]
