"""Static files through WhiteNoise: gzip versions built ahead (scripts/lib.sh runs
`python -m whitenoise.compress static`), served with caching headers, before
Flask is even asked.

The call page's two scripts come from Debian's packages, not from static/: `janus.js`
(libjs-janus-gateway) and `adapter.js` (libjs-webrtc-adapter, which janus.js needs) are
served from `CALL_SCRIPTS_DIR` (default /usr/share/javascript) under /static/vendor/, so that
a security update of the package reaches the page without a commit here. Their URLs carry
the file's modification time (`call_script_url`), so they can be cached for a year.

Pages are compressed elsewhere (kepweb/compression.py, with BREACH handled).
"""

from __future__ import annotations

from pathlib import Path

from flask import url_for
from whitenoise import WhiteNoise

# Folder under CALL_SCRIPTS_DIR -> URL prefix; the Debian package that fills it.
CALL_SCRIPT_FOLDERS = {
    "janus-gateway": "static/vendor/janus-gateway/",  # libjs-janus-gateway
    "webrtc-adapter": "static/vendor/webrtc-adapter/",  # libjs-webrtc-adapter
}
ONE_YEAR = 365 * 24 * 3600


def _add_security_headers(headers, _path, url):
    headers["X-Content-Type-Options"] = "nosniff"
    if any(url.startswith(f"/{prefix}") for prefix in CALL_SCRIPT_FOLDERS.values()):
        headers["Cache-Control"] = f"max-age={ONE_YEAR}, public"


def init_app(app, static_root):
    wsgi = WhiteNoise(
        app.wsgi_app,
        root=str(static_root),
        prefix="static/",
        max_age=app.config.get("STATIC_MAX_AGE", 3600),
        add_headers_function=_add_security_headers,
    )
    scripts = Path(app.config.get("CALL_SCRIPTS_DIR", "/usr/share/javascript"))
    for folder, prefix in CALL_SCRIPT_FOLDERS.items():
        if (scripts / folder).is_dir():
            wsgi.add_files(str(scripts / folder), prefix=prefix)
    app.wsgi_app = wsgi

    def call_script_url(filename: str) -> str:
        """/static/vendor/<folder>/<file>?v=<mtime>: a new URL when Debian updates the file."""
        folder, _, name = filename.partition("/")
        try:
            version = int((scripts / folder / name).stat().st_mtime)
        except OSError:
            version = 0
        return url_for("static", filename=f"vendor/{filename}", v=version)

    app.jinja_env.globals["call_script_url"] = call_script_url
