"""Which X-Forwarded-* headers the service believes: only those of the proxies it is told are in front.

Behind nginx terminating TLS, kepweb sees plain http from 127.0.0.1; only the proxy's headers say the
citizen came over https, to which host, from which address. Believing them from anyone would let a
visitor who reaches the service directly claim https (no redirect, HSTS sent over http) or another
host (links and sign-in redirect URIs built on it), so they are believed only when
KEPWEB_TRUSTED_PROXIES says how many proxies are in front, and then, as werkzeug's ProxyFix does,
only the values those proxies appended (counted from the right), never what the visitor wrote before.

The raw headers are removed once read: Flask-Talisman reads X-Forwarded-Proto itself to decide on the
HTTPS redirect and HSTS, and nothing downstream should see more than what was believed.
"""

from __future__ import annotations

from werkzeug.middleware.proxy_fix import ProxyFix

# Every header that claims something about the hop before this one (the WSGI environ's names).
FORWARDED_HEADERS = ("HTTP_FORWARDED", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_X_FORWARDED_BY")


def _without_forwarded_headers(wsgi_app):
    def app_without_forwarded_headers(environ, start_response):
        for name in FORWARDED_HEADERS:
            environ.pop(name, None)
        return wsgi_app(environ, start_response)
    return app_without_forwarded_headers


def trust_proxies(wsgi_app, count: int):
    """`wsgi_app` behind `count` trusted proxies (0: none, every forwarded header is dropped unread)."""
    inner = _without_forwarded_headers(wsgi_app)
    if count == 0:
        return inner
    # The app is served at the site's root, so X-Forwarded-Prefix is not believed (x_prefix=0).
    return ProxyFix(inner, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=0)
