"""Pages compressed with Flask-Compress (brotli or gzip, as the browser asks).

A wizard step is mostly markup that repeats from page to page, so compression
cuts what a citizen downloads on a phone by three quarters. Compressing a page
that holds a secret next to text an attacker can make the page reflect (a
search) invites BREACH, which reads the secret from the compressed lengths of
many responses. It is handled on two levels:

- The CSRF token, the one secret on every page, is never the same in two
  responses: it is masked with a fresh random pad each time (kepweb/security.py).
- The rest of a signed-in page (the citizen's name, answers, appointments) is
  not compressed when the request comes from another site (`Sec-Fetch-Site:
  cross-site`), which is how an attacker's page would have to ask for it
  thousands of times. The session cookie is SameSite=Lax, so such requests carry
  it only as top-level navigations, and now never get a compressed answer.
  Requests from our own pages, typed addresses and bookmarks are compressed.

Static files do not come here: WhiteNoise serves their precompressed copies
(kepweb/static_files.py).
"""

from __future__ import annotations

from flask import request
from flask_compress import Compress

from kepweb.auth import current_citizen

compress = Compress()


def _compress_unless_cross_site_and_personal(response):
    if request.headers.get("Sec-Fetch-Site") == "cross-site" and current_citizen() is not None:
        response.vary.add("Accept-Encoding")
        return response
    return compress.after_request(response)


def init_app(app):
    # We register the after_request ourselves, to leave cross-site personal pages alone.
    app.config.setdefault("COMPRESS_REGISTER", False)
    # Brotli quality 5: about a tenth smaller than Flask-Compress's default 4 for
    # our pages at the same cost (a few milliseconds for the 94 kB list of
    # municipalities); 9 and up take ten to a hundred times longer for little more.
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    # Brotli before zstd, which browsers also offer: zstd at its default level 3
    # leaves our pages a fifth larger, and even at 19 (25 times slower) no smaller.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    compress.init_app(app)
    app.after_request(_compress_unless_cross_site_and_personal)
