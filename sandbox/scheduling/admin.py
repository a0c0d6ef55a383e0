"""Article 3.5: administrators see every booking, change hours (per KEP and per
employee, by period and workstation), add and remove KEPs, and close days."""

from __future__ import annotations

import re
from datetime import date

from flask import request

from sandbox.scheduling import closures
from sandbox.scheduling.bookings import iso
from sandbox.scheduling.calendar_rules import at_athens
from sandbox.scheduling.problems import Problem, field_error
from sandbox.scheduling.validation import Checker, json_body

HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]\Z")  # \Z: $ would let a trailing newline through
KEP_ID = re.compile(r"^[a-z0-9-]+\Z")
POSTCODE = re.compile(r"^[0-9]{5}\Z")


def keps_view(connection, municipality_id=None, include_inactive=False) -> list[dict]:
    query = "SELECT * FROM keps WHERE 1=1"
    params = []
    if not include_inactive:
        query += " AND active=1"
    if municipality_id:
        query += " AND municipality_id=?"
        params.append(municipality_id)
    query += " ORDER BY municipality_id, name_el"
    hours = {}
    for row in connection.execute("SELECT * FROM kep_hours ORDER BY kep_id, weekday, opens"):
        hours.setdefault(row["kep_id"], []).append(
            {"weekday": row["weekday"], "opens": row["opens"], "closes": row["closes"]})
    return [
        {
            "id": r["id"], "code": r["code"], "municipality_id": r["municipality_id"],
            "name": {"el": r["name_el"], "en": r["name_en"]},
            "address": {"street": {"el": r["street_el"], "en": r["street_en"]}, "postcode": r["postcode"],
                        "town": {"el": r["town_el"], "en": r["town_en"]}},
            "phone": r["phone"], "opening_hours": hours.get(r["id"], []),
        }
        for r in connection.execute(query, params)
    ]


def hours_of(checker: Checker, value, field="opening_hours") -> list[dict]:
    """A KEP's opening hours, each {weekday, opens, closes}; a message per item that is not valid."""
    if not isinstance(value, list):
        checker.fail(field, "Δώστε λίστα ωραρίου", "Give a list of hours")
        return []
    result = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or item.get("weekday") not in range(7) \
                or not HHMM.match(str(item.get("opens", ""))) or not HHMM.match(str(item.get("closes", ""))) \
                or item["opens"] >= item["closes"]:
            checker.fail(f"{field}[{index}]", "Μη έγκυρο ωράριο", "Not valid opening hours")
            continue
        result.append({"weekday": item["weekday"], "opens": item["opens"], "closes": item["closes"]})
    return result


def availability_periods(checker: Checker, periods, field="availability") -> list[tuple]:
    """An employee's availability periods, each (valid_from, valid_to, weekday or None, starts, ends, workstation)."""
    clean = []
    if not isinstance(periods, list):
        checker.fail(field, "Δώστε λίστα περιόδων", "Give a list of periods")
        periods = []
    for index, item in enumerate(periods):
        try:
            valid_from = date.fromisoformat(item["valid_from"])
            valid_to = date.fromisoformat(item["valid_to"])
            weekday = item.get("weekday")
            # type() and not isinstance(): true and false are ints to Python, not weekdays.
            assert weekday is None or (type(weekday) is int and 0 <= weekday <= 6)
            assert HHMM.match(item["starts"]) and HHMM.match(item["ends"]) and item["starts"] < item["ends"]
            assert valid_from <= valid_to
            workstation = item.get("workstation")
            assert workstation is None or (isinstance(workstation, str) and len(workstation) <= 100)
        except (KeyError, TypeError, ValueError, AssertionError):
            checker.fail(f"{field}[{index}]", "Μη έγκυρη περίοδος", "Not a valid period")
            continue
        clean.append((valid_from.isoformat(), valid_to.isoformat(), weekday, item["starts"], item["ends"],
                      str(workstation or "")))
    return clean


def replace_availability(connection, employee_id: str, periods: list[tuple]) -> None:
    connection.execute("DELETE FROM employee_availability WHERE employee_id=?", (employee_id,))
    for period in periods:
        connection.execute(
            "INSERT INTO employee_availability (employee_id, valid_from, valid_to, weekday, starts, ends,"
            " workstation) VALUES (?,?,?,?,?,?,?)", (employee_id, *period))


def replace_hours(connection, kep_id: str, hours: list[dict]) -> None:
    connection.execute("DELETE FROM kep_hours WHERE kep_id=?", (kep_id,))
    for item in hours:
        connection.execute("INSERT INTO kep_hours VALUES (?,?,?,?)",
                           (kep_id, item["weekday"], item["opens"], item["closes"]))


def register(app, scheduling):
    database = scheduling.database

    @app.get("/v1/admin/bookings")
    def all_bookings():
        query, params = "SELECT reference FROM bookings WHERE 1=1", []
        for name, column in (("kep", "kep_id"), ("status", "status"), ("category", "category")):
            if request.args.get(name):
                query += f" AND {column}=?"
                params.append(request.args[name])
        for name, operator, moment in (("from", ">=", "00:00"), ("to", "<", None)):
            if request.args.get(name):
                from datetime import time, timedelta
                try:
                    day = date.fromisoformat(request.args[name])
                    edge = at_athens(day if moment else day + timedelta(days=1), time(0, 0))
                except (ValueError, OverflowError):
                    raise Problem("validation",
                                  errors={name: field_error("Μη έγκυρη ημερομηνία", "Not a valid date")}) from None
                query += f" AND starts {operator} ?"
                params.append(edge)
        query += " ORDER BY starts"
        connection = database.read()
        bookings = [scheduling.booking_view(connection, row["reference"]) for row in connection.execute(query, params)]
        return {"bookings": bookings}

    @app.put("/v1/admin/keps/<kep_id>/hours")
    def set_kep_hours(kep_id):
        checker = Checker(json_body())
        hours = hours_of(checker, checker.data.get("opening_hours"), "opening_hours")
        checker.raise_if_any()
        with database.write() as connection:
            if not connection.execute("SELECT 1 FROM keps WHERE id=?", (kep_id,)).fetchone():
                raise Problem("not_found")
            replace_hours(connection, kep_id, hours)
            return {"keps": [k for k in keps_view(connection, include_inactive=True) if k["id"] == kep_id]}

    @app.get("/v1/admin/keps/<kep_id>/employees")
    def employees(kep_id):
        connection = database.read()
        result = []
        for row in connection.execute("SELECT * FROM employees WHERE kep_id=? ORDER BY id", (kep_id,)):
            periods = [dict(p) for p in connection.execute(
                "SELECT valid_from, valid_to, weekday, starts, ends, workstation FROM employee_availability"
                " WHERE employee_id=? ORDER BY valid_from", (row["id"],))]
            result.append({"id": row["id"], "workstation": row["workstation"], "availability": periods})
        if not result:
            raise Problem("not_found")
        return {"employees": result}

    @app.put("/v1/admin/employees/<employee_id>/availability")
    def set_employee_availability(employee_id):
        checker = Checker(json_body())
        clean = availability_periods(checker, checker.data.get("availability"))
        checker.raise_if_any()
        with database.write() as connection:
            if not connection.execute("SELECT 1 FROM employees WHERE id=?", (employee_id,)).fetchone():
                raise Problem("not_found")
            replace_availability(connection, employee_id, clean)
        return {"employee_id": employee_id, "periods": len(clean)}

    @app.post("/v1/admin/keps")
    def add_kep():
        checker = Checker(json_body())
        data = checker.data
        values = {name: checker.text(data, name, name) for name in (
            "id", "code", "municipality_id", "name_el", "name_en", "street_el", "street_en",
            "postcode", "town_el", "town_en")}
        if values["id"] and not KEP_ID.match(values["id"]):
            checker.fail("id", "Μόνο πεζά λατινικά γράμματα, ψηφία και παύλες",
                         "Only lower-case letters, digits and hyphens")
        if values["postcode"] and not POSTCODE.match(values["postcode"]):
            checker.fail("postcode", "Ο ταχυδρομικός κώδικας έχει 5 ψηφία", "A postcode has 5 digits")
        phone = checker.text(data, "phone", "phone", required=False)
        hours = hours_of(checker, data.get("opening_hours", []), "opening_hours")
        employees = data.get("employees", 1)
        if not isinstance(employees, int) or not 1 <= employees <= 50:
            checker.fail("employees", "Από 1 έως 50 υπάλληλοι", "From 1 to 50 employees")
        checker.raise_if_any()
        with database.write() as connection:
            if not connection.execute("SELECT 1 FROM municipalities WHERE id=?",
                                      (values["municipality_id"],)).fetchone():
                raise Problem("validation",
                              errors={"municipality_id": field_error("Άγνωστος δήμος", "Unknown municipality")})
            if connection.execute("SELECT 1 FROM keps WHERE id=? OR code=?", (values["id"], values["code"])).fetchone():
                raise Problem("validation", errors={"id": field_error("Υπάρχει ήδη", "Already exists")})
            connection.execute(
                "INSERT INTO keps (id, code, municipality_id, name_el, name_en, street_el, street_en, postcode,"
                " town_el, town_en, phone) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (*values.values(), phone))
            for item in hours:
                connection.execute("INSERT INTO kep_hours VALUES (?,?,?,?)",
                                   (values["id"], item["weekday"], item["opens"], item["closes"]))
            for number in range(1, employees + 1):
                connection.execute("INSERT INTO employees VALUES (?,?,?)",
                                   (f"{values['id']}-e{number}", values["id"], str(number)))
            return {"keps": [k for k in keps_view(connection) if k["id"] == values["id"]]}, 201

    @app.delete("/v1/admin/keps/<kep_id>")
    def remove_kep(kep_id):
        # Removed from the list and from availability; its bookings stay as they are.
        with database.write() as connection:
            if not connection.execute("UPDATE keps SET active=0 WHERE id=?", (kep_id,)).rowcount:
                raise Problem("not_found")
        return "", 204

    @app.get("/v1/admin/closed-days")
    def closed_days():
        rows = database.read().execute("SELECT * FROM closed_days ORDER BY day")
        return {"closed_days": [{"date": r["day"], "kep_id": r["kep_id"] or None, "reason": r["reason"]} for r in rows]}

    def closure_asked(data) -> tuple[date, str, str]:
        checker = Checker(data)
        try:
            day = date.fromisoformat(str(checker.data.get("date")))
        except ValueError:
            raise Problem("validation",
                          errors={"date": field_error("Μη έγκυρη ημερομηνία", "Not a valid date")}) from None
        kep_id = checker.text(checker.data, "kep_id", "kep_id", max_length=100, required=False)
        reason = checker.text(checker.data, "reason", "reason", required=False)
        checker.raise_if_any()
        if kep_id and not database.read().execute("SELECT 1 FROM keps WHERE id=?", (kep_id,)).fetchone():
            raise Problem("validation", errors={"kep_id": field_error("Άγνωστο ΚΕΠ", "Unknown KEP")})
        return day, kep_id, reason

    @app.get("/v1/admin/closed-days/impact")
    def closure_impact():
        day, kep_id, _reason = closure_asked({"date": request.args.get("date"), "kep_id": request.args.get("kep_id")})
        connection = database.read()
        return {"date": day.isoformat(), "kep_id": kep_id or None,
                "bookings": [{"reference": row["reference"], "kep_id": row["kep_id"], "start": iso(row["starts"]),
                              "end": iso(row["ends"])} for row in closures.affected(connection, day, kep_id)]}

    @app.post("/v1/admin/closed-days")
    def close_day():
        day, kep_id, reason = closure_asked(json_body())
        with database.write() as connection:
            return closures.close_day(scheduling, connection, day, kep_id, reason), 201

    @app.delete("/v1/admin/closed-days/<day>")
    def open_day(day):
        kep_id = request.args.get("kep", "")
        with database.write() as connection:
            connection.execute("DELETE FROM closed_days WHERE day=? AND kep_id=?", (day, kep_id))
        return "", 204

    @app.get("/v1/admin/access-log")
    def access_log():
        rows = database.read().execute("SELECT * FROM access_log ORDER BY id DESC LIMIT 500")
        return {"entries": [{"at": iso(r["at"]), "actor": r["actor"] or None, "action": r["action"],
                             "booking_reference": r["booking_reference"],
                             "staff": {"subject": r["staff_subject"], "role": r["staff_role"]}
                             if r["staff_subject"] is not None else None} for r in rows]}
