"""The booking wizard: category to confirmation, one question per page."""

from kepweb.booking.views import booking

__all__ = ["booking"]
