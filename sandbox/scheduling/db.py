"""SQLite storage: one file, schema created at start, reference data loaded idempotently.

Times are stored as whole UTC seconds since the epoch, which makes overlap
queries plain integer comparisons. Every write that decides who gets a slot runs
in a `BEGIN IMMEDIATE` transaction: SQLite then lets one writer in at a time, so
two requests can never both see a slot as free and both take it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from sandbox.scheduling import call_records, meetings, reference_data
from sandbox.scheduling.interpreters import load_roster
from sandbox.scheduling.staff import load_staff

SCHEMA = """
CREATE TABLE IF NOT EXISTS municipalities (
    id TEXT PRIMARY KEY, name_el TEXT NOT NULL, name_en TEXT NOT NULL,
    region_el TEXT NOT NULL, region_en TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS keps (
    id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, municipality_id TEXT NOT NULL REFERENCES municipalities(id),
    name_el TEXT NOT NULL, name_en TEXT NOT NULL, street_el TEXT NOT NULL, street_en TEXT NOT NULL,
    postcode TEXT NOT NULL, town_el TEXT NOT NULL, town_en TEXT NOT NULL, phone TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS kep_hours (
    kep_id TEXT NOT NULL REFERENCES keps(id), weekday INTEGER NOT NULL,
    opens TEXT NOT NULL, closes TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kep_hours_kep ON kep_hours(kep_id);
CREATE TABLE IF NOT EXISTS employees (
    id TEXT PRIMARY KEY, kep_id TEXT NOT NULL REFERENCES keps(id), workstation TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS employees_kep ON employees(kep_id);
-- When an employee has rows here, they serve only inside them (article 3.3).
CREATE TABLE IF NOT EXISTS employee_availability (
    id INTEGER PRIMARY KEY, employee_id TEXT NOT NULL REFERENCES employees(id),
    valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, weekday INTEGER,
    starts TEXT NOT NULL, ends TEXT NOT NULL, workstation TEXT
);
CREATE INDEX IF NOT EXISTS employee_availability_employee ON employee_availability(employee_id);
-- An employee's days off (leave, training, sickness), first and last day included: they take no call then.
CREATE TABLE IF NOT EXISTS employee_absences (
    id INTEGER PRIMARY KEY, employee_id TEXT NOT NULL REFERENCES employees(id),
    first_day TEXT NOT NULL, last_day TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS employee_absences_employee ON employee_absences(employee_id, last_day);
CREATE TABLE IF NOT EXISTS closed_days (
    day TEXT NOT NULL, kep_id TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (day, kep_id)
);
CREATE TABLE IF NOT EXISTS procedures (
    id TEXT PRIMARY KEY, category TEXT NOT NULL, title_el TEXT NOT NULL, title_en TEXT NOT NULL,
    keywords_el TEXT NOT NULL DEFAULT '', keywords_en TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS municipal_procedures (
    municipality_id TEXT NOT NULL REFERENCES municipalities(id), procedure_id TEXT NOT NULL REFERENCES procedures(id),
    PRIMARY KEY (municipality_id, procedure_id)
);
CREATE TABLE IF NOT EXISTS holds (
    id TEXT PRIMARY KEY, citizen TEXT NOT NULL, kep_id TEXT NOT NULL, employee_id TEXT NOT NULL,
    starts INTEGER NOT NULL, ends INTEGER NOT NULL, expires INTEGER NOT NULL, created INTEGER NOT NULL,
    category TEXT NOT NULL, procedure_id TEXT NOT NULL, needs TEXT NOT NULL, for_booking TEXT,
    interpreter_id TEXT
);
CREATE INDEX IF NOT EXISTS holds_employee ON holds(employee_id, starts);
CREATE TABLE IF NOT EXISTS bookings (
    id INTEGER PRIMARY KEY, reference TEXT NOT NULL UNIQUE, citizen TEXT NOT NULL,
    kep_id TEXT NOT NULL, employee_id TEXT NOT NULL, starts INTEGER NOT NULL, ends INTEGER NOT NULL,
    status TEXT NOT NULL, category TEXT NOT NULL, procedure_id TEXT NOT NULL,
    details TEXT NOT NULL, language TEXT NOT NULL, meeting_url TEXT NOT NULL, sequence INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL, updated INTEGER NOT NULL, reminder_sent INTEGER,
    interpreter_id TEXT, outcome_reason TEXT, protocol_number TEXT, outcome_at INTEGER, outcome_by TEXT
);
CREATE INDEX IF NOT EXISTS bookings_interpreter ON bookings(interpreter_id, starts);
CREATE INDEX IF NOT EXISTS bookings_employee ON bookings(employee_id, starts);
CREATE INDEX IF NOT EXISTS bookings_citizen ON bookings(citizen);
CREATE INDEX IF NOT EXISTS bookings_kep ON bookings(kep_id, starts);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    citizen TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL, body TEXT NOT NULL, created INTEGER NOT NULL,
    PRIMARY KEY (citizen, key)
);
-- One row per message to send: an email, or (channel 'sms') a text message; an
-- invitation's messages name the invitation they are for.
CREATE TABLE IF NOT EXISTS mail_queue (
    id INTEGER PRIMARY KEY, booking_id INTEGER NOT NULL REFERENCES bookings(id), kind TEXT NOT NULL,
    created INTEGER NOT NULL, sent INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
    channel TEXT NOT NULL DEFAULT 'email', invitation_id INTEGER
);
-- Greek Sign Language interpreters: a resource like employees, serving any KEP's
-- calls (they join remotely), inside their own working hours, never on their closed days.
CREATE TABLE IF NOT EXISTS interpreters (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS interpreter_hours (
    interpreter_id TEXT NOT NULL REFERENCES interpreters(id), weekday INTEGER NOT NULL,
    starts TEXT NOT NULL, ends TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS interpreter_hours_interpreter ON interpreter_hours(interpreter_id);
CREATE TABLE IF NOT EXISTS interpreter_closed_days (
    interpreter_id TEXT NOT NULL REFERENCES interpreters(id), day TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (interpreter_id, day)
);
-- The people the service invites to a call (the interpreter, the citizen's third person, art. 2.8).
-- The join link is signed from (id, nonce); `device` is a hash of the one device that opened it.
CREATE TABLE IF NOT EXISTS invitations (
    id INTEGER PRIMARY KEY, booking_id INTEGER NOT NULL REFERENCES bookings(id), role TEXT NOT NULL,
    name TEXT NOT NULL, email TEXT NOT NULL, nonce TEXT NOT NULL, state TEXT NOT NULL,
    created INTEGER NOT NULL, sent INTEGER, confirmed INTEGER, withdrawn INTEGER, device TEXT
);
CREATE INDEX IF NOT EXISTS invitations_booking ON invitations(booking_id);
-- A citizen's communication needs, kept between bookings with their consent (GDPR art. 9).
CREATE TABLE IF NOT EXISTS needs_profiles (
    citizen TEXT PRIMARY KEY, needs TEXT NOT NULL, third_person TEXT, other_needs TEXT NOT NULL DEFAULT '',
    updated INTEGER NOT NULL
);
-- Supporting documents a citizen sends for a booking, for the KEP (sandbox/scheduling/documents.py):
-- at most 3 a booking, the same content (sha256) kept once.
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, booking_id INTEGER NOT NULL REFERENCES bookings(id), name TEXT NOT NULL,
    media_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, content BLOB NOT NULL,
    created INTEGER NOT NULL, UNIQUE (booking_id, sha256)
);
-- Article 7.2: access is logged and traceable; the citizen appears only as a keyed hash (`actor`),
-- a staff member by their subject and role at the time (`actor` is then '').
CREATE TABLE IF NOT EXISTS access_log (
    id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, booking_reference TEXT,
    staff_subject TEXT, staff_role TEXT
);
CREATE INDEX IF NOT EXISTS access_log_reference ON access_log(booking_reference);
-- The KEP staff (staff.py): the subject their sign-in gives, and what they may do. An employee is one
-- row of `employees`; a head has a KEP; an administrator has none; no role: known, may do nothing.
CREATE TABLE IF NOT EXISTS staff (
    subject TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT,
    kep_id TEXT REFERENCES keps(id), employee_id TEXT REFERENCES employees(id), updated INTEGER NOT NULL,
    CHECK ((role = 'employee' AND kep_id IS NOT NULL AND employee_id IS NOT NULL)
        OR (role = 'head' AND kep_id IS NOT NULL AND employee_id IS NULL)
        OR (role = 'admin' AND kep_id IS NULL AND employee_id IS NULL)
        OR (role IS NULL AND employee_id IS NULL))
);
CREATE INDEX IF NOT EXISTS staff_kep ON staff(kep_id);
"""


class Database:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self.connection() as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            add_missing_columns(connection)
            connection.executescript(SCHEMA)
            connection.executescript(call_records.SCHEMA)
            connection.executescript(meetings.SCHEMA)
            load_reference_data(connection)
            load_roster(connection)
            load_staff(connection)

    def connection(self) -> sqlite3.Connection:
        """One connection per thread, reused (opening one per request costs more than the query)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA busy_timeout=30000")
            self._local.connection = connection
        return connection

    @contextmanager
    def write(self):
        """A transaction that holds SQLite's write lock from its first statement."""
        connection = self.connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        else:
            connection.execute("COMMIT")

    def read(self) -> sqlite3.Connection:
        return self.connection()


# Columns added after a table was first made: a file from an earlier version gets them at start.
ADDED_COLUMNS = {
    "holds": {"interpreter_id": "TEXT"},
    "bookings": {"interpreter_id": "TEXT", **call_records.OUTCOME_COLUMNS},
    "mail_queue": {"channel": "TEXT NOT NULL DEFAULT 'email'", "invitation_id": "INTEGER"},
    "access_log": {"staff_subject": "TEXT", "staff_role": "TEXT"},
}


def add_missing_columns(connection: sqlite3.Connection) -> None:
    for table, columns in ADDED_COLUMNS.items():
        present = {row["name"] for row in connection.execute(f"PRAGMA table_info({table})")}
        if not present:
            continue  # a new file: the schema makes the table whole
        for name, kind in columns.items():
            if name not in present:
                connection.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def _fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load_reference_data(connection: sqlite3.Connection) -> None:
    """Insert the reference data once; later starts find it there and change nothing.

    Administrators' later changes (hours, KEPs added or removed) are kept: rows
    that exist are never overwritten.
    """
    places = reference_data.places()
    procedures = reference_data.procedures()
    marker = _fingerprint({"places": places["source"], "count": len(places["keps"])})
    connection.execute("CREATE TABLE IF NOT EXISTS loaded (what TEXT PRIMARY KEY, fingerprint TEXT)")
    if connection.execute("SELECT 1 FROM loaded WHERE what='reference'").fetchone():
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        if connection.execute("SELECT 1 FROM loaded WHERE what='reference'").fetchone():
            connection.execute("ROLLBACK")
            return
        for m in places["municipalities"]:
            connection.execute(
                "INSERT OR IGNORE INTO municipalities VALUES (?,?,?,?,?)",
                (m["id"], m["name_el"], m["name_en"], m["region_el"], m["region_en"]),
            )
        for k in places["keps"]:
            connection.execute(
                "INSERT OR IGNORE INTO keps (id, code, municipality_id, name_el, name_en, street_el, street_en,"
                " postcode, town_el, town_en, phone) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (k["id"], k["code"], k["municipality_id"], k["name_el"], k["name_en"], k["address_el"],
                 k["address_en"], k["postcode"], k["town_el"], k["town_en"], k["phone"]),
            )
            for hours in k["opening_hours"]:
                connection.execute("INSERT INTO kep_hours VALUES (?,?,?,?)",
                                   (k["id"], hours["weekday"], hours["opens"], hours["closes"]))
            for number in range(1, k["employees"] + 1):
                connection.execute("INSERT OR IGNORE INTO employees VALUES (?,?,?)",
                                   (f"{k['id']}-e{number}", k["id"], f"{number}"))
        for p in procedures["procedures"]:
            connection.execute(
                "INSERT OR IGNORE INTO procedures VALUES (?,?,?,?,?,?)",
                (p["id"], p["category"], p["title_el"], p["title_en"],
                 " ".join(p.get("keywords_el", [])), " ".join(p.get("keywords_en", []))),
            )
        for municipality_id, procedure_ids in procedures["municipal_offer"].items():
            for procedure_id in procedure_ids:
                connection.execute("INSERT OR IGNORE INTO municipal_procedures VALUES (?,?)",
                                   (municipality_id, procedure_id))
        connection.execute("INSERT INTO loaded VALUES ('reference', ?)", (marker,))
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
