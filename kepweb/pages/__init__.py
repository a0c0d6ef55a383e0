"""Information pages: home, manual, municipalities, accessibility, privacy, feedback."""

from kepweb.pages.views import pages

__all__ = ["pages"]
