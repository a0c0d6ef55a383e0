"""Shaping the reference service's interpreter roster for a test, through its admin API."""

from __future__ import annotations

from datetime import date, timedelta

import requests

WEEKDAYS = range(5)
ANOTHER_CITIZEN = "090000045"  # a valid ΑΦΜ: somebody other than the citizen under test


class Roster:
    def __init__(self, api_url: str, admin_token: str):
        self.api_url = api_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {admin_token}"}

    def _send(self, method, path, **kwargs):
        response = requests.request(method, f"{self.api_url}/admin{path}", headers=self.headers, timeout=10,
                                    **kwargs)
        assert response.status_code < 300, (path, response.status_code, response.text)
        return response

    def keep_only_one(self, starts: str, ends: str) -> str:
        """Every interpreter but the first leaves; the first works `starts`–`ends` each weekday. Returns their id."""
        everyone = [i["id"] for i in self._send("GET", "/interpreters").json()["interpreters"] if i["active"]]
        kept, leaving = everyone[0], everyone[1:]
        for interpreter_id in leaving:
            self._send("DELETE", f"/interpreters/{interpreter_id}")
        hours = [{"weekday": day, "starts": starts, "ends": ends} for day in WEEKDAYS]
        self._send("PUT", f"/interpreters/{kept}/hours", json={"hours": hours})
        return kept

    def close_every_day_but(self, interpreter_id: str, kept: date, first: date, days: int = 32) -> None:
        for offset in range(days):
            day = first + timedelta(days=offset)
            if day != kept:
                self._send("POST", f"/interpreters/{interpreter_id}/closed-days",
                           json={"date": day.isoformat(), "reason": "test"})

    def close_kep_on(self, kep_id: str, day: date) -> None:
        """One KEP closed on one day (the other KEPs stay open)."""
        self._send("POST", "/closed-days", json={"date": day.isoformat(), "kep_id": kep_id, "reason": "test"})


def take_the_only_interpreter_time(frontend, roster: Roster, interpreter_id: str, procedure: str, **place):
    """Close the interpreter on every day but the first one they are free, and book that time for
    another citizen: no interpreter is free for anybody else. Returns the time taken."""
    from kepweb.i18n import ATHENS, today_in_athens

    api = frontend.extensions["scheduling"]
    first = api.availability.first_free("information", procedure, needs=["sign_language"], **place).slot
    assert first is not None, "the interpreter has no free time to take"
    with frontend.app_context():  # the frontend's clock says what today is
        today = today_in_athens()
    roster.close_every_day_but(interpreter_id, first.start.astimezone(ATHENS).date(), today)
    hold = api.holds.hold(ANOTHER_CITIZEN, category="information", procedure=procedure, kep_id=first.kep_id,
                          start=first.start, needs=["sign_language"])
    api.bookings.book(ANOTHER_CITIZEN, {
        "hold_id": hold.id, "contact": {"name": "Ν", "email": "n@example.com", "phone": "6912345678",
                                        "address": {"street": "Α 1", "postcode": "10563", "town": "Αθήνα"}},
        "id_document": "passport", "needs": ["sign_language"], "contact_preference": "email",
        "delivery": {"method": "email"}, "language": "el"}, idempotency_key=hold.id)
    return first
