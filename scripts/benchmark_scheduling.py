"""Benchmark the scheduling API's reference service (sandbox/scheduling) under a
month of bookings: availability of one KEP over 30 days, the earliest free slot
anywhere, and bookings per second with many concurrent citizens.

A benchmark, not a test: it measures and prints figures next to their targets,
it asserts nothing and never fails on a time.

    .venv/bin/python scripts/benchmark_scheduling.py [--seconds 15] [--clients 50] [--fill 0.6]

What it does:

1. creates a fresh SQLite database in a temporary folder and serves the
   reference service with waitress in a child process (so that the load
   generator's Python threads do not share the server's GIL), with the
   background loops off and the clock fixed at Monday 30 November 2026,
   08:00 Athens time, so that every run books the same days;
2. loads a month of confirmed bookings straight into SQLite (an HTTP round per
   booking would take minutes): the bookable windows and the employees come
   from the service's own `Availability` code, and each employee-day gets a
   random set of non-overlapping calls with the gap kept, about `--fill` of
   the calls an employee could take that day; the 60 interpreters of the
   sample roster are given some of these calls, inside their hours and with
   the gap kept, about `--fill` of the 40-minute calls each could take;
3. measures over HTTP, after a warm-up: (a) GET /v1/availability/days for one
   KEP over 30 days, (b) GET /v1/availability/first for a procedure anywhere,
   also for a sign-language call (an employee and an interpreter free),
   (c) hold + booking rounds from `--clients` concurrent citizens;
4. checks in SQLite that no employee and no interpreter has overlapping
   bookings, gap included.

The load generator and the server share the machine, with whatever else runs
on it: the booking run prints the CPU each of them used, and what the other
processes took, to judge a figure by.

`--keps N` books at only N KEPs in (c), so that citizens compete for the same
times (slot_taken answers). `--profile DIR` runs the server's requests under
cProfile (each thread's CPU time, or wall time with `--profile-clock wall`)
and writes one .pstats file per phase to DIR, printing the top functions; the
figures of a profiled run are slower than those of a plain one.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import platform
import pstats
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stdnum.gr import vat  # noqa: E402

from sandbox.scheduling import Settings, create_app  # noqa: E402
from sandbox.scheduling.availability import Availability  # noqa: E402
from sandbox.scheduling.bookings import new_reference  # noqa: E402
from sandbox.scheduling.calendar_rules import at_athens, athens_day, is_working_day, parse_hhmm  # noqa: E402
from sandbox.scheduling.db import Database  # noqa: E402
from sandbox.scheduling.interpreters import weekly_hours  # noqa: E402

# A Monday, 08:00 in Athens (EET, UTC+2): the service day has just begun.
NOW = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)
FRONTEND_TOKEN = "benchmark-frontend-token"
ADMIN_TOKEN = "benchmark-admin-token"

TARGETS = {
    "days": "p95 ≤ 20 ms",
    "first": "p95 ≤ 100 ms",
    "bookings": "≥ 200 bookings/s",
}


def fixed_clock() -> datetime:
    return NOW


def settings_for(database: Path) -> Settings:
    return Settings(database=database, frontend_token=FRONTEND_TOKEN, admin_token=ADMIN_TOKEN,
                    background_loops=False, clock=fixed_clock, smtp_port=1)


# -- the server (child process) ---------------------------------------------------------------


class ProfiledApp:
    """WSGI middleware: each request runs under its own thread's cProfile profiler.

    cProfile sees only the thread that enabled it, so each of waitress's
    threads gets a profiler of its own; `dump` merges them.
    """

    def __init__(self, wsgi_app, clock: str):
        self.wsgi_app = wsgi_app
        # "cpu": each thread's own CPU time (where the work is); "wall": time waited too (locks, GIL).
        self.timer = time.thread_time if clock == "cpu" else time.perf_counter
        self.local = threading.local()
        self.profilers: list[cProfile.Profile] = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        profiler = getattr(self.local, "profiler", None)
        if profiler is None:
            profiler = self.local.profiler = cProfile.Profile(self.timer)
            with self.lock:
                self.profilers.append(profiler)
        profiler.enable()
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            profiler.disable()

    def dump(self, path: str) -> None:
        with self.lock:
            profilers, self.profilers = self.profilers, []
            # The threads make new profilers for the next phase.
            self.local = threading.local()
        stats = None
        for profiler in profilers:
            profiler.create_stats()
            if not profiler.stats:
                continue
            if stats is None:
                stats = pstats.Stats(profiler)
            else:
                stats.add(profiler)
        if stats is not None:
            stats.dump_stats(path)
        else:
            Path(path).write_bytes(b"")


def serve(database: Path, threads: int, profile_dir: str | None, profile_clock: str) -> None:
    import waitress

    app = create_app(settings_for(database))
    profiled = None
    if profile_dir:
        profiled = ProfiledApp(app.wsgi_app, profile_clock)
        app.wsgi_app = profiled
        # The parent asks for one file per phase: a line "dump NAME" on stdin.

        def dumper():
            for line in sys.stdin:
                command, _, name = line.strip().partition(" ")
                if command == "dump":
                    profiled.dump(os.path.join(profile_dir, f"{name}.pstats"))
                    print(f"dumped {name}", flush=True)

        threading.Thread(target=dumper, daemon=True).start()
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads,
                                    connection_limit=1000, backlog=1024)
    print(f"port {server.effective_port}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server.run()


class Server:
    def __init__(self, database: Path, threads: int, log_path: Path, profile_dir: str | None,
                 profile_clock: str = "cpu"):
        command = [sys.executable, __file__, "--serve", str(database), "--threads", str(threads)]
        if profile_dir:
            command += ["--profile", profile_dir, "--profile-clock", profile_clock]
        # The child gets its own copy of the log's descriptor and writes to it as long as it
        # runs; this process never writes to it, so its copy can close once the child is started.
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=log, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("port "):
            self.process.kill()
            raise SystemExit(f"the service did not start; see {log_path}:\n{Path(log_path).read_text()[-2000:]}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"
        self.profile_dir = profile_dir

    def dump_profile(self, name: str) -> Path | None:
        if not self.profile_dir:
            return None
        self.process.stdin.write(f"dump {name}\n")
        self.process.stdin.flush()
        self.process.stdout.readline()
        return Path(self.profile_dir) / f"{name}.pstats"

    def cpu_times(self) -> tuple[float, float] | None:
        return process_cpu_times(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def process_cpu_times(pid: int) -> tuple[float, float] | None:
    """(user, system) CPU seconds of a process, from /proc (None where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tick, int(fields[12]) / tick
    except (OSError, ValueError, IndexError):
        return None


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy (all CPUs, every process), from /proc/stat."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class CpuWatch:
    """CPU used during a stretch of time by the server, this process and the rest of the machine."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.before = self._read()
        self.started = time.perf_counter()

    def _read(self):
        return process_cpu_times(self.server_pid), process_cpu_times(os.getpid()), machine_busy_seconds()

    def report(self, per: int = 0, unit: str = "") -> str:
        (server0, client0, machine0), (server1, client1, machine1) = self.before, self._read()
        wall = time.perf_counter() - self.started
        if None in (server0, client0, machine0, server1, client1, machine1):
            return "CPU use: not available on this system"
        server_user, server_system = server1[0] - server0[0], server1[1] - server0[1]
        client = sum(client1) - sum(client0)
        others = max(0.0, (machine1 - machine0) - server_user - server_system - client)
        cpus = os.cpu_count() or 1
        server = server_user + server_system
        each = f", {server / per * 1000:.1f} ms per {unit}" if per else ""
        return (f"CPU over {wall:.1f} s ({cpus} CPUs, {wall * cpus:.1f} CPU-s): server {server:.1f} s"
                f" (user {server_user:.1f}, system {server_system:.1f}{each}), load generator {client:.1f} s,"
                f" other processes on this machine {others:.1f} s")


# -- citizens ---------------------------------------------------------------------------------------


class TaxIds:
    """Distinct valid ΑΦΜ numbers: 8 random digits and their check digit."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def new(self) -> str:
        while True:
            body = f"{self.rng.randrange(10**8):08d}"
            number = body + vat.calc_check_digit(body)
            if number not in self.used and vat.is_valid(number):
                self.used.add(number)
                return number


# -- loading a month of bookings -------------------------------------------------------------------


def working_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def non_adjacent(rng: random.Random, count: int, k: int) -> list[int]:
    """A uniformly random set of k positions out of `count`, no two next to each other."""
    k = max(0, min(k, (count + 1) // 2))
    chosen = sorted(rng.sample(range(count - k + 1), k))
    return [position + index for index, position in enumerate(chosen)]


def details_json(name: str, email: str, business: dict | None) -> str:
    return json.dumps({
        "contact": {"name": name, "email": email, "phone": "+306912345678",
                    "address": {"street": "Πανεπιστημίου 1", "postcode": "10431", "town": "Αθήνα"}},
        "id_document": "identity_card", "needs": [], "third_person": None, "other_needs": "",
        "contact_preference": "email", "delivery": {"method": "email", "address": None},
        "business": business, "language": "el",
    }, ensure_ascii=False)


def give_interpreters(rows: list[tuple], hours_by_weekday, fill: float, gap: int,
                      rng: random.Random) -> tuple[list[tuple], int, int]:
    """Each row with an interpreter id or None: about `fill` of the 40-minute calls each
    interpreter could take a day, inside their hours, never closer than the gap.

    The calls keep their loaded length and answers: here they only make the
    interpreters as busy as sign-language calls would.
    Returns (rows, calls given an interpreter, the interpreters' capacity).
    """
    call = 40 * 60
    windows, quota, taken = {}, Counter(), defaultdict(list)
    capacity = 0
    for day in sorted({athens_day(row[4]) for row in rows}):
        for interpreter_id, starts, ends in hours_by_weekday.get(day.weekday(), []):
            window = (at_athens(day, parse_hhmm(starts)), at_athens(day, parse_hhmm(ends)))
            windows.setdefault(day, []).append((interpreter_id, window))
            most = (window[1] - window[0] + gap) // (call + gap)
            capacity += most
            quota[interpreter_id, day] += round(fill * most)
    given = {}
    for index in rng.sample(range(len(rows)), len(rows)):
        starts, ends = rows[index][4], rows[index][5]
        day = athens_day(starts)
        candidates = [(i, w) for i, w in windows.get(day, ()) if quota[i, day] > 0 and w[0] <= starts and ends <= w[1]]
        for interpreter_id, _window in rng.sample(candidates, len(candidates)):
            if all(ends + gap <= s or e + gap <= starts for s, e in taken[interpreter_id]):
                taken[interpreter_id].append((starts, ends))
                quota[interpreter_id, day] -= 1
                given[index] = interpreter_id
                break
    return [(*row, given.get(index)) for index, row in enumerate(rows)], len(given), capacity


def load_month(database_path: Path, fill: float, days: list[date], rng: random.Random, tax_ids: TaxIds):
    """Confirmed bookings for every KEP on `days`, about `fill` of each employee's capacity.

    The service's grid is 20 minutes and its gap 10, so an employee takes at
    most every other grid time: a random set of non-adjacent grid positions per
    employee and day keeps every pair of calls apart by the gap. One call in
    ten is a 40-minute disability call where the next grid time is free too.
    Returns (bookings, capacity, calls with an interpreter, the interpreters' capacity).
    """
    settings = settings_for(database_path)
    database = Database(database_path)
    connection = database.connection()
    now = int(NOW.timestamp())
    engine = Availability(connection, settings, now)
    kep_rows = connection.execute("SELECT id, municipality_id FROM keps WHERE active=1 ORDER BY id").fetchall()
    kep_ids = [row["id"] for row in kep_rows]
    municipality_of = {row["id"]: row["municipality_id"] for row in kep_rows}
    by_category = defaultdict(list)
    for row in connection.execute("SELECT id, category FROM procedures ORDER BY id"):
        by_category[row["category"]].append(row["id"])
    municipal = defaultdict(list)
    for row in connection.execute("SELECT municipality_id, procedure_id FROM municipal_procedures ORDER BY 1, 2"):
        municipal[row["municipality_id"]].append(row["procedure_id"])

    grid = settings.grid_minutes * 60
    short = 20 * 60
    details_plain = [details_json(f"Πολίτης {n}", f"citizen{n}@example.gr", None) for n in range(50)]
    details_business = [details_json(f"Επιχειρηματίας {n}", f"business{n}@example.gr",
                                     {"tax_id": tax_ids.new(), "name": f"Επιχείρηση {n} Α.Ε."})
                        for n in range(50)]
    citizens = [tax_ids.new() for _ in range(20000)]
    references: set[str] = set()
    rows, capacity = [], 0
    for day in days:
        windows = engine._kep_windows(kep_ids, day)
        employees = engine._employees(list(windows), day)
        for kep_id, spans in windows.items():
            for employee_id, _own_hours in employees[kep_id]:
                for window_start, window_end in spans:
                    count = max(0, (window_end - window_start - short) // grid + 1)
                    most = (count + 1) // 2
                    capacity += most
                    wanted = sum(1 for _ in range(most) if rng.random() < fill)
                    positions = non_adjacent(rng, count, wanted)
                    taken = set(positions)
                    for position in positions:
                        starts = window_start + position * grid
                        category = rng.choices(("information", "business", "municipal", "disability"),
                                               weights=(60, 15, 15, 10))[0]
                        length = short
                        if category == "disability":
                            # A 40-minute call also needs the next grid time and the one after it free.
                            if starts + 2 * short <= window_end and position + 2 not in taken:
                                length = 2 * short
                            else:
                                category = "information"
                        if category == "municipal" and not municipal[municipality_of[kep_id]]:
                            category = "information"
                        if category == "municipal":
                            procedure = rng.choice(municipal[municipality_of[kep_id]])
                        else:
                            procedure = rng.choice(by_category[category])
                        details = rng.choice(details_business if category == "business" else details_plain)
                        reference = new_reference()
                        while reference in references:
                            reference = new_reference()
                        references.add(reference)
                        created = now - rng.randrange(1, 20 * 86400)
                        rows.append((reference, rng.choice(citizens), kep_id, employee_id, starts, starts + length,
                                     category, procedure, details,
                                     settings.meeting_url_template.format(
                                         room=uuid.uuid4().hex, reference=reference,
                                         frontend=settings.frontend_url.rstrip("/")),
                                     created, created))
    rows, interpreted, interpreter_capacity = give_interpreters(
        rows, weekly_hours(connection), fill, settings.gap_minutes * 60, rng)
    with database.write() as writer:
        writer.executemany(
            "INSERT INTO bookings (reference, citizen, kep_id, employee_id, starts, ends, status, category,"
            " procedure_id, details, language, meeting_url, sequence, created, updated, interpreter_id)"
            " VALUES (?,?,?,?,?,?,'confirmed',?,?,?,'el',?,0,?,?,?)", rows)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return len(rows), capacity, interpreted, interpreter_capacity


# -- measuring ---------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(values: list[float]) -> str:
    if not values:
        return "count 0"
    return (f"count {len(values):>5}   median {statistics.median(values):7.1f} ms   "
            f"p95 {percentile(values, 0.95):7.1f} ms   max {max(values):7.1f} ms")


def problem_code(response) -> str:
    try:
        return response.json().get("code") or f"http_{response.status_code}"
    except ValueError:
        return f"http_{response.status_code}"


class CitizenAssertion:
    """Signs each request's assertion of the session's citizen, as the frontend does (expires in 60 s)."""

    def __init__(self, citizen: str):
        from kepweb.scheduling.assertion import signing_key
        from sandbox.scheduling.settings import SANDBOX_CITIZEN_ASSERTION_KEY

        self.citizen = citizen
        self.key = signing_key(SANDBOX_CITIZEN_ASSERTION_KEY)

    def __call__(self, request):
        from kepweb.scheduling.assertion import HEADER, citizen_assertion

        request.headers[HEADER] = citizen_assertion(self.key, self.citizen)
        return request


def new_session(citizen: str | None = None):
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {FRONTEND_TOKEN}"
    if citizen:
        session.auth = CitizenAssertion(citizen)
    return session


def timed_get(session, url, params) -> tuple[float, object]:
    started = time.perf_counter()
    response = session.get(url, params=params, timeout=120)
    return (time.perf_counter() - started) * 1000, response


def measure_days(server: Server, session, rng, kep_ids, procedures, today, repeats) -> tuple[list[float], Counter]:
    url = f"{server.url}/v1/availability/days"
    times, failures = [], Counter()
    for _ in range(repeats):
        params = {"category": "information", "procedure": rng.choice(procedures), "kep": rng.choice(kep_ids),
                  "from": today.isoformat(), "to": (today + timedelta(days=29)).isoformat()}
        elapsed, response = timed_get(session, url, params)
        if response.status_code == 200:
            times.append(elapsed)
        else:
            failures[problem_code(response)] += 1
    return times, failures


def measure_first(server: Server, session, params_list) -> tuple[list[float], Counter, list]:
    url = f"{server.url}/v1/availability/first"
    times, failures, found = [], Counter(), []
    for params in params_list:
        elapsed, response = timed_get(session, url, params)
        if response.status_code == 200:
            times.append(elapsed)
            found.append(response.json()["slot"])
        else:
            failures[problem_code(response)] += 1
    return times, failures, found


BOOKING_BODY = {
    "contact": {"name": "Μαρία Παπαδοπούλου", "email": "maria@example.gr", "phone": "6912345678",
                "address": {"street": "Πανεπιστημίου 1", "postcode": "10431", "town": "Αθήνα"}},
    "id_document": "identity_card", "needs": [], "contact_preference": "email",
    "delivery": {"method": "email"}, "language": "el",
}


class LoadResults:
    def __init__(self):
        self.lock = threading.Lock()
        self.booked = 0
        self.rounds = 0
        self.no_free_slot = 0
        self.failures: Counter = Counter()  # "stage: code"
        self.slots_ms: list[float] = []
        self.hold_ms: list[float] = []
        self.booking_ms: list[float] = []
        self.pair_ms: list[float] = []
        self.citizens_used = 0


def run_clients(server: Server, clients: int, seconds: float, rng_seed: int, tax_ids: TaxIds,
                kep_ids: list[str], procedures: list[str], days: list[date]) -> tuple[LoadResults, float]:
    results = LoadResults()
    citizens = [tax_ids.new() for _ in range(clients)]
    citizen_lock = threading.Lock()
    started_at = [0.0]
    stop_at = [0.0]

    def start_clock():
        # Runs once, before any thread is let through the barrier.
        started_at[0] = time.perf_counter()
        stop_at[0] = started_at[0] + seconds

    ready = threading.Barrier(clients + 1, action=start_clock)

    def client(number: int):
        rng = random.Random(rng_seed * 1000 + number)
        citizen = citizens[number]
        session = new_session(citizen)
        # Each citizen may have one active booking per procedure: go through them, then become a new citizen.
        queue = procedures[:]
        rng.shuffle(queue)
        base = server.url
        # Warm-up: open the connection, before the clock starts.
        session.get(f"{base}/v1/availability/slots", params={
            "category": "information", "procedure": queue[0], "kep": rng.choice(kep_ids),
            "date": rng.choice(days).isoformat()}, timeout=120)
        ready.wait()
        slots_ms, hold_ms, booking_ms, pair_ms, failures = [], [], [], [], Counter()
        booked = rounds = empty = used = 0
        while time.perf_counter() < stop_at[0]:
            if not queue:
                with citizen_lock:
                    citizen = tax_ids.new()
                session.auth = CitizenAssertion(citizen)
                queue = procedures[:]
                rng.shuffle(queue)
                used += 1
            procedure = queue[-1]
            rounds += 1
            try:
                elapsed, response = timed_get(session, f"{base}/v1/availability/slots", {
                    "category": "information", "procedure": procedure, "kep": rng.choice(kep_ids),
                    "date": rng.choice(days).isoformat()})
                slots_ms.append(elapsed)
                if response.status_code != 200:
                    failures[f"slots: {problem_code(response)}"] += 1
                    continue
                slots = response.json()["slots"]
                if not slots:
                    empty += 1
                    continue
                slot = rng.choice(slots)
                started = time.perf_counter()
                response = session.post(f"{base}/v1/holds", json={
                    "category": "information", "procedure": procedure, "kep_id": slot["kep_id"],
                    "start": slot["start"], "needs": []}, timeout=120)
                held = time.perf_counter()
                hold_ms.append((held - started) * 1000)
                if response.status_code != 201:
                    code = problem_code(response)
                    failures[f"hold: {code}"] += 1
                    if code == "not_allowed":
                        queue.pop()
                    continue
                response = session.post(f"{base}/v1/bookings", json={"hold_id": response.json()["id"], **BOOKING_BODY},
                                        headers={"Idempotency-Key": str(uuid.UUID(int=rng.getrandbits(128)))},
                                        timeout=120)
                finished = time.perf_counter()
                booking_ms.append((finished - held) * 1000)
                pair_ms.append((finished - started) * 1000)
                if response.status_code == 201:
                    booked += 1
                    queue.pop()
                else:
                    code = problem_code(response)
                    failures[f"booking: {code}"] += 1
                    if code == "not_allowed":
                        queue.pop()
            except Exception as error:  # noqa: BLE001 - a benchmark counts what goes wrong, it does not stop
                failures[f"client: {type(error).__name__}"] += 1
        with results.lock:
            results.booked += booked
            results.rounds += rounds
            results.no_free_slot += empty
            results.failures.update(failures)
            results.slots_ms += slots_ms
            results.hold_ms += hold_ms
            results.booking_ms += booking_ms
            results.pair_ms += pair_ms
            results.citizens_used += used + 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started_at[0]


# -- checking ------------------------------------------------------------------------------------------


def overlap_report(database_path: Path, gap_minutes: int) -> tuple[int, int, int, int]:
    """(confirmed bookings, employees with bookings, pairs closer than the gap, bookings at another KEP's employee)."""
    connection = sqlite3.connect(database_path)
    try:
        total, employees = connection.execute(
            "SELECT COUNT(*), COUNT(DISTINCT employee_id) FROM bookings WHERE status='confirmed'").fetchone()
        # Sorted by start, a call clashes with an earlier one of the same employee exactly when it starts
        # before the latest end so far plus the gap.
        clashes = connection.execute(
            "SELECT COUNT(*) FROM (SELECT starts, MAX(ends) OVER (PARTITION BY employee_id ORDER BY starts, id"
            " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest_end"
            " FROM bookings WHERE status='confirmed') WHERE latest_end IS NOT NULL AND starts < latest_end + ?",
            (gap_minutes * 60,)).fetchone()[0]
        misplaced = connection.execute(
            "SELECT COUNT(*) FROM bookings b JOIN employees e ON e.id = b.employee_id WHERE e.kep_id != b.kep_id"
        ).fetchone()[0]
        return total, employees, clashes, misplaced
    finally:
        connection.close()


def interpreter_overlap_report(database_path: Path, gap_minutes: int) -> tuple[int, int]:
    """(confirmed bookings with an interpreter, pairs of one interpreter's calls closer than the gap)."""
    connection = sqlite3.connect(database_path)
    try:
        total = connection.execute(
            "SELECT COUNT(*) FROM bookings WHERE status='confirmed' AND interpreter_id IS NOT NULL").fetchone()[0]
        clashes = connection.execute(
            "SELECT COUNT(*) FROM (SELECT starts, MAX(ends) OVER (PARTITION BY interpreter_id ORDER BY starts, id"
            " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest_end FROM bookings"
            " WHERE status='confirmed' AND interpreter_id IS NOT NULL)"
            " WHERE latest_end IS NOT NULL AND starts < latest_end + ?", (gap_minutes * 60,)).fetchone()[0]
        return total, clashes
    finally:
        connection.close()


def print_profile(path: Path | None, title: str, limit: int) -> None:
    if path is None or not path.exists() or path.stat().st_size == 0:
        return
    print(f"\n--- server profile, {title} ({path}) ---")
    stats = pstats.Stats(str(path))
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15, help="length of the concurrent booking run")
    parser.add_argument("--clients", type=int, default=50, help="concurrent citizens in the booking run")
    parser.add_argument("--fill", type=float, default=0.6, help="share of each employee's calls booked beforehand")
    parser.add_argument("--keps", type=int, default=0,
                        help="book at only this many KEPs in (c), chosen at random, to provoke contention (0: all)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same month)")
    parser.add_argument("--days-repeats", type=int, default=200)
    parser.add_argument("--first-repeats", type=int, default=100)
    parser.add_argument("--profile", metavar="DIR", help="profile the server's requests with cProfile into DIR")
    parser.add_argument("--profile-clock", choices=("cpu", "wall"), default="cpu",
                        help="what --profile counts: each thread's CPU time, or wall time (waits included)")
    parser.add_argument("--serve", metavar="DATABASE", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        serve(Path(args.serve), args.threads, args.profile, args.profile_clock)
        return

    rng = random.Random(args.seed)
    tax_ids = TaxIds(rng)
    print("Scheduling reference service benchmark")
    print(f"machine: {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}"
          f" ({platform.python_implementation()}), SQLite {sqlite3.sqlite_version}, {platform.platform()}")
    if hasattr(os, "getloadavg"):
        print("load average before the run: " + " ".join(f"{load:.2f}" for load in os.getloadavg())
              + " (the load generator and the server share this machine, and so does anything else running)")
    print(f"clock fixed at {NOW.isoformat()} (Monday 08:00 Athens); seed {args.seed}; waitress threads {args.threads}")
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        args.profile = os.path.abspath(args.profile)
        print(f"PROFILING ({args.profile_clock} time) into {args.profile}: figures are slower than in a plain run")

    settings = Settings()
    today = athens_day(int(NOW.timestamp()))
    days = working_days(today, today + timedelta(days=settings.horizon_days))
    with tempfile.TemporaryDirectory(prefix="kepweb-bench-") as folder:
        database = Path(folder) / "scheduling.sqlite3"

        # 2. a month of bookings
        started = time.perf_counter()
        loaded, capacity, interpreted, interpreter_capacity = load_month(database, args.fill, days, rng, tax_ids)
        load_seconds = time.perf_counter() - started
        print(f"\nloaded {loaded} confirmed bookings in {load_seconds:.1f} s"
              f" ({loaded / capacity:.0%} of {capacity} calls the employees could take"
              f" on {len(days)} working days, {days[0]} to {days[-1]}); database"
              f" {database.stat().st_size / 2**20:.0f} MiB")
        print(f"{interpreted} of them with one of the 60 interpreters ({interpreted / interpreter_capacity:.0%}"
              f" of the {interpreter_capacity} 40-minute calls the interpreters could take)")

        server = Server(database, args.threads, Path(folder) / "server.log", args.profile, args.profile_clock)
        try:
            session = new_session()
            base = server.url
            catalogue = session.get(f"{base}/v1/procedures", params={"category": "information"}).json()
            information = [p["id"] for p in catalogue["procedures"]]
            keps = session.get(f"{base}/v1/keps").json()["keps"]
            kep_ids = [k["id"] for k in keps]
            municipality = ("athens" if any(k["municipality_id"] == "athens" for k in keps)
                            else keps[0]["municipality_id"])
            municipal = [p["id"] for p in session.get(f"{base}/v1/procedures", params={
                "category": "municipal", "municipality": municipality}).json()["procedures"]]

            # How booked the month looks from outside: free start times of a sample of KEP-days.
            free = total = 0
            sample_rng = random.Random(args.seed + 1)
            for kep_id in sample_rng.sample(kep_ids, 20):
                response = session.get(f"{base}/v1/availability/days", params={
                    "category": "information", "procedure": information[0], "kep": kep_id,
                    "from": days[1].isoformat(), "to": days[-1].isoformat()}).json()
                free += sum(d["free_slots"] for d in response["days"])
                total += 20 * len([d for d in response["days"] if is_working_day(date.fromisoformat(d["date"]))])
            print(f"free start times left (20 KEPs, working days after today): {free} of about {total}"
                  f" ({free / total:.0%}); a time is free when any one employee of the KEP can take it")

            # warm-up
            measure_days(server, session, random.Random(1), kep_ids, information, today, 20)
            measure_first(server, session, [{"category": "information", "procedure": p} for p in information[:5]])
            server.dump_profile("warm-up")

            # 3a. one KEP over 30 days
            print(f"\n(a) GET /v1/availability/days, one KEP, {today} to {today + timedelta(days=29)}")
            watch = CpuWatch(server.process.pid)
            times, failures = measure_days(server, session, random.Random(args.seed + 2), kep_ids, information,
                                           today, args.days_repeats)
            print(f"    {summary(times)}   target {TARGETS['days']}")
            print(f"    {watch.report(args.days_repeats, 'request')}")
            if failures:
                print(f"    failures: {dict(failures)}")
            profile_a = server.dump_profile("a-days")

            # 3b. the earliest free slot anywhere
            first_rng = random.Random(args.seed + 3)
            print("\n(b) GET /v1/availability/first, every KEP")
            watch = CpuWatch(server.process.pid)
            times, failures, found = measure_first(server, session, [
                {"category": "information", "procedure": first_rng.choice(information)}
                for _ in range(args.first_repeats)])
            print(f"    information:            {summary(times)}   target {TARGETS['first']}")
            print(f"    {watch.report(args.first_repeats, 'request')}")
            if failures:
                print(f"    failures: {dict(failures)}")
            if found and found[0]:
                print(f"    (first free slot found: {found[0]['start']} at {found[0]['kep_id']})")
            municipal_params = [{"category": "municipal", "procedure": first_rng.choice(municipal),
                                 "municipality": municipality} for _ in range(20)]
            times, failures, found = measure_first(server, session, municipal_params)
            print(f"    municipal ({municipality}): {summary(times)}   target {TARGETS['first']}")
            if failures:
                print(f"    failures: {dict(failures)}")
            sign_params = [{"category": "information", "procedure": first_rng.choice(information),
                            "needs": "sign_language"} for _ in range(args.first_repeats)]
            times, failures, found = measure_first(server, session, sign_params)
            print(f"    sign language:          {summary(times)}   target {TARGETS['first']}")
            if failures:
                print(f"    failures: {dict(failures)}")
            if found and found[0]:
                print(f"    (first free sign-language slot: {found[0]['start']} at {found[0]['kep_id']})")
            profile_b = server.dump_profile("b-first")

            # 3c. concurrent bookings
            print(f"\n(c) {args.clients} concurrent citizens for {args.seconds:g} s:"
                  " GET availability/slots, POST /v1/holds, POST /v1/bookings")
            booking_keps = kep_ids
            if 0 < args.keps < len(kep_ids):
                booking_keps = random.Random(args.seed + 4).sample(kep_ids, args.keps)
                print(f"    only at {args.keps} KEPs: {', '.join(booking_keps)}")
            watch = CpuWatch(server.process.pid)
            results, elapsed = run_clients(server, args.clients, args.seconds, args.seed, tax_ids,
                                           booking_keps, information, days)
            cpu_use = watch.report(results.booked, "booking")
            rate = results.booked / elapsed
            print(f"    {results.booked} bookings in {elapsed:.1f} s: {rate:.1f} bookings/s"
                  f"   target {TARGETS['bookings']}")
            print(f"    rounds {results.rounds}, no free slot that day {results.no_free_slot},"
                  f" citizens {results.citizens_used}")
            print(f"    failures by problem code: {dict(sorted(results.failures.items())) or 'none'}")
            print(f"    GET  availability/slots: {summary(results.slots_ms)}")
            print(f"    POST /v1/holds:          {summary(results.hold_ms)}")
            print(f"    POST /v1/bookings:       {summary(results.booking_ms)}")
            print(f"    hold + booking:          {summary(results.pair_ms)}")
            print(f"    {cpu_use}")
            profile_c = server.dump_profile("c-bookings")
        finally:
            server.stop()
        log = (Path(folder) / "server.log").read_text(errors="replace")
        queue_warnings = log.count("Task queue depth")
        tracebacks = log.count("Traceback (most recent call last)")
        print(f"\nserver log: {queue_warnings} waitress 'task queue depth' warnings, {tracebacks} tracebacks")
        if tracebacks:
            print(log[log.index("Traceback (most recent call last)"):][:3000])

        # 4. no employee double-booked
        total, employees, clashes, misplaced = overlap_report(database, settings.gap_minutes)
        print(f"\nverification: {total} confirmed bookings of {employees} employees;"
              f" pairs of one employee's calls closer than the {settings.gap_minutes}-minute gap: {clashes};"
              f" bookings given to another KEP's employee: {misplaced}"
              f" -> {'OK' if clashes == 0 and misplaced == 0 else 'OVERLAPS FOUND'}")
        interpreted, interpreter_clashes = interpreter_overlap_report(database, settings.gap_minutes)
        print(f"verification: {interpreted} confirmed bookings with an interpreter; pairs of one interpreter's"
              f" calls closer than the gap: {interpreter_clashes}"
              f" -> {'OK' if interpreter_clashes == 0 else 'OVERLAPS FOUND'}")

        if args.profile:
            for path, title in ((profile_a, "(a) availability/days"), (profile_b, "(b) availability/first"),
                                (profile_c, "(c) holds and bookings")):
                print_profile(path, title, 25)


if __name__ == "__main__":
    main()
