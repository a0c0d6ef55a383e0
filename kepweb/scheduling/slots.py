"""Availability, holds and bookings: never cached, always the citizen's own."""

from __future__ import annotations

from datetime import date

from kepweb.scheduling.base import ApiClient
from kepweb.scheduling.models import (
    Booking,
    BookingAllowance,
    Day,
    FirstFree,
    Hold,
    Slot,
    as_api_time,
    parse_list,
    parse_one,
)


def _place(kep_id=None, municipality_id=None) -> dict:
    params = {}
    if kep_id:
        params["kep"] = kep_id
    if municipality_id:
        params["municipality"] = municipality_id
    return params


class AvailabilityClient(ApiClient):
    def _query(self, category, procedure, needs, kep_id, municipality_id, **extra):
        return {"category": category, "procedure": procedure, "needs": ",".join(sorted(needs)),
                **_place(kep_id, municipality_id), **extra}

    def days(self, category, procedure, *, needs=(), kep_id=None, municipality_id=None,
             first: date, last: date) -> list[Day]:
        params = self._query(category, procedure, needs, kep_id, municipality_id,
                             **{"from": first.isoformat(), "to": last.isoformat()})
        return parse_list(self.get("/availability/days", params=params), "days", Day.parse)

    def slots(self, category, procedure, *, needs=(), kep_id=None, municipality_id=None, day: date) -> list[Slot]:
        params = self._query(category, procedure, needs, kep_id, municipality_id, date=day.isoformat())
        return parse_list(self.get("/availability/slots", params=params), "slots", Slot.parse)

    def first_free(self, category, procedure, *, needs=(), kep_id=None, municipality_id=None) -> FirstFree:
        payload = self.get("/availability/first",
                           params=self._query(category, procedure, needs, kep_id, municipality_id))
        return parse_one(payload, FirstFree.parse)


class HoldsClient(ApiClient):
    def hold(self, citizen_tax_id, *, category, procedure, kep_id, start, needs=(), for_booking=None) -> Hold:
        body = {"category": category, "procedure": procedure, "kep_id": kep_id, "start": as_api_time(start),
                "needs": sorted(needs)}
        if for_booking:
            body["for_booking"] = for_booking
        return parse_one(self.post("/holds", json=body, citizen_tax_id=citizen_tax_id), Hold.parse)

    def get_hold(self, citizen_tax_id, hold_id) -> Hold:
        return parse_one(self.get(f"/holds/{hold_id}", citizen_tax_id=citizen_tax_id), Hold.parse)

    def extend(self, citizen_tax_id, hold_id) -> Hold:
        return parse_one(self.post(f"/holds/{hold_id}/extend", citizen_tax_id=citizen_tax_id), Hold.parse)

    def change_needs(self, citizen_tax_id, hold_id, needs) -> Hold:
        return parse_one(self.patch(f"/holds/{hold_id}", json={"needs": sorted(needs)},
                                    citizen_tax_id=citizen_tax_id), Hold.parse)

    def release(self, citizen_tax_id, hold_id) -> None:
        self.delete(f"/holds/{hold_id}", citizen_tax_id=citizen_tax_id)


class BookingsClient(ApiClient):
    def allowance(self, citizen_tax_id) -> BookingAllowance:
        return parse_one(self.get("/booking-allowance", citizen_tax_id=citizen_tax_id), BookingAllowance.parse)

    def book(self, citizen_tax_id, answers: dict, *, idempotency_key: str) -> Booking:
        """Book from a hold. The same key sent again (a retry, a double click) books once."""
        return parse_one(self.post("/bookings", json=answers, citizen_tax_id=citizen_tax_id,
                                   idempotency_key=idempotency_key), Booking.parse)

    def get_booking(self, citizen_tax_id, reference) -> Booking:
        return parse_one(self.get(f"/bookings/{reference}", citizen_tax_id=citizen_tax_id), Booking.parse)

    def bookings(self, citizen_tax_id) -> list[Booking]:
        return parse_list(self.get("/bookings", citizen_tax_id=citizen_tax_id), "bookings", Booking.parse)

    def reschedule(self, citizen_tax_id, reference, hold_id, *, idempotency_key: str) -> Booking:
        return parse_one(self.post(f"/bookings/{reference}/reschedule", json={"hold_id": hold_id},
                                   citizen_tax_id=citizen_tax_id, idempotency_key=idempotency_key), Booking.parse)

    def cancel(self, citizen_tax_id, reference) -> Booking:
        return parse_one(self.post(f"/bookings/{reference}/cancel", citizen_tax_id=citizen_tax_id), Booking.parse)
