"""The one store behind sessions, the wizard's answers and the uploads (and, by default, the fair-use counters).

On a laptop it is a folder of files (cachelib's FileSystemCache, KEPWEB_SESSION_DIRECTORY). With several
instances behind a balancer that sends each request wherever it likes, every instance must see what any
other wrote a moment before: with KEPWEB_REDIS_URL set the store is Redis (cachelib's RedisCache, the same
interface, so Flask-Session, `kepweb.booking.state` and `kepweb.booking.documents` use it unchanged), and
Flask-Limiter counts in the same Redis unless KEPWEB_RATELIMIT_STORAGE_URI names another.

Production refuses to start on files or on counters in process memory (`refuse_unshared`): each instance
would keep its own, so a citizen sent to another instance would lose their sign-in and answers, and each
instance would count fair use alone.
"""

from __future__ import annotations

from pathlib import Path

import redis
from cachelib import FileSystemCache, RedisCache
from cachelib.base import BaseCache

from kepweb.config import ConfigError
from kepweb.health import OK, add_readiness_check

# Seconds to connect to Redis and for each answer: it is on the same network and answers in a
# millisecond; a Redis that does not answer in this fails the request rather than holding its thread.
REDIS_CONNECT_TIMEOUT = 1
REDIS_TIMEOUT = 2
# Every key this service writes starts with this, so that the Redis can be shared with others.
KEY_PREFIX = "kepweb:"
MEMORY_STORAGE = "memory://"


def refuse_unshared(config) -> None:
    """In production, refuse a store or counters that one instance keeps to itself."""
    if not config.get("KEPWEB_PRODUCTION"):
        return
    if not config.get("REDIS_URL"):
        raise ConfigError(
            "Not acceptable: sessions, wizard answers and uploads kept in files in production (each instance "
            "would have its own, and a citizen sent to another one would lose them). Set KEPWEB_REDIS_URL, "
            "e.g. redis://127.0.0.1:6379/0. See README.md, \"Production stack\".")
    if config.get("RATELIMIT_STORAGE_URI", MEMORY_STORAGE).startswith(MEMORY_STORAGE):
        raise ConfigError(
            "Not acceptable: limits kept in process memory in production (each instance would count alone, "
            "and a restart forgets them). Leave KEPWEB_RATELIMIT_STORAGE_URI unset to count in KEPWEB_REDIS_URL, "
            "or name a redis:// storage.")


def redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=REDIS_CONNECT_TIMEOUT, socket_timeout=REDIS_TIMEOUT,
                                health_check_interval=30)


def build(config, client: redis.Redis | None = None) -> BaseCache:
    """The store the configuration names: Redis (through `client`) when KEPWEB_REDIS_URL is set, else files."""
    lifetime = int(config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    if client is not None:
        return RedisCache(host=client, key_prefix=KEY_PREFIX, default_timeout=lifetime)
    directory = Path(config["SESSION_DIRECTORY"])
    directory.mkdir(parents=True, exist_ok=True)
    return FileSystemCache(cache_dir=str(directory), threshold=100_000, default_timeout=lifetime)


def redis_answers(client: redis.Redis):
    """A readiness check: Redis answers a PING (no key is read or written)."""
    def check() -> str:
        try:
            client.ping()
        except redis.TimeoutError:
            return "timed out"
        except redis.RedisError as error:
            return f"unreachable ({type(error).__name__})"
        return OK
    return check


def init_app(app) -> None:
    """Before sessions and limits: give them the store and the counters' storage."""
    config = app.config
    # Unset (empty): the counters go where the store is, Redis or, on a laptop, this process's memory.
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or MEMORY_STORAGE
    if config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                                                         "socket_timeout": REDIS_TIMEOUT})
    refuse_unshared(config)
    client = redis_client(config["REDIS_URL"]) if config.get("REDIS_URL") else None
    if client is not None:
        add_readiness_check(app, "redis", redis_answers(client))
    if "SESSION_CACHELIB" not in config:  # a store given by the caller (a test's) is kept
        config["SESSION_CACHELIB"] = build(config, client)
