"""The video call page, for each person in the call: the citizen, the KEP employee, an invited guest."""

from kepweb.call.views import call

__all__ = ["call"]
