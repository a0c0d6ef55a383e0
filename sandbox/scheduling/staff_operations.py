"""The operators' routes for the KEP staff (article 3.5): closed days, a KEP's hours, an employee's availability
and absences, and (administrators only) the interpreters, acting for the signed-in staff member.

Who may do what:

* a KEP's head: their own KEP (its closed days, hours, employees); another KEP's answers 404, as one that
  does not exist;
* an administrator: every KEP, a day closed for every KEP at once, and the interpreters;
* an employee: none of it (404).

A change that takes time away from bookings (a closed day, narrower hours or availability, an absence) is shown
first (`.../impact`: the bookings it touches, nothing changed), then made: in the same transaction each of those
bookings gets its nearest equivalent time or is cancelled, and its citizen is told (closures.py, the one rule).
Every change, every preview (it shows citizens' names) and every booking moved or cancelled is in the access log
with the staff member's subject and role (article 7.2); a refusal too (`staff.denied`).
"""

from __future__ import annotations

import json
from datetime import date

from flask import request

from sandbox.scheduling import closures, interpreter_admin, staff
from sandbox.scheduling.admin import availability_periods, hours_of, replace_availability, replace_hours
from sandbox.scheduling.calendar_rules import athens_day
from sandbox.scheduling.interpreters import interpreters_view
from sandbox.scheduling.problems import Problem, field_error
from sandbox.scheduling.validation import Checker, json_body

ABSENCE_MAX_DAYS = 366
SETTLED_ACTIONS = {"moved": "staff.booking_moved", "reassigned": "staff.booking_reassigned",
                   "cancelled": "staff.booking_cancelled"}


# -- who may act on what --------------------------------------------------------------------------------

def _denied(member, detail: str):
    """404, as for a thing that does not exist; the refusal is logged after the rollback."""
    problem = Problem("not_found", detail=detail)
    problem.staff_audit = (member.subject, member.role, "staff.denied", None)
    return problem


def managed_kep(connection, member, kep_id):
    """The KEP's row, if `member` manages it: an administrator any KEP, a head their own."""
    allowed = member.role == "admin" or (member.role == "head" and kep_id == member.kep_id)
    row = connection.execute("SELECT * FROM keps WHERE id=?", (kep_id,)).fetchone() if allowed else None
    if row is None:
        raise _denied(member, "No such KEP.")
    return row


def managed_employee(connection, member, employee_id):
    row = connection.execute("SELECT * FROM employees WHERE id=?", (employee_id,)).fetchone()
    if row is None or not (member.role == "admin" or (member.role == "head" and row["kep_id"] == member.kep_id)):
        raise _denied(member, "No such employee.")
    return row


def operator(connection) -> staff.StaffMember:
    """The staff member of this request, if they are a head or an administrator (an employee: 404)."""
    member = staff.current_staff(connection)
    if member.role not in ("head", "admin"):
        raise _denied(member, "No such resource.")
    return member


def administrator(connection) -> staff.StaffMember:
    member = staff.current_staff(connection)
    if member.role != "admin":
        raise _denied(member, "No such resource.")
    return member


def closure_kep(member, raw) -> str:
    """The KEP a closure is for: a head's own (they may leave it out), any for an administrator ('' for every KEP)."""
    kep_id = raw if isinstance(raw, str) else ""
    if raw is not None and not isinstance(raw, str):
        raise Problem("validation", errors={"kep_id": field_error("Άγνωστο ΚΕΠ", "Unknown KEP")})
    if member.role == "head":
        if kep_id and kep_id != member.kep_id:
            raise _denied(member, "No such KEP.")
        return member.kep_id
    return kep_id


# -- what is asked ----------------------------------------------------------------------------------------

def _date(raw, field: str, today: date) -> date:
    try:
        day = date.fromisoformat(str(raw))
    except ValueError:
        raise Problem("validation", errors={field: field_error("Μη έγκυρη ημερομηνία", "Not a valid date")}) from None
    if day < today:
        raise Problem("validation", errors={field: field_error("Επιλέξτε σημερινή ή μεταγενέστερη ημερομηνία",
                                                               "Choose today or a later date")})
    return day


def _reason(checker: Checker) -> str:
    reason = checker.text(checker.data, "reason", "reason", required=False)
    checker.raise_if_any()
    return reason


def _absence(data, today: date) -> tuple[date, date, str]:
    checker = Checker(data)
    first = _date(checker.data.get("first_day"), "first_day", today)
    last = _date(checker.data.get("last_day"), "last_day", today)
    if last < first:
        raise Problem("validation", errors={"last_day": field_error(
            "Η τελευταία ημέρα δεν μπορεί να είναι πριν από την πρώτη", "The last day cannot be before the first")})
    if (last - first).days >= ABSENCE_MAX_DAYS:
        raise Problem("validation", errors={"last_day": field_error(
            f"Έως {ABSENCE_MAX_DAYS} ημέρες", f"At most {ABSENCE_MAX_DAYS} days")})
    return first, last, _reason(checker)


# -- views ------------------------------------------------------------------------------------------------

def kep_ref(connection, kep_id) -> dict | None:
    return staff._kep(connection, kep_id) if kep_id else None


def affected_view(connection, row) -> dict:
    """A booking a change touches, as a head or an administrator reads it before and after."""
    from sandbox.scheduling.bookings import iso

    details = json.loads(row["details"])
    procedure = connection.execute("SELECT title_el, title_en FROM procedures WHERE id=?",
                                   (row["procedure_id"],)).fetchone()
    title = {"el": procedure["title_el"], "en": procedure["title_en"]}
    return {"reference": row["reference"], "kep": kep_ref(connection, row["kep_id"]),
            "employee_id": row["employee_id"], "start": iso(row["starts"]), "end": iso(row["ends"]),
            "citizen": {"name": details["contact"]["name"]},
            "procedure": {"id": row["procedure_id"], "title": title},
            "texted": details.get("contact_preference") == "sms"}


def settled_view(connection, item) -> dict:
    from sandbox.scheduling.bookings import iso

    slot = item["slot"]
    moved_to = None
    if item["outcome"] == "moved":
        moved_to = {"kep": kep_ref(connection, slot.kep_id), "start": iso(slot.starts), "end": iso(slot.ends)}
    return {**affected_view(connection, item["row"]), "outcome": item["outcome"], "moved_to": moved_to}


def _impact(scheduling, connection, member, action: str, rows) -> dict:
    scheduling.log_staff_action(connection, member, action)
    return {"bookings": [affected_view(connection, row) for row in rows]}


def _settled(scheduling, connection, member, settled) -> list[dict]:
    for item in settled:
        scheduling.log_staff_action(connection, member, SETTLED_ACTIONS[item["outcome"]], item["row"]["reference"])
    return [settled_view(connection, item) for item in settled]


def closed_day_view(connection, row) -> dict:
    return {"date": row["day"], "kep": kep_ref(connection, row["kep_id"]), "reason": row["reason"]}


def employee_view(connection, row, today: date) -> dict:
    periods = [{**dict(period), "workstation": period["workstation"] or None} for period in connection.execute(
        "SELECT valid_from, valid_to, weekday, starts, ends, workstation FROM employee_availability"
        " WHERE employee_id=? ORDER BY valid_from, weekday, starts", (row["id"],))]
    absences = [dict(absence) for absence in connection.execute(
        "SELECT id, first_day, last_day, reason FROM employee_absences WHERE employee_id=? AND last_day >= ?"
        " ORDER BY first_day, id", (row["id"], today.isoformat()))]
    named = connection.execute("SELECT name FROM staff WHERE employee_id=? AND role='employee' ORDER BY name",
                               (row["id"],)).fetchone()
    return {"id": row["id"], "workstation": row["workstation"], "name": named["name"] if named else None,
            "availability": periods, "absences": absences}


def kep_view(connection, row, today: date) -> dict:
    hours = [dict(item) for item in connection.execute(
        "SELECT weekday, opens, closes FROM kep_hours WHERE kep_id=? ORDER BY weekday, opens", (row["id"],))]
    employees = connection.execute("SELECT * FROM employees WHERE kep_id=? ORDER BY id", (row["id"],)).fetchall()
    return {"id": row["id"], "name": {"el": row["name_el"], "en": row["name_en"]}, "opening_hours": hours,
            "employees": [employee_view(connection, employee, today) for employee in employees]}


# -- routes -------------------------------------------------------------------------------------------------

def register(app, scheduling) -> None:  # noqa: C901 - one route each, read in order
    database = scheduling.database

    def today() -> date:
        return athens_day(scheduling.now())

    # Closed days ------------------------------------------------------------------------------------------

    @app.get("/v1/staff/closed-days")
    def staff_closed_days():
        connection = database.read()
        member = operator(connection)
        query, parameters = "SELECT * FROM closed_days WHERE day >= ?", [today().isoformat()]
        if member.role == "head":
            query += " AND kep_id IN ('', ?)"
            parameters.append(member.kep_id)
        rows = connection.execute(query + " ORDER BY day, kep_id", parameters)
        return {"closed_days": [closed_day_view(connection, row) for row in rows]}

    def closure_asked(connection, member, data) -> tuple[date, str, str]:
        checker = Checker(data)
        day = _date(checker.data.get("date"), "date", today())
        kep_id = closure_kep(member, checker.data.get("kep_id"))
        if kep_id:
            managed_kep(connection, member, kep_id)
        return day, kep_id, _reason(checker)

    @app.get("/v1/staff/closed-days/impact")
    def staff_closure_impact():
        with database.write() as connection:
            member = operator(connection)
            day, kep_id, _ = closure_asked(connection, member, {"date": request.args.get("date"),
                                                                "kep_id": request.args.get("kep_id")})
            rows = closures.affected(connection, day, kep_id, scheduling.now())
            return {"date": day.isoformat(), "kep": kep_ref(connection, kep_id),
                    **_impact(scheduling, connection, member, "staff.closure_preview", rows)}

    @app.post("/v1/staff/closed-days")
    def staff_close_day():
        with database.write() as connection:
            member = operator(connection)
            day, kep_id, reason = closure_asked(connection, member, json_body())
            settled = closures.close(scheduling, connection, day, kep_id, reason)
            scheduling.log_staff_action(connection, member, "staff.close_day")
            return {"date": day.isoformat(), "kep": kep_ref(connection, kep_id), "reason": reason,
                    "bookings": _settled(scheduling, connection, member, settled)}, 201

    @app.delete("/v1/staff/closed-days/<day>")
    def staff_reopen_day(day):
        with database.write() as connection:
            member = operator(connection)
            try:
                day = date.fromisoformat(day).isoformat()
            except ValueError:
                raise Problem("validation", errors={"day": field_error("Μη έγκυρη ημερομηνία",
                                                                       "Not a valid date")}) from None
            kep_id = closure_kep(member, request.args.get("kep_id"))
            if kep_id:
                managed_kep(connection, member, kep_id)
            # The bookings the closure moved stay where they are: their citizens were told.
            connection.execute("DELETE FROM closed_days WHERE day=? AND kep_id=?", (day, kep_id))
            scheduling.log_staff_action(connection, member, "staff.reopen_day")
        return "", 204

    # A KEP's hours and employees --------------------------------------------------------------------------

    @app.get("/v1/staff/keps/<kep_id>")
    def staff_kep(kep_id):
        connection = database.read()
        member = operator(connection)
        return kep_view(connection, managed_kep(connection, member, kep_id), today())

    def hours_asked():
        checker = Checker(json_body())
        hours = hours_of(checker, checker.data.get("opening_hours"))
        checker.raise_if_any()
        return hours

    @app.post("/v1/staff/keps/<kep_id>/hours/impact")
    def staff_hours_impact(kep_id):
        with database.write() as connection:
            member = operator(connection)
            managed_kep(connection, member, kep_id)
            rows = closures.affected_by_hours(connection, kep_id, hours_asked(), scheduling.now())
            return _impact(scheduling, connection, member, "staff.hours_preview", rows)

    @app.put("/v1/staff/keps/<kep_id>/hours")
    def staff_set_hours(kep_id):
        with database.write() as connection:
            member = operator(connection)
            row = managed_kep(connection, member, kep_id)
            hours = hours_asked()
            rows = closures.affected_by_hours(connection, kep_id, hours, scheduling.now())
            replace_hours(connection, kep_id, hours)
            settled = closures.settle(scheduling, connection, rows, "change")
            scheduling.log_staff_action(connection, member, "staff.kep_hours")
            return {"kep": kep_view(connection, row, today()),
                    "bookings": _settled(scheduling, connection, member, settled)}

    def periods_asked():
        checker = Checker(json_body())
        periods = availability_periods(checker, checker.data.get("availability"))
        checker.raise_if_any()
        return periods

    @app.post("/v1/staff/employees/<employee_id>/availability/impact")
    def staff_availability_impact(employee_id):
        with database.write() as connection:
            member = operator(connection)
            managed_employee(connection, member, employee_id)
            rows = closures.affected_by_availability(connection, employee_id, periods_asked(), scheduling.now())
            return _impact(scheduling, connection, member, "staff.availability_preview", rows)

    @app.put("/v1/staff/employees/<employee_id>/availability")
    def staff_set_availability(employee_id):
        with database.write() as connection:
            member = operator(connection)
            row = managed_employee(connection, member, employee_id)
            periods = periods_asked()
            rows = closures.affected_by_availability(connection, employee_id, periods, scheduling.now())
            replace_availability(connection, employee_id, periods)
            settled = closures.settle(scheduling, connection, rows, "change")
            scheduling.log_staff_action(connection, member, "staff.employee_availability")
            return {"employee": employee_view(connection, row, today()),
                    "bookings": _settled(scheduling, connection, member, settled)}

    @app.post("/v1/staff/employees/<employee_id>/absences/impact")
    def staff_absence_impact(employee_id):
        with database.write() as connection:
            member = operator(connection)
            managed_employee(connection, member, employee_id)
            first, last, _ = _absence(json_body(), today())
            rows = closures.affected_by_absence(connection, employee_id, first, last, scheduling.now())
            return _impact(scheduling, connection, member, "staff.absence_preview", rows)

    @app.post("/v1/staff/employees/<employee_id>/absences")
    def staff_add_absence(employee_id):
        with database.write() as connection:
            member = operator(connection)
            managed_employee(connection, member, employee_id)
            first, last, reason = _absence(json_body(), today())
            cursor = connection.execute(
                "INSERT INTO employee_absences (employee_id, first_day, last_day, reason, created) VALUES (?,?,?,?,?)",
                (employee_id, first.isoformat(), last.isoformat(), reason, scheduling.now()))
            rows = closures.affected_by_absence(connection, employee_id, first, last, scheduling.now())
            settled = closures.settle(scheduling, connection, rows, "change")
            scheduling.log_staff_action(connection, member, "staff.absence")
            absence = {"id": cursor.lastrowid, "first_day": first.isoformat(), "last_day": last.isoformat(),
                       "reason": reason}
            return {"absence": absence, "bookings": _settled(scheduling, connection, member, settled)}, 201

    @app.delete("/v1/staff/employees/<employee_id>/absences/<int:absence_id>")
    def staff_remove_absence(employee_id, absence_id):
        with database.write() as connection:
            member = operator(connection)
            managed_employee(connection, member, employee_id)
            removed = connection.execute("DELETE FROM employee_absences WHERE id=? AND employee_id=?",
                                         (absence_id, employee_id)).rowcount
            if not removed:
                raise Problem("not_found", detail="No such absence.")
            # The bookings it moved stay where they are: their citizens were told.
            scheduling.log_staff_action(connection, member, "staff.absence_removed")
        return "", 204

    # Interpreters (administrators only) ----------------------------------------------------------------------

    @app.get("/v1/staff/interpreters")
    def staff_interpreters():
        connection = database.read()
        administrator(connection)
        return {"interpreters": interpreters_view(connection)}

    @app.get("/v1/staff/interpreters/<interpreter_id>")
    def staff_interpreter(interpreter_id):
        connection = database.read()
        administrator(connection)
        return interpreter_admin.interpreter(connection, interpreter_id)

    @app.put("/v1/staff/interpreters/<interpreter_id>/hours")
    def staff_interpreter_hours(interpreter_id):
        with database.write() as connection:
            member = administrator(connection)
            checker = Checker(json_body())
            hours = interpreter_admin.hours_list(checker, checker.data.get("hours"), "hours")
            checker.raise_if_any()
            changed = interpreter_admin.set_hours(connection, interpreter_id, hours)
            scheduling.log_staff_action(connection, member, "staff.interpreter_hours")
            return changed

    @app.post("/v1/staff/interpreters/<interpreter_id>/closed-days")
    def staff_interpreter_close_day(interpreter_id):
        with database.write() as connection:
            member = administrator(connection)
            checker = Checker(json_body())
            day = _date(checker.data.get("date"), "date", today())
            reason = _reason(checker)
            closed = interpreter_admin.close_day(connection, interpreter_id, day, reason, scheduling.now())
            scheduling.log_staff_action(connection, member, "staff.interpreter_close_day")
            return closed, 201

    @app.delete("/v1/staff/interpreters/<interpreter_id>/closed-days/<day>")
    def staff_interpreter_reopen_day(interpreter_id, day):
        with database.write() as connection:
            member = administrator(connection)
            interpreter_admin.open_day(connection, interpreter_id, day)
            scheduling.log_staff_action(connection, member, "staff.interpreter_reopen_day")
        return "", 204

