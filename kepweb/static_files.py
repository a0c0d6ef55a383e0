"""Static files through WhiteNoise: gzip versions built ahead (scripts/lib.sh runs
`python -m whitenoise.compress static`), served with caching headers, before
Flask is even asked.

Only static files are compressed. Pages are not: they carry the CSRF token next
to text the citizen typed, and compressing that over TLS invites BREACH.
"""

from __future__ import annotations

from whitenoise import WhiteNoise


def _add_security_headers(headers, _path, _url):
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app, static_root):
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=str(static_root),
        prefix="static/",
        max_age=app.config.get("STATIC_MAX_AGE", 3600),
        add_headers_function=_add_security_headers,
    )
