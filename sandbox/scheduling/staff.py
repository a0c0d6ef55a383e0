"""The KEP staff: who may sign in to the staff area, with which role, and what each may see.

The staff sign-in (an OpenID Connect provider for public servants) says who a
person is: a `subject` that never changes. This registry says what they may do:

* `employee`: an employee of one KEP (`kep_id`), who is `employee_id` in the
  `employees` table; sees the bookings given to that employee;
* `head`: the head of one KEP; sees every booking of that KEP;
* `admin`: an operator at the Ministry (article 3.5 of the decision); sees every booking;
* no role (`null`): known, but may do nothing (a role withdrawn, or never given).

The frontend acts for a staff member as it acts for a citizen: with its own bearer
token and a signed, short-lived assertion of them (`X-Staff-Assertion`, verified by
sandbox/scheduling/assertion.py), never with a citizen's assertion header on the same request.

For later staff routes, the helpers are:

* `current_staff(connection)`: the staff member the request's assertion vouches for, or the
  problem to answer (401 without a valid assertion, 404 unknown, 403 without a role);
* `may_see_booking(staff, booking)`: whether they may see that booking;
* `visible_booking(connection, staff, reference)`: the booking's row, or 404 for one
  they may not see, exactly as for one that does not exist (another KEP's booking
  is "no such booking", never "forbidden"); the refusal goes to the access log;
* `visible_bookings_condition(staff)`: the SQL condition for listing what they may see;
* `Scheduling.log_staff_action(connection, staff, action, reference)`: the access log
  (article 7.2), who (subject and role), what, which booking, when.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import g, request

from sandbox.scheduling.assertion import HEADER as CITIZEN_HEADER
from sandbox.scheduling.assertion import STAFF_HEADER
from sandbox.scheduling.problems import Problem, field_error
from sandbox.scheduling.validation import Checker, json_body

SEED_FILE = Path(__file__).parent / "data" / "staff.json"
ROLES = ("employee", "head", "admin")
HEADER = STAFF_HEADER
SUBJECT_MAX = 255
# Every staff action in the access log starts with this, so that the log tells them from a citizen's.
ACTION_PREFIX = "staff."


@dataclass(frozen=True)
class StaffMember:
    """A staff member with a role (one without a role is never made into one)."""

    subject: str
    name: str
    role: str
    kep_id: str | None
    employee_id: str | None

    @classmethod
    def from_row(cls, row) -> StaffMember:
        return cls(subject=row["subject"], name=row["name"], role=row["role"], kep_id=row["kep_id"],
                   employee_id=row["employee_id"])


# -- the seed ---------------------------------------------------------------------------------

def load_staff(connection) -> None:
    """Insert the sample registry once, under its own marker, so that a file made before
    the registry existed gets it too; administrators' changes are kept."""
    connection.execute("CREATE TABLE IF NOT EXISTS loaded (what TEXT PRIMARY KEY, fingerprint TEXT)")
    if connection.execute("SELECT 1 FROM loaded WHERE what='staff'").fetchone():
        return
    seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))["staff"]
    connection.execute("BEGIN IMMEDIATE")
    try:
        if not connection.execute("SELECT 1 FROM loaded WHERE what='staff'").fetchone():
            for item in seed:
                connection.execute(
                    "INSERT OR IGNORE INTO staff (subject, name, role, kep_id, employee_id, updated)"
                    " VALUES (?,?,?,?,?,0)",
                    (item["subject"], item["name"], item["role"], item["kep_id"], item["employee_id"]))
            connection.execute("INSERT INTO loaded VALUES ('staff', ?)", (str(len(seed)),))
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


# -- who is asking ----------------------------------------------------------------------------

def valid_subject(raw) -> str | None:
    """A subject as the sign-in gives it: 1 to 255 characters, no spaces around, no control characters."""
    if not isinstance(raw, str) or not raw or len(raw) > SUBJECT_MAX or raw != raw.strip():
        return None
    if any(unicodedata.category(character) in ("Cc", "Cs") for character in raw):
        return None
    return raw


def subject_from_header() -> str:
    """The subject of the frontend's signed assertion (`X-Staff-Assertion`, checked before the route by the
    service's `authenticate`). A bare subject, an expired or forged assertion, or a citizen's, is refused;
    so is a request that asserts a citizen too."""
    subject = valid_subject(g.get("staff_subject"))
    if subject is None:
        raise Problem("unauthorized", detail=f"{HEADER} must be a valid, unexpired assertion of the staff member "
                                             f"(a subject of 1 to {SUBJECT_MAX} characters), signed by the frontend.")
    if CITIZEN_HEADER in request.headers:
        raise Problem("unauthorized", detail="A staff route acts for a staff member, never for a citizen too.")
    return subject


def staff_member(connection, subject: str) -> StaffMember:
    """The staff member with a role, or the problem: 404 for a subject the registry does not know, 403 for one
    without a role. Either way it is logged (a refused staff member is traced too, article 7.2)."""
    row = connection.execute("SELECT * FROM staff WHERE subject=?", (subject,)).fetchone()
    if row is None:
        problem = Problem("not_found", detail="No such staff member.")
    elif row["role"] not in ROLES:
        problem = Problem("forbidden", detail="This staff member has no role in myKEPlive.")
    else:
        return StaffMember.from_row(row)
    problem.staff_audit = (subject, None, "staff.refused", None)
    raise problem


def current_staff(connection) -> StaffMember:
    """The staff member this request acts for (see `staff_member` for the refusals)."""
    return staff_member(connection, subject_from_header())


# -- what they may see ------------------------------------------------------------------------

def may_see_booking(staff: StaffMember, booking) -> bool:
    """`booking` is a `bookings` row (or any mapping with `kep_id` and `employee_id`)."""
    if staff.role == "admin":
        return True
    if staff.role == "head":
        return staff.kep_id is not None and booking["kep_id"] == staff.kep_id
    if staff.role == "employee":
        return (staff.employee_id is not None and booking["employee_id"] == staff.employee_id
                and booking["kep_id"] == staff.kep_id)
    return False


def visible_booking(connection, staff: StaffMember, reference: str):
    """The booking's row if `staff` may see it. Otherwise 404, as for no booking at all: another KEP's
    booking, or a colleague's, is not even said to exist. The refusal is logged after the rollback."""
    row = connection.execute("SELECT * FROM bookings WHERE reference=?", (reference,)).fetchone()
    if row is None or not may_see_booking(staff, row):
        problem = Problem("not_found", detail="No such booking.")
        problem.staff_audit = (staff.subject, staff.role, "staff.booking_denied",
                               reference if row is not None else None)
        raise problem
    return row


def visible_bookings_condition(staff: StaffMember, table: str = "bookings") -> tuple[str, list]:
    """The SQL condition (and its parameters) for the bookings `staff` may see, for lists:
    `f"SELECT ... FROM bookings WHERE {condition} AND starts >= ?"`."""
    if staff.role == "admin":
        return "1=1", []
    if staff.role == "head":
        return f"{table}.kep_id = ?", [staff.kep_id]
    if staff.role == "employee":
        return f"{table}.kep_id = ? AND {table}.employee_id = ?", [staff.kep_id, staff.employee_id]
    return "0=1", []


# -- views ------------------------------------------------------------------------------------

def _kep(connection, kep_id) -> dict | None:
    if kep_id is None:
        return None
    row = connection.execute("SELECT id, name_el, name_en FROM keps WHERE id=?", (kep_id,)).fetchone()
    return {"id": row["id"], "name": {"el": row["name_el"], "en": row["name_en"]}} if row else None


def member_view(connection, staff: StaffMember) -> dict:
    return {"subject": staff.subject, "name": staff.name, "role": staff.role, "kep": _kep(connection, staff.kep_id),
            "employee_id": staff.employee_id}


def record_view(connection, row) -> dict:
    """A registry entry as administrators see it: the role may be null."""
    from sandbox.scheduling.bookings import iso

    return {"subject": row["subject"], "name": row["name"], "role": row["role"],
            "kep": _kep(connection, row["kep_id"]), "employee_id": row["employee_id"],
            "updated": iso(row["updated"]) if row["updated"] else None}


# -- administrators manage the registry --------------------------------------------------------

def _entry(checker: Checker, connection) -> tuple:
    data = checker.data
    name = checker.text(data, "name", "name")
    role = data.get("role")
    if "role" not in data:  # null says "no role" on purpose; left out, it says nothing
        checker.fail("role", "Δώστε ρόλο: employee, head, admin ή null", "Give a role: employee, head, admin or null")
    elif role is not None and role not in ROLES:
        checker.fail("role", "Ο ρόλος είναι employee, head, admin ή null", "The role is employee, head, admin or null")
        role = None
    kep_id = checker.text(data, "kep_id", "kep_id", max_length=100, required=False) or None
    employee_id = checker.text(data, "employee_id", "employee_id", max_length=100, required=False) or None
    if role in ("employee", "head") and not kep_id:
        checker.fail("kep_id", "Ο υπάλληλος και ο προϊστάμενος ανήκουν σε ένα ΚΕΠ",
                     "An employee and a head belong to one KEP")
    if role in ("admin", None) and kep_id:
        checker.fail("kep_id", "Μόνο ο υπάλληλος και ο προϊστάμενος ανήκουν σε ΚΕΠ",
                     "Only an employee and a head belong to a KEP")
    if role == "employee" and not employee_id:
        checker.fail("employee_id", "Ο υπάλληλος είναι ένας από τους υπαλλήλους του ΚΕΠ",
                     "An employee is one of the KEP's employees")
    if role != "employee" and employee_id:
        checker.fail("employee_id", "Μόνο ο υπάλληλος έχει αριθμό υπαλλήλου", "Only an employee has an employee id")
    checker.raise_if_any()
    if kep_id and not connection.execute("SELECT 1 FROM keps WHERE id=?", (kep_id,)).fetchone():
        raise Problem("validation", errors={"kep_id": field_error("Άγνωστο ΚΕΠ", "Unknown KEP")})
    if employee_id and not connection.execute("SELECT 1 FROM employees WHERE id=? AND kep_id=?",
                                              (employee_id, kep_id)).fetchone():
        raise Problem("validation", errors={"employee_id": field_error(
            "Δεν είναι υπάλληλος αυτού του ΚΕΠ", "Not an employee of this KEP")})
    return name, role, kep_id, employee_id


def _subject(raw) -> str:
    subject = valid_subject(raw)
    if subject is None:
        raise Problem("validation", errors={"subject": field_error("Μη έγκυρο αναγνωριστικό", "Not a valid subject")})
    return subject


# -- routes -------------------------------------------------------------------------------------

def register(app, scheduling) -> None:
    database = scheduling.database

    @app.get("/v1/staff/me")
    def staff_me():
        """Who the named staff member is and what role they have. Looks only: nothing is logged on success,
        so that the frontend can ask on every staff page (a role withdrawn takes effect at once)."""
        connection = database.read()
        return member_view(connection, current_staff(connection))

    @app.post("/v1/staff/me/sign-ins")
    def staff_signed_in():
        """The frontend says the staff member has just signed in: logged as `staff.sign_in`, or refused
        (and logged as `staff.refused`) for an unknown subject or one without a role."""
        subject = subject_from_header()
        with database.write() as connection:
            staff = staff_member(connection, subject)
            scheduling.log_staff_action(connection, staff, "staff.sign_in")
            return member_view(connection, staff), 201

    @app.get("/v1/admin/staff")
    def admin_list_staff():
        connection = database.read()
        rows = connection.execute("SELECT * FROM staff ORDER BY kep_id IS NOT NULL, kep_id, role, name")
        return {"staff": [record_view(connection, row) for row in rows]}

    @app.get("/v1/admin/staff/<subject>")
    def admin_get_staff(subject):
        subject = _subject(subject)
        connection = database.read()
        row = connection.execute("SELECT * FROM staff WHERE subject=?", (subject,)).fetchone()
        if row is None:
            raise Problem("not_found", detail="No such staff member.")
        return record_view(connection, row)

    @app.put("/v1/admin/staff/<subject>")
    def admin_put_staff(subject):
        """Make or replace a registry entry. A role of null withdraws every right and keeps the entry,
        so that the access log's subjects can still be named."""
        subject = _subject(subject)
        checker = Checker(json_body())
        with database.write() as connection:
            name, role, kep_id, employee_id = _entry(checker, connection)
            existed = connection.execute("SELECT 1 FROM staff WHERE subject=?", (subject,)).fetchone()
            connection.execute(
                "INSERT INTO staff (subject, name, role, kep_id, employee_id, updated) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT (subject) DO UPDATE SET name=excluded.name, role=excluded.role,"
                " kep_id=excluded.kep_id, employee_id=excluded.employee_id, updated=excluded.updated",
                (subject, name, role, kep_id, employee_id, scheduling.now()))
            view = record_view(connection, connection.execute("SELECT * FROM staff WHERE subject=?",
                                                                (subject,)).fetchone())
            return view, 200 if existed else 201
