"""Administrators manage the interpreters as they manage KEPs and employees
(article 3.5): the roster, each interpreter's weekly hours and closed days.

Nothing here takes a call away from a citizen: an interpreter with upcoming
calls cannot be removed, nor a day of theirs closed while they have a call that day.
"""

from __future__ import annotations

from datetime import date

from sandbox.scheduling.admin import HHMM, KEP_ID
from sandbox.scheduling.calendar_rules import athens_day
from sandbox.scheduling.interpreters import interpreters_view
from sandbox.scheduling.problems import Problem, field_error
from sandbox.scheduling.validation import Checker, email_address, json_body


def hours_list(checker: Checker, value, field) -> list[tuple[int, str, str]]:
    if not isinstance(value, list):
        checker.fail(field, "Δώστε λίστα ωραρίου", "Give a list of hours")
        return []
    result = []
    for index, item in enumerate(value):
        item = item if isinstance(item, dict) else {}
        weekday, starts, ends = item.get("weekday"), str(item.get("starts", "")), str(item.get("ends", ""))
        # type() and not isinstance(): true and false are ints to Python, not weekdays.
        if type(weekday) is not int or not 0 <= weekday <= 6 or not HHMM.match(starts) or not HHMM.match(ends) \
                or starts >= ends:
            checker.fail(f"{field}[{index}]", "Μη έγκυρο ωράριο", "Not valid working hours")
            continue
        result.append((weekday, starts, ends))
    return result


def interpreter(connection, interpreter_id) -> dict:
    found = interpreters_view(connection, interpreter_id)
    if not found:
        raise Problem("not_found", detail="No such interpreter.")
    return found[0]


def _replace_hours(connection, interpreter_id, hours) -> None:
    connection.execute("DELETE FROM interpreter_hours WHERE interpreter_id=?", (interpreter_id,))
    connection.executemany("INSERT INTO interpreter_hours VALUES (?,?,?,?)",
                           [(interpreter_id, *item) for item in hours])


def _upcoming_calls(connection, interpreter_id, now) -> list[int]:
    """Starts of the interpreter's calls not yet over: confirmed bookings, and live holds
    (a hold becomes a booking without asking again whether the interpreter is still there)."""
    rows = connection.execute(
        "SELECT starts FROM bookings WHERE interpreter_id=? AND status='confirmed' AND ends > ?"
        " UNION ALL SELECT starts FROM holds WHERE interpreter_id=? AND expires > ? AND ends > ?",
        (interpreter_id, now, interpreter_id, now, now))
    return [row["starts"] for row in rows]


def day_of(value) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Problem("validation", errors={"date": field_error("Μη έγκυρη ημερομηνία", "Not a valid date")}) from None


def set_hours(connection, interpreter_id: str, hours) -> dict:
    """Replace their weekly hours; calls already booked stay, as with a KEP's hours. The interpreter, as now."""
    interpreter(connection, interpreter_id)
    _replace_hours(connection, interpreter_id, hours)
    return interpreter(connection, interpreter_id)


def close_day(connection, interpreter_id: str, day: date, reason: str, now: int) -> dict:
    """Close one of their days; refused while they have a call that day (nothing here takes a call away)."""
    interpreter(connection, interpreter_id)
    if any(athens_day(starts) == day for starts in _upcoming_calls(connection, interpreter_id, now)):
        raise Problem("not_allowed", detail="The interpreter has a call that day; move or cancel it first.")
    connection.execute("INSERT OR REPLACE INTO interpreter_closed_days VALUES (?,?,?)",
                       (interpreter_id, day.isoformat(), reason))
    return {"date": day.isoformat(), "reason": reason}


def open_day(connection, interpreter_id: str, day: str) -> None:
    interpreter(connection, interpreter_id)
    connection.execute("DELETE FROM interpreter_closed_days WHERE interpreter_id=? AND day=?", (interpreter_id, day))


def register(app, scheduling):
    database = scheduling.database

    @app.get("/v1/admin/interpreters")
    def interpreters():
        return {"interpreters": interpreters_view(database.read())}

    @app.post("/v1/admin/interpreters")
    def add_interpreter():
        checker = Checker(json_body())
        data = checker.data
        interpreter_id = checker.text(data, "id", "id", max_length=100)
        if interpreter_id and not KEP_ID.match(interpreter_id):
            checker.fail("id", "Μόνο πεζά λατινικά γράμματα, ψηφία και παύλες",
                         "Only lower-case letters, digits and hyphens")
        name = checker.text(data, "name", "name")
        email = email_address(checker, data, "email", "email")
        hours = hours_list(checker, data.get("hours", []), "hours")
        checker.raise_if_any()
        with database.write() as connection:
            if connection.execute("SELECT 1 FROM interpreters WHERE id=?", (interpreter_id,)).fetchone():
                raise Problem("validation", errors={"id": field_error("Υπάρχει ήδη", "Already exists")})
            connection.execute("INSERT INTO interpreters (id, name, email) VALUES (?,?,?)",
                               (interpreter_id, name, email))
            _replace_hours(connection, interpreter_id, hours)
            return interpreter(connection, interpreter_id), 201

    @app.put("/v1/admin/interpreters/<interpreter_id>/hours")
    def set_interpreter_hours(interpreter_id):
        # Calls already booked stay, as with a KEP's hours: the new hours apply to new calls.
        checker = Checker(json_body())
        hours = hours_list(checker, checker.data.get("hours"), "hours")
        checker.raise_if_any()
        with database.write() as connection:
            return set_hours(connection, interpreter_id, hours)

    @app.delete("/v1/admin/interpreters/<interpreter_id>")
    def remove_interpreter(interpreter_id):
        # Marked inactive, not deleted: past bookings still name who interpreted.
        with database.write() as connection:
            interpreter(connection, interpreter_id)
            if _upcoming_calls(connection, interpreter_id, scheduling.now()):
                raise Problem("not_allowed", detail="The interpreter has upcoming calls; move or cancel them first.")
            connection.execute("UPDATE interpreters SET active=0 WHERE id=?", (interpreter_id,))
        return "", 204

    @app.post("/v1/admin/interpreters/<interpreter_id>/closed-days")
    def close_interpreter_day(interpreter_id):
        checker = Checker(json_body())
        day = day_of(checker.data.get("date"))
        reason = checker.text(checker.data, "reason", "reason", required=False)
        checker.raise_if_any()
        with database.write() as connection:
            return close_day(connection, interpreter_id, day, reason, scheduling.now()), 201

    @app.delete("/v1/admin/interpreters/<interpreter_id>/closed-days/<day>")
    def open_interpreter_day(interpreter_id, day):
        with database.write() as connection:
            open_day(connection, interpreter_id, day)
        return "", 204
