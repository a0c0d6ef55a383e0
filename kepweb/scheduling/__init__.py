"""Client of the scheduling API (the contract is api/scheduling.openapi.yaml).

One client class per API resource, all sharing `ApiClient` for the base URL,
the bearer token, timeouts and the mapping of failures to our own exceptions.
"""

from kepweb.scheduling.base import ApiClient, SchedulingUnavailable, SchedulingProblem
from kepweb.scheduling.places import PlacesClient

__all__ = ["ApiClient", "SchedulingUnavailable", "SchedulingProblem", "PlacesClient", "init_app"]


def init_app(app):
    app.extensions["scheduling.places"] = PlacesClient(app.config)
