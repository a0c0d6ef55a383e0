"""A citizen's communication needs, kept between bookings so the next booking starts
with them. Health-related data (GDPR art. 9): kept only because the citizen asked,
shown to them, changed or deleted by them, and every look and change is logged."""

from __future__ import annotations

import json

from sandbox.scheduling.problems import Problem
from sandbox.scheduling.validation import Checker, json_body, needs_answers


def _view(row) -> dict:
    from sandbox.scheduling.bookings import iso

    return {"needs": json.loads(row["needs"]),
            "third_person": json.loads(row["third_person"]) if row["third_person"] else None,
            "other_needs": row["other_needs"], "updated": iso(row["updated"])}


def get_profile(scheduling, citizen: str) -> dict:
    with scheduling.database.write() as connection:
        row = connection.execute("SELECT * FROM needs_profiles WHERE citizen=?", (citizen,)).fetchone()
        if row is None:
            raise Problem("not_found", detail="No needs profile is kept for this citizen.")
        scheduling.log(connection, citizen, "needs_profile.view")
        return _view(row)


def put_profile(scheduling, citizen: str, data) -> dict:
    checker = Checker(data)
    answers = needs_answers(checker, data)
    checker.raise_if_any()
    third_person = json.dumps(answers["third_person"], ensure_ascii=False) if answers["third_person"] else None
    with scheduling.database.write() as connection:
        connection.execute(
            "INSERT INTO needs_profiles (citizen, needs, third_person, other_needs, updated) VALUES (?,?,?,?,?)"
            " ON CONFLICT (citizen) DO UPDATE SET needs=excluded.needs, third_person=excluded.third_person,"
            " other_needs=excluded.other_needs, updated=excluded.updated",
            (citizen, json.dumps(answers["needs"]), third_person, answers["other_needs"], scheduling.now()))
        scheduling.log(connection, citizen, "needs_profile.update")
        return _view(connection.execute("SELECT * FROM needs_profiles WHERE citizen=?", (citizen,)).fetchone())


def delete_profile(scheduling, citizen: str) -> None:
    with scheduling.database.write() as connection:
        connection.execute("DELETE FROM needs_profiles WHERE citizen=?", (citizen,))
        scheduling.log(connection, citizen, "needs_profile.delete")


def register(app, scheduling, citizen) -> None:
    """The citizen's own profile; `citizen()` gives the ΑΦΜ the frontend sent, or refuses."""

    @app.get("/v1/needs-profile")
    def get_needs_profile():
        return get_profile(scheduling, citizen())

    @app.put("/v1/needs-profile")
    def put_needs_profile():
        return put_profile(scheduling, citizen(), json_body())

    @app.delete("/v1/needs-profile")
    def delete_needs_profile():
        delete_profile(scheduling, citizen())
        return "", 204
