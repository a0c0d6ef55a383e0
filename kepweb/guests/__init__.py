"""The invited people's side of a call: the interpreter and the third person join with their own link."""

from kepweb.guests.views import guests

__all__ = ["guests"]
