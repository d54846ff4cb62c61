"""Rate limits per user, counted in the cache (stricter for new accounts): posting threads
and replies, and the similar-threads lookups the composer makes while a fan types.

Fixed windows: each rule is (how many, per how many seconds). Staff are not limited.
Production sets CACHE_URL to Redis so that every gunicorn worker shares the counters.
Settings may override the rules with FORUM_RATE_LIMITS = {"new": {...}, "member": {...}}.

Counting is one atomic increment whose result decides (Redis INCR), never a read and a
later write: 30 simultaneous posts from one fan let exactly the limit through.

When the cache does not answer, the limits fail open with a warning in the log: a fan's
post is saved whatever the cache does. Falling back to counting rows in the database was
weighed and not chosen: a count followed by an insert is the read-then-write race that
atomic counters exist to avoid, it adds queries to PostgreSQL at the moment it serves
every page uncached, and the similar-threads lookups leave no rows to count. Posting
still needs a verified account, and an outage is short and shows on /healthz.
"""

import contextlib
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from config.cache import CacheUnavailable

logger = logging.getLogger(__name__)

NEW_ACCOUNT_AGE = timedelta(days=3)
# The composer asks for similar threads at most every 300 ms while typing and skips repeats:
# 20 in 10 s is a fast typist, 600 an hour is writing thirty threads.
_SIMILAR = [(20, 10), (600, 3600)]
DEFAULT_RULES = {
    "new": {"thread": [(1, 120), (3, 3600)], "post": [(1, 30), (10, 3600)], "similar": _SIMILAR},
    "member": {"thread": [(1, 30), (10, 3600)], "post": [(1, 10), (60, 3600)], "similar": _SIMILAR},
}


def _rules(user, action: str) -> list[tuple[int, int]]:
    rules = getattr(settings, "FORUM_RATE_LIMITS", DEFAULT_RULES)
    tier = "new" if timezone.now() - user.date_joined < NEW_ACCOUNT_AGE else "member"
    return rules.get(tier, {}).get(action, DEFAULT_RULES[tier][action])


def hit(key: str, period: int) -> int:
    """Add one to the counter ``key``, which lives ``period`` seconds, and return its new
    value. Atomic (add-then-incr); raises CacheUnavailable when the cache does not answer."""
    for _ in range(2):
        cache.add(key, 0, timeout=period)
        with contextlib.suppress(ValueError):  # expired between add and incr: once more
            return cache.incr(key)
    raise CacheUnavailable(key)


def consume(user, action: str) -> int:
    """Count one ``action`` ("thread", "post" or "similar") for ``user``.

    Returns 0 when allowed, otherwise the number of seconds to wait (nothing counted).
    """
    if user.is_staff:
        return 0
    now = int(time.time())
    counted = []
    for limit, period in _rules(user, action):
        window = now - now % period
        key = f"forum:rl:{action}:{user.pk}:{period}:{window}"
        try:
            count = hit(key, period)
        except CacheUnavailable:
            logger.warning("rate limit not enforced (cache down): %s by user %s", action, user.pk)
            return 0
        counted.append(key)
        if count > limit:
            # Give the refused attempt back, so that only what was let through counts.
            for key in counted:
                with contextlib.suppress(ValueError, CacheUnavailable):
                    cache.decr(key)
            return window + period - now
    return 0
