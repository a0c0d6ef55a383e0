"""The citizen's communication needs, kept for next time by the scheduling API: see, change, delete."""

from kepweb.profile.views import profile

__all__ = ["profile"]
