"""Client of the scheduling API (the contract is api/scheduling.openapi.yaml).

One client class per API resource, all sharing `ApiClient` for the base URL,
the bearer token, timeouts, retries and the mapping of failures to our own
exceptions. Views reach them through `clients()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from kepweb.scheduling.base import (
    ApiClient,
    NotFound,
    SchedulingProblem,
    SchedulingUnavailable,
    TooManyActiveBookings,
)
from kepweb.scheduling.call_access import CallAccessClient
from kepweb.scheduling.catalogue import CategoriesClient, PlacesClient, ProceduresClient
from kepweb.scheduling.documents import DocumentsClient
from kepweb.scheduling.operations import OperationsClient
from kepweb.scheduling.people import InvitationsClient, NeedsProfilesClient
from kepweb.scheduling.resilience import breaker_from_config, bulkhead_from_config
from kepweb.scheduling.slots import AvailabilityClient, BookingsClient, HoldsClient
from kepweb.scheduling.staff import StaffClient
from kepweb.scheduling.staff_calls import StaffCallsClient
from kepweb.scheduling.staff_statistics import StaffStatisticsClient

__all__ = ["ApiClient", "SchedulingUnavailable", "SchedulingProblem", "NotFound", "TooManyActiveBookings", "Clients",
           "clients", "init_app"]


@dataclass(frozen=True)
class Clients:
    categories: CategoriesClient
    places: PlacesClient
    procedures: ProceduresClient
    availability: AvailabilityClient
    holds: HoldsClient
    bookings: BookingsClient
    documents: DocumentsClient
    needs_profiles: NeedsProfilesClient
    invitations: InvitationsClient
    staff: StaffClient
    staff_calls: StaffCallsClient
    staff_statistics: StaffStatisticsClient
    operations: OperationsClient
    call_access: CallAccessClient


def init_app(app):
    config = app.config
    # One breaker for all the clients: one API, so when it fails, it fails for all of them. And one bulkhead:
    # the cap is on the process's threads waiting on that API, whichever client they call through.
    shared = {"breaker": breaker_from_config(config), "bulkhead": bulkhead_from_config(config)}
    app.extensions["scheduling"] = Clients(
        categories=CategoriesClient(config, **shared), places=PlacesClient(config, **shared),
        procedures=ProceduresClient(config, **shared), availability=AvailabilityClient(config, **shared),
        holds=HoldsClient(config, **shared), bookings=BookingsClient(config, **shared),
        documents=DocumentsClient(config, **shared), needs_profiles=NeedsProfilesClient(config, **shared),
        invitations=InvitationsClient(config, **shared), staff=StaffClient(config, **shared),
        staff_calls=StaffCallsClient(config, **shared), staff_statistics=StaffStatisticsClient(config, **shared),
        operations=OperationsClient(config, **shared), call_access=CallAccessClient(config, **shared),
    )


def clients() -> Clients:
    return current_app.extensions["scheduling"]
