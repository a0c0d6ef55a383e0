"""The scheduling API's reference service (a Flask app of its own).

This first version answers the places endpoints of the contract; holds,
availability and bookings follow with the scheduling issue.
"""

from __future__ import annotations

import hmac

from flask import Flask, jsonify, request

from sandbox.scheduling import reference_data

DEFAULT_TOKEN = "sandbox-frontend-token"


def problem(status: int, code: str, title: str, detail: str | None = None):
    body = {"type": f"https://mykeplive.example/problems/{code}", "title": title,
            "status": status, "code": code}
    if detail:
        body["detail"] = detail
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def create_app(token: str = DEFAULT_TOKEN) -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    @app.before_request
    def require_bearer_token():
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return problem(401, "unauthorized", "A valid bearer token is required.")
        return None

    @app.get("/v1/municipalities")
    def municipalities():
        data = reference_data.places()
        return {"municipalities": [reference_data.municipality_view(m) for m in data["municipalities"]]}

    @app.get("/v1/keps")
    def keps():
        wanted = request.args.get("municipality")
        data = reference_data.places()
        if wanted and wanted not in {m["id"] for m in data["municipalities"]}:
            return problem(404, "not_found", "No such municipality.")
        chosen = [k for k in data["keps"] if not wanted or k["municipality_id"] == wanted]
        return {"keps": [reference_data.kep_view(k) for k in chosen]}

    @app.errorhandler(404)
    def not_found(_error):
        return problem(404, "not_found", "No such resource.")

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return problem(405, "method_not_allowed", "Method not allowed.")

    return app
