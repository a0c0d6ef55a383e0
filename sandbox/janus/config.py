"""Janus's configuration folder, written from the templates beside this module.

Only what the call needs is loaded: the VideoRoom and TextRoom plugins, the HTTP transport
(the backend's room management and the admin API, both on 127.0.0.1) and the WebSockets
transport (the browsers' signalling). Every other plugin, transport, logger and event
handler Debian ships is named in a `disable` list, so a new package version that adds one
is not loaded either. No demo rooms, no STUN server, and never Debian's default secret.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).resolve().parent / "templates"

# What Debian's janus.jcfg calls Debian's default admin secret; refused here.
DEBIAN_DEFAULT_ADMIN_SECRET = "janusoverlord"

WANTED = {
    "plugins": {"libjanus_videoroom.so", "libjanus_textroom.so"},
    "transports": {"libjanus_http.so", "libjanus_websockets.so"},
    "loggers": set(),
    "events": set(),
}


def library_folder() -> Path:
    """Where Debian put Janus's plugins (a multiarch path, e.g. /usr/lib/x86_64-linux-gnu/janus)."""
    if os.environ.get("JANUS_LIBRARY_FOLDER"):
        return Path(os.environ["JANUS_LIBRARY_FOLDER"])
    found = sorted(glob.glob("/usr/lib/*/janus/plugins")) + sorted(glob.glob("/usr/lib/janus/plugins"))
    if not found:
        raise FileNotFoundError("Janus's plugins folder was not found: is Debian's package janus installed?")
    return Path(found[0]).parent


def unwanted(library: Path, kind: str) -> str:
    """Comma-separated file names of the modules of this kind that must not load."""
    present = {path.name for path in (library / kind).glob("*.so")}
    return ",".join(sorted(present - WANTED[kind]))


def write_config(folder, *, admin_secret: str, room_admin_key: str, http_port: int, ws_port: int,
                 ws_ip: str = "127.0.0.1", ice_interfaces=None, recordings=None, allow_origin=None,
                 admin_port: int | None = None, debug_level: int = 4) -> Path:
    """Write the five .jcfg files into `folder` and return the path of janus.jcfg.

    `ice_interfaces`: interface names (or IPs) Janus may gather candidates on; None lets it
    use every interface but loopback. `recordings`: the folder Janus runs in, so that any
    recording that somehow started would land there, where a test can look (default
    folder/"recordings"). `admin_port`: the admin API's port (default http_port + 1).
    """
    if admin_secret == DEBIAN_DEFAULT_ADMIN_SECRET:
        raise ValueError("Debian's default admin secret is public: generate one")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    Path(recordings or folder / "recordings").mkdir(parents=True, exist_ok=True)
    library = library_folder()
    values = {
        "configs_folder": str(folder),
        "library_folder": str(library),
        "debug_level": debug_level,
        "admin_secret": admin_secret,
        "room_admin_key": room_admin_key,
        "http_port": http_port,
        "admin_port": admin_port or http_port + 1,
        "ws_port": ws_port,
        "ws_ip": ws_ip,
        "ice_enforce_line": ice_enforce_line(ice_interfaces),
        "cors_lines": cors_lines(allow_origin),
        **{f"disabled_{kind}": unwanted(library, kind) for kind in WANTED},
    }
    for template in TEMPLATES.glob("*.jcfg"):
        text = Template(template.read_text(encoding="utf-8")).substitute(values)
        (folder / template.name).write_text(text, encoding="utf-8")
    return folder / "janus.jcfg"


def ice_enforce_line(interfaces) -> str:
    if not interfaces:
        return ""
    if isinstance(interfaces, str):
        interfaces = [interfaces]
    return f'\tice_enforce_list = "{",".join(interfaces)}"'


def cors_lines(allow_origin: str | None) -> str:
    # Without an origin Janus answers any origin with "*"; with one it also refuses the others.
    if not allow_origin:
        return ""
    return f'\tallow_origin = "{allow_origin}"\n\tenforce_cors = true'
