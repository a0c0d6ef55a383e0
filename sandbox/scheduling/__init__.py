"""Reference implementation of the scheduling API (api/scheduling.openapi.yaml)."""

from sandbox.scheduling.service import create_app
from sandbox.scheduling.settings import Settings

__all__ = ["create_app", "Settings"]
