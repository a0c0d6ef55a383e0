"""My appointments: the citizen's own bookings."""

from kepweb.appointments.views import appointments

__all__ = ["appointments"]
