"""Janus, the WebRTC server that hosts the calls: its config, its process, its rooms.

- `sandbox.janus.config.write_config`: a config folder from the templates in this package.
- `sandbox.janus.process.JanusProcess`: start, stop, and the URLs for backend and browsers.
- `sandbox.janus.rooms.JanusRooms`: the backend's client for a booking's VideoRoom and TextRoom.
"""

from sandbox.janus.process import JanusProcess
from sandbox.janus.rooms import CallServerUnavailable, JanusRooms

__all__ = ["CallServerUnavailable", "JanusProcess", "JanusRooms"]
