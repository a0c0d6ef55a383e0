"""Same-origin redirects only.

Every `next=` or return URL goes through `safe_next_url`, so a crafted link
can never send a citizen from our service to somebody else's.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next_url(candidate: str | None, fallback: str = "/") -> str:
    """Return `candidate` if it is a path on this site, otherwise `fallback`.

    Refuses absolute URLs, scheme-relative `//host` URLs and the backslash
    forms that browsers normalise into them (`/\\host`), and control characters.
    """
    if not candidate or not candidate.startswith("/"):
        return fallback
    if any(ord(char) < 0x20 or char == "\\" for char in candidate):
        return fallback
    if candidate.startswith("//"):
        return fallback
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return fallback
    return candidate
