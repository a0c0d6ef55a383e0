"""The access log's key (article 7.2): a secret setting of the service, never a literal in the hashing."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from sandbox.scheduling import Settings, create_app
from sandbox.scheduling.bookings import actor_hash
from sandbox.scheduling.settings import SANDBOX_AUDIT_KEY
from tests.sandbox.conftest import ADMIN, FRONTEND, MARIA, Api, athens


def citizens_hash_in_the_log(tmp_path, clock, key: str, name: str) -> str:
    """The `actor` of MARIA's booking in the access log of a service keyed with `key`."""
    service = create_app(Settings(database=tmp_path / f"{name}.sqlite3", frontend_token=FRONTEND, admin_token=ADMIN,
                                  background_loops=False, clock=clock, smtp_port=9, audit_key=key))
    api = Api(service.test_client())
    booked = api.book(api.hold(athens(2026, 12, 1, 9)).json["id"])
    assert booked.status_code == 201, booked.json
    entry = api.get("/admin/access-log", admin=True).json["entries"][0]
    assert entry["action"] == "booking.create"
    return entry["actor"]


def test_changing_the_audit_key_changes_the_hash_and_the_same_key_keeps_it(tmp_path, clock):
    one = citizens_hash_in_the_log(tmp_path, clock, "first-audit-key-0123", "a")
    same = citizens_hash_in_the_log(tmp_path, clock, "first-audit-key-0123", "b")
    other = citizens_hash_in_the_log(tmp_path, clock, "other-audit-key-4567", "c")
    assert one == same != other
    assert one == hmac.new(b"first-audit-key-0123", MARIA.encode(), hashlib.sha256).hexdigest()[:16]
    assert actor_hash("other-audit-key-4567", MARIA) == other
    assert MARIA not in (one, other)


def test_the_audit_key_is_read_from_the_environment_and_required_in_production(monkeypatch):
    monkeypatch.delenv("KEPWEB_SANDBOX_AUDIT_KEY", raising=False)
    monkeypatch.delenv("KEPWEB_ENV", raising=False)
    assert Settings.from_environment().audit_key == SANDBOX_AUDIT_KEY
    monkeypatch.setenv("KEPWEB_SANDBOX_AUDIT_KEY", "a-secret-from-the-vault")
    assert Settings.from_environment().audit_key == "a-secret-from-the-vault"
    monkeypatch.setenv("KEPWEB_SANDBOX_AUDIT_KEY", "short")
    with pytest.raises(ValueError, match="at least"):
        Settings.from_environment()
    monkeypatch.delenv("KEPWEB_SANDBOX_AUDIT_KEY")
    monkeypatch.setenv("KEPWEB_ENV", "production")
    with pytest.raises(ValueError, match="KEPWEB_SANDBOX_AUDIT_KEY"):
        Settings.from_environment()


def test_the_hashing_code_has_no_key_of_its_own():
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "sandbox" / "scheduling" / "bookings.py").read_text()
    assert "kepweb-access-log" not in source and "audit_key" in source

