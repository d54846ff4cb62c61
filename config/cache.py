"""The cache backend: Django's RedisCache, made to keep the site up while Redis is down.

Nothing in Tanggap needs the cache to be right, only to be fast: pages, fragments, counts
and the feed are rebuilt from PostgreSQL on a miss, and rate limits fail open. So while
Redis does not answer, a read misses, a write is dropped (``add`` says it added, so that
a lock taken with it is free) and a request is served uncached, with one warning in the
log when the cache goes down and one when it is back.
After a failure the backend leaves Redis alone for ``retry_seconds`` (per process): with
an unreachable host each attempt would wait for the connect timeout, and a page makes
several. Counters are the exception: ``incr`` (and ``decr``) raise ``CacheUnavailable``,
because their callers (rate limits) must know that nothing was counted.

Measured by bench/faults/cache_overhead.py: the wrapper costs 0.2 microseconds a call,
lost in the noise of a Redis round trip; while Redis is down a call costs under a
microsecond instead of a refused connection (about 500 microseconds on this machine).

Django's client makes a new ``redis.Redis`` for every call, and each builds its table of
about 170 reply callbacks: a page making five cache calls spent about 0.6 ms on that
alone (profile of the thread page, bench/forum/inprocess.py). A ``redis.Redis`` is
meant to be shared (it only borrows connections from its pool): one per pool here.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The cache did not answer, so a counter could not be read or changed."""


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, with one ``redis.Redis`` per connection pool, not per call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSafeRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are skipped while Redis is unreachable."""

    retry_seconds = 2.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._down_until = 0.0
        self._down = False

    def _attempt(self, call, fallback, *args, **kwargs):
        if self._down and time.monotonic() < self._down_until:
            return fallback
        try:
            result = call(*args, **kwargs)
        except RedisError as error:
            self._down_until = time.monotonic() + self.retry_seconds
            if not self._down:
                self._down = True
                logger.warning(
                    "cache unavailable, serving uncached: %s: %s", type(error).__name__, error
                )
            return fallback
        if self._down:
            self._down = False
            logger.warning("cache available again")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # While down, answer "added": no one else can hold the key either, and a caller
        # using add as a lock (allauth's rate limits) goes on instead of waiting for it.
        return self._attempt(super().add, True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._attempt(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._attempt(super().delete_many, None, keys, version)

    def clear(self):
        return self._attempt(super().clear, False)

    def incr(self, key, delta=1, version=None):
        """Atomic (Redis INCRBY); ``decr`` comes here too. Raises CacheUnavailable."""
        missing = object()
        result = self._attempt(super().incr, missing, key, delta, version)
        if result is missing:
            raise CacheUnavailable(key)
        return result
