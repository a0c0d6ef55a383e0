"""Static files through WhiteNoise: gzip versions built ahead (scripts/lib.sh runs
`python -m whitenoise.compress static`), served with caching headers, before
Flask is even asked.

Pages are compressed elsewhere (kepweb/compression.py, with BREACH handled).
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
