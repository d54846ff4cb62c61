"""Rate limits per user, counted in the cache (stricter for new accounts): posting threads
and replies, and the similar-threads lookups the composer makes while a fan types.

Fixed windows: each rule is (how many, per how many seconds). Staff are not limited.
Production sets CACHE_URL to Redis so that every gunicorn worker shares the counters.
Settings may override the rules with FORUM_RATE_LIMITS = {"new": {...}, "member": {...}}.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

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


def consume(user, action: str) -> int:
    """Count one ``action`` ("thread", "post" or "similar") for ``user``.

    Returns 0 when allowed, otherwise the number of seconds to wait (nothing counted).
    """
    if user.is_staff:
        return 0
    now = int(time.time())
    keys = []
    for limit, period in _rules(user, action):
        window = now - now % period
        key = f"forum:rl:{action}:{user.pk}:{period}:{window}"
        if (cache.get(key) or 0) >= limit:
            return window + period - now
        keys.append((key, period))
    for key, period in keys:
        if not cache.add(key, 1, timeout=period):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=period)
    return 0
