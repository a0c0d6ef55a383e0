"""Of many simultaneous requests for one slot, exactly one wins (over real HTTP)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from stdnum.gr import vat
from werkzeug.serving import make_server

from tests.sandbox.conftest import at, athens, booking_answers, citizen_headers


def citizens(count):
    return [f"{n:08d}" + vat.calc_check_digit(f"{n:08d}") for n in range(10_000_001, 10_000_001 + count)]


def test_fifty_concurrent_holds_for_one_slot_give_exactly_one_winner(service, api):
    # One employee at kep-megisti-1 in December, so the slot exists once.
    api.put("/admin/employees/kep-megisti-1-e2/availability",
            {"availability": [{"valid_from": "2026-01-01", "valid_to": "2026-01-02",
                               "starts": "08:00", "ends": "09:00"}]})
    server = make_server("127.0.0.1", 0, service, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.port}/v1"
    start = at(athens(2026, 12, 1, 9, 0))
    barrier = threading.Barrier(50)

    def try_to_book(citizen):
        headers = citizen_headers(citizen)
        body = {"category": "information", "procedure": "maternity-benefit", "kep_id": "kep-megisti-1",
                "start": start, "needs": []}
        barrier.wait()
        hold = requests.post(f"{url}/holds", json=body, headers=headers, timeout=30)
        if hold.status_code != 201:
            return hold.json()["code"]
        booking = requests.post(f"{url}/bookings", json=booking_answers(hold.json()["id"]),
                                headers={**headers, "Idempotency-Key": citizen}, timeout=30)
        return "booked" if booking.status_code == 201 else booking.json()["code"]

    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            outcomes = list(pool.map(try_to_book, citizens(50)))
    finally:
        server.shutdown()
    assert outcomes.count("booked") == 1
    assert outcomes.count("slot_taken") == 49
    admin = api.get("/admin/bookings", admin=True).json["bookings"]
    assert len(admin) == 1
