"""The scheduling API's reference service: a Flask app of its own, thin routes
over `Scheduling` (holds and bookings), `Availability` and the admin functions."""

from __future__ import annotations

import hmac
import logging
from datetime import date, timedelta

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException, NotFound

from sandbox.scheduling import (
    access_log,
    admin,
    assertion,
    documents,
    interpreter_admin,
    invitations,
    mailer,
    meetings,
    needs_profiles,
    retention,
    staff,
    staff_calls,
    staff_operations,
    statistics,
)
from sandbox.scheduling.availability import Availability
from sandbox.scheduling.bookings import Scheduling, iso
from sandbox.scheduling.calendar_rules import athens_day
from sandbox.scheduling.catalogue import categories_view, needs_view, slot_minutes
from sandbox.scheduling.db import Database
from sandbox.scheduling.interpreters import needs_interpreter
from sandbox.scheduling.problems import Problem, field_error, respond
from sandbox.scheduling.settings import Settings
from sandbox.scheduling.validation import Checker, check_category, json_body, needs_list

log = logging.getLogger(__name__)

DEFAULT_TOKEN = Settings.frontend_token
ADMIN_PATHS = "/v1/admin/"
# Set by `admin_listener` on the requests that came in through the admin's own port.
ADMIN_LISTENER = "sandbox.scheduling.admin_listener"
# Where the admin API answers: beside the frontend's API (the embedded default, the tests), or only on a
# listener of its own (`admin_listener`, python -m sandbox), so that the frontend's port cannot reach it.
ADMIN_SHARED, ADMIN_OWN_LISTENER = "shared", "own listener"


def create_app(settings: Settings | None = None, token: str | None = None,
               admin_api: str = ADMIN_SHARED) -> Flask:
    """The service; with `admin_api=ADMIN_OWN_LISTENER`, /v1/admin/... answers 404 except through
    `admin_listener(app)`."""
    if admin_api not in (ADMIN_SHARED, ADMIN_OWN_LISTENER):
        raise ValueError(f"admin_api must be {ADMIN_SHARED!r} or {ADMIN_OWN_LISTENER!r}")
    settings = settings or Settings.from_environment()
    if token:
        settings.frontend_token = token
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    database = Database(settings.database)
    scheduling = Scheduling(database, settings)
    app.extensions["scheduling"] = scheduling
    scheduling.meetings = meetings.Meetings(scheduling)
    assertion_key = assertion.assertion_key(settings.citizen_assertion_key)
    if settings.background_loops:
        mailer.start_background_loops(scheduling)
        retention.start_background_loop(scheduling)
        meetings.start_background_loop(scheduling.meetings)

    access_log.register(app)

    @app.before_request
    def authenticate():
        given = request.headers.get("Authorization", "").encode()
        admin_path = request.path.startswith(ADMIN_PATHS)
        if admin_path and admin_api == ADMIN_OWN_LISTENER and not request.environ.get(ADMIN_LISTENER):
            # As if it did not exist: the frontend's port says nothing of an admin API, token or not.
            raise Problem("not_found")
        wanted = settings.admin_token if admin_path else settings.frontend_token
        if not hmac.compare_digest(given, f"Bearer {wanted}".encode()):
            raise Problem("unauthorized")
        # The token identifies the frontend; the citizen, or the member of the KEP staff, is believed only on
        # the frontend's signed assertion (one key signs both kinds, their `typ` tells them apart).
        g.citizen = assertion.verified_citizen(request.headers.get(assertion.HEADER), assertion_key)
        g.staff_subject = assertion.verified_staff(request.headers.get(assertion.STAFF_HEADER), assertion_key)

    def citizen() -> str:
        if not g.citizen:
            raise Problem("unauthorized", detail=f"{assertion.HEADER} must be a valid, unexpired assertion of the "
                                                 "citizen, signed by the frontend.")
        if assertion.STAFF_HEADER in request.headers:
            # As a staff route refuses a citizen's assertion: one request acts for one person.
            raise Problem("unauthorized", detail="A citizen's route acts for a citizen, never for a staff member too.")
        return g.citizen

    # -- reference data ------------------------------------------------------------

    @app.get("/v1/categories")
    def categories():
        return {"categories": categories_view(), "needs": needs_view()}

    @app.get("/v1/municipalities")
    def municipalities():
        rows = database.read().execute(
            "SELECT * FROM municipalities WHERE id IN (SELECT municipality_id FROM keps WHERE active=1)"
            " ORDER BY name_el")
        return {"municipalities": [
            {"id": r["id"], "name": {"el": r["name_el"], "en": r["name_en"]},
             "region": {"el": r["region_el"], "en": r["region_en"]}} for r in rows]}

    @app.get("/v1/keps")
    def keps():
        wanted = request.args.get("municipality")
        connection = database.read()
        if wanted and not connection.execute("SELECT 1 FROM municipalities WHERE id=?", (wanted,)).fetchone():
            raise Problem("not_found", detail="No such municipality.")
        return {"keps": admin.keps_view(connection, wanted)}

    @app.get("/v1/procedures")
    def procedures():
        category = check_category(request.args.get("category"))
        municipality = request.args.get("municipality")
        connection = database.read()
        if category == "municipal":
            if not municipality:
                raise Problem("validation", errors={"municipality": field_error(
                    "Επιλέξτε δήμο", "Choose a municipality")})
            rows = connection.execute(
                "SELECT p.* FROM procedures p JOIN municipal_procedures m ON m.procedure_id = p.id"
                " WHERE m.municipality_id=? ORDER BY p.title_el", (municipality,))
        else:
            rows = connection.execute("SELECT * FROM procedures WHERE category=? ORDER BY title_el", (category,))
        return {"procedures": [
            {"id": r["id"], "category": r["category"], "title": {"el": r["title_el"], "en": r["title_en"]},
             "keywords": {"el": r["keywords_el"], "en": r["keywords_en"]}} for r in rows]}

    # -- availability ----------------------------------------------------------------

    def availability_request():
        args = request.args
        checker = Checker(dict(args))
        category = check_category(args.get("category"))
        needs = needs_list(checker, [n for n in args.get("needs", "").split(",") if n])
        checker.raise_if_any()
        connection = database.read()
        scheduling._procedure(connection, category, args.get("procedure"), kep_id=args.get("kep"),
                              municipality_id=args.get("municipality"))
        if category == "municipal" and not (args.get("kep") or args.get("municipality")):
            raise Problem("validation", errors={"municipality": field_error(
                "Επιλέξτε ΚΕΠ του δήμου σας", "Choose a KEP of your municipality")})
        engine = Availability(connection, settings, scheduling.now(), with_interpreter=needs_interpreter(needs))
        kep_ids = engine.keps_for(args.get("kep"), args.get("municipality"))
        if args.get("kep") and category == "municipal" and args.get("municipality"):
            kep_ids = [k for k in kep_ids if k in engine.keps_for(None, args["municipality"])]
        if (args.get("kep") or args.get("municipality")) and not kep_ids:
            raise Problem("not_found", detail="No such KEP or municipality.")
        return engine, kep_ids, slot_minutes(category, needs)

    def parse_day(name, default=None) -> date:
        raw = request.args.get(name)
        if raw is None and default is not None:
            return default
        try:
            return date.fromisoformat(raw)
        except (TypeError, ValueError):
            raise Problem("validation", errors={name: field_error("Η ημερομηνία δεν είναι έγκυρη",
                                                                  "The date is not valid")}) from None

    @app.get("/v1/availability/days")
    def availability_days():
        engine, kep_ids, length = availability_request()
        first = parse_day("from", default=athens_day(scheduling.now()))
        last = parse_day("to", default=min(first, date.max - timedelta(days=13)) + timedelta(days=13))
        if (last - first).days > 62 or last < first:
            raise Problem("validation", errors={"to": field_error("Έως 62 ημέρες", "At most 62 days")})
        return {"slot_minutes": length,
                "days": [{"date": day.isoformat(), "free_slots": count}
                         for day, count in engine.days(first, last, length, kep_ids)]}

    @app.get("/v1/availability/slots")
    def availability_slots():
        engine, kep_ids, length = availability_request()
        day = parse_day("date")
        chosen = {}
        for slot in engine.slots_on(day, length, kep_ids):
            chosen.setdefault(slot.starts, slot)  # one KEP per time: the first free one
        return {"slot_minutes": length, "slots": [
            {"start": iso(slot.starts), "end": iso(slot.ends), "kep_id": slot.kep_id}
            for slot in sorted(chosen.values(), key=lambda s: s.starts)]}

    @app.get("/v1/availability/first")
    def availability_first():
        engine, kep_ids, length = availability_request()
        slot = engine.first_free(length, kep_ids)
        return {"slot_minutes": length,
                "slot": {"start": iso(slot.starts), "end": iso(slot.ends), "kep_id": slot.kep_id} if slot else None,
                "limited_by": None if slot else engine.limited_by(length, kep_ids)}

    # -- holds -------------------------------------------------------------------------

    @app.post("/v1/holds")
    def create_hold():
        return scheduling.create_hold(citizen(), json_body()), 201

    @app.get("/v1/holds/<hold_id>")
    def get_hold(hold_id):
        return scheduling.get_hold(citizen(), hold_id)

    @app.post("/v1/holds/<hold_id>/extend")
    def extend_hold(hold_id):
        return scheduling.extend_hold(citizen(), hold_id)

    @app.patch("/v1/holds/<hold_id>")
    def change_hold(hold_id):
        return scheduling.change_hold_needs(citizen(), hold_id, json_body())

    @app.delete("/v1/holds/<hold_id>")
    def release_hold(hold_id):
        scheduling.release_hold(citizen(), hold_id)
        return "", 204

    # -- bookings ----------------------------------------------------------------------

    def idempotency_key():
        key = request.headers.get("Idempotency-Key")
        if key is not None and not (1 <= len(key) <= 200):
            raise Problem("validation", errors={"Idempotency-Key": field_error(
                "Μη έγκυρο κλειδί", "Not a valid key")})
        return key

    @app.get("/v1/booking-allowance")
    def booking_allowance():
        return scheduling.allowance(citizen())

    @app.post("/v1/bookings")
    def create_booking():
        status, view = scheduling.create_booking(citizen(), json_body(), idempotency_key())
        return view, status

    @app.get("/v1/bookings")
    def list_bookings():
        return {"bookings": scheduling.list_bookings(citizen())}

    @app.get("/v1/bookings/<reference>")
    def get_booking(reference):
        return scheduling.get_booking(citizen(), reference)

    @app.post("/v1/bookings/<reference>/reschedule")
    def reschedule(reference):
        status, view = scheduling.reschedule(citizen(), reference, json_body(), idempotency_key())
        return view, status

    @app.post("/v1/bookings/<reference>/cancel")
    def cancel(reference):
        return scheduling.cancel(citizen(), reference)

    admin.register(app, scheduling)
    interpreter_admin.register(app, scheduling)
    invitations.register(app, scheduling)
    needs_profiles.register(app, scheduling, citizen)
    staff.register(app, scheduling)
    staff_calls.register(app, scheduling)
    statistics.register(app, scheduling)
    staff_operations.register(app, scheduling)
    documents.register(app, scheduling, citizen)
    meetings.register(app, scheduling, citizen)

    # -- errors ------------------------------------------------------------------------

    @app.errorhandler(Problem)
    def problem(error):
        if error.audit:
            scheduling.log_alone(*error.audit)
        if error.staff_audit:
            scheduling.log_staff_alone(*error.staff_audit)
        return respond(error)

    @app.errorhandler(HTTPException)
    def http_error(error):
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.code)
        if code:
            return respond(Problem(code))
        response = jsonify({"type": "about:blank", "title": error.name, "status": error.code, "code": "bad_request"})
        response.status_code = error.code
        response.mimetype = "application/problem+json"
        return response

    return app


def admin_listener(app: Flask):
    """The WSGI app for the admin's own port: /v1/admin/... of `app` (made with admin_api=ADMIN_OWN_LISTENER),
    404 for everything else, so that neither port serves what belongs to the other."""
    not_found = NotFound()

    def serve_admin_only(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(ADMIN_PATHS):
            return not_found(environ, start_response)
        environ[ADMIN_LISTENER] = True
        return app(environ, start_response)
    return serve_admin_only
