"""The KEP staff's calls: the employee's day, one call, and the record of it (articles 6–7).

Routes over `call_records` (what may be recorded, and when) and `staff` (who may see which
booking). Every look and every record is written to the access log with the staff member's
subject and role; a booking they may not see answers 404, as one that does not exist.
"""

from __future__ import annotations

import json
from datetime import date, time, timedelta

from flask import request

from sandbox.scheduling import call_records, documents, invitations, staff
from sandbox.scheduling.calendar_rules import at_athens, athens_day
from sandbox.scheduling.problems import Problem, field_error

MAX_DAYS = 14


def call_view(connection, row, *, full: bool) -> dict:
    """A call as the KEP sees it: who, what, which needs and people, how the result goes back."""
    from sandbox.scheduling.bookings import iso
    from sandbox.scheduling.interpreters import booking_interpreter

    details = json.loads(row["details"])
    procedure = connection.execute("SELECT title_el, title_en FROM procedures WHERE id=?",
                                   (row["procedure_id"],)).fetchone()
    kep = connection.execute("SELECT name_el, name_en FROM keps WHERE id=?", (row["kep_id"],)).fetchone()
    view = {
        "reference": row["reference"],
        "status": row["status"],
        "start": iso(row["starts"]),
        "end": iso(row["ends"]),
        "kep": {"id": row["kep_id"], "name": {"el": kep["name_el"], "en": kep["name_en"]}},
        "employee_id": row["employee_id"],
        "citizen": {"name": details["contact"]["name"]},
        "category": row["category"],
        "procedure": {"id": row["procedure_id"], "title": {"el": procedure["title_el"], "en": procedure["title_en"]}},
        "needs": details.get("needs", []),
        "interpreter": booking_interpreter(connection, row["interpreter_id"]),
        "invitations": invitations.summaries(connection, row["id"]),
        "other_needs": details.get("other_needs") or "",
        "delivery": details["delivery"]["method"],
        "id_document": details["id_document"],
        "documents": documents.documents_of(connection, row["id"]),
        "identity_check": _check_view(call_records.identity_check(connection, row["id"])),
        "outcome": _outcome(row),
        "result": _result(connection, row["id"]),
    }
    if full:
        view["meeting_url"] = row["meeting_url"]
        view["business"] = details.get("business")
        view["citizen"] = {"name": details["contact"]["name"], "email": details["contact"]["email"],
                           "phone": details["contact"]["phone"]}
    return view


def _check_view(check) -> dict | None:
    from sandbox.scheduling.bookings import iso

    if check is None:
        return None
    return {"passed": check["passed"], "reason": check["reason"], "document_kind": check["document_kind"],
            "register_answer": check["register_answer"], "attempts": check["attempts"], "at": iso(check["at"])}


def _outcome(row) -> dict | None:
    from sandbox.scheduling.bookings import iso

    outcome = call_records.outcome_view(row)
    return None if outcome is None else {**outcome, "at": iso(outcome["at"])}


def _result(connection, booking_id) -> dict | None:
    from sandbox.scheduling.bookings import iso

    result = call_records.result_view(connection, booking_id)
    if result is None:
        return None
    return {**result, "at": iso(result["at"]),
            "delivered_at": iso(result["delivered_at"]) if result["delivered_at"] else None}


def _days(now_seconds: int) -> tuple[int, int]:
    """The window asked for (`from`, a day in Athens, and `days`), as epoch seconds."""
    raw_from, raw_days = request.args.get("from"), request.args.get("days", "1")
    errors = {}
    try:
        first = date.fromisoformat(raw_from) if raw_from else athens_day(now_seconds)
    except ValueError:
        errors["from"] = field_error("Γράψτε ημερομηνία ΕΕΕΕ-ΜΜ-ΗΗ", "Enter a date as YYYY-MM-DD")
        first = athens_day(now_seconds)
    days = int(raw_days) if raw_days.isdigit() else 0
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = field_error(f"Από 1 έως {MAX_DAYS} ημέρες", f"From 1 to {MAX_DAYS} days")
    if errors:
        raise Problem("validation", errors=errors)
    midnight = time(0, 0)
    return at_athens(first, midnight), at_athens(first + timedelta(days=days), midnight)


def register(app, scheduling) -> None:
    database = scheduling.database

    @app.get("/v1/staff/calls")
    def staff_calls():
        connection = database.read()
        member = staff.current_staff(connection)
        start, end = _days(scheduling.now())
        condition, parameters = staff.visible_bookings_condition(member)
        kep_id = request.args.get("kep_id")
        if kep_id:
            condition, parameters = f"({condition}) AND bookings.kep_id = ?", [*parameters, kep_id]
        rows = connection.execute(
            f"SELECT * FROM bookings WHERE {condition} AND starts >= ? AND starts < ? ORDER BY starts, reference",
            (*parameters, start, end)).fetchall()
        with database.write() as writer:
            scheduling.log_staff_action(writer, member, "staff.calls_view")
        return {"calls": [call_view(connection, row, full=False) for row in rows]}

    @app.get("/v1/staff/calls/<reference>")
    def staff_call(reference):
        with database.write() as connection:
            member = staff.current_staff(connection)
            row = staff.visible_booking(connection, member, reference)
            scheduling.log_staff_action(connection, member, "staff.call_view", reference)
            return call_view(connection, row, full=True)

    def act(reference, action_name, action, *args):
        with database.write() as connection:
            member = staff.current_staff(connection)
            row = staff.visible_booking(connection, member, reference)
            action(connection, row, member.subject, *args, scheduling.now())
            scheduling.log_staff_action(connection, member, action_name, reference)
            row = connection.execute("SELECT * FROM bookings WHERE id=?", (row["id"],)).fetchone()
            return call_view(connection, row, full=True)

    @app.post("/v1/staff/calls/<reference>/identity-check")
    def staff_identity_check(reference):
        from sandbox.scheduling.validation import json_body

        return act(reference, "staff.identity_check", call_records.record_identity_check, json_body()), 201

    @app.post("/v1/staff/calls/<reference>/outcome")
    def staff_outcome(reference):
        from sandbox.scheduling.validation import json_body

        return act(reference, "staff.outcome", call_records.record_outcome, json_body()), 201

    @app.post("/v1/staff/calls/<reference>/result")
    def staff_result(reference):
        upload = request.files.get("file")
        content = upload.read(call_records.RESULT_MAX_BYTES + 1) if upload else b""
        name = upload.filename if upload else ""
        return act(reference, "staff.result", call_records.store_result, name, content,
                   request.form.get("post_record", "")), 201

    @app.get("/v1/staff/calls/<reference>/documents/<document_id>")
    def staff_document(reference, document_id):
        with database.write() as connection:
            member = staff.current_staff(connection)
            row = staff.visible_booking(connection, member, reference)
            document = documents._own_document(connection, row, document_id)
            scheduling.log_staff_action(connection, member, "staff.document_download", reference)
        return documents.document_response(document)

    @app.get("/v1/staff/calls/<reference>/result")
    def staff_result_file(reference):
        with database.write() as connection:
            member = staff.current_staff(connection)
            row = staff.visible_booking(connection, member, reference)
            stored = call_records.result_content(connection, row["id"])
            if stored is None:
                raise Problem("not_found", detail="No result yet.")
            scheduling.log_staff_action(connection, member, "staff.result_download", reference)
        return documents.document_response(stored)

