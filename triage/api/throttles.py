"""Rate limits of the feed, counted per API token (per user for session clients).

DRF's SimpleRateThrottle reads a token's history from the cache and writes it back later,
so simultaneous requests all read the same history and all pass (up to 100% over the
limit was measured). These count each request with one atomic increment of a fixed
window, the forum's rate-limit counter (forum.ratelimit.hit): a request is let through
when its own count is within the limit. While the cache is down they fail open, like the
forum's limits, so the feed keeps answering.
"""

import hashlib
import logging

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from config.cache import CacheUnavailable
from forum import ratelimit

logger = logging.getLogger(__name__)


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token; the rate is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["triage_api"]
    (TRIAGE_API_RATE). A refused request gets 429 with Retry-After."""

    scope = "triage_api"

    def get_cache_key(self, request, view):
        key = getattr(request.auth, "key", None)
        # The cache holds a digest, never the token itself.
        ident = "t" + hashlib.sha256(key.encode()).hexdigest()[:24] if key else request.user.pk
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        now = int(self.timer())
        window = now - now % self.duration
        try:
            count = ratelimit.hit(f"{self.get_cache_key(request, view)}:{window}", self.duration)
        except CacheUnavailable:
            logger.warning("API rate limit not enforced (cache down): %s", self.scope)
            return True
        self.retry_after = window + self.duration - now
        return count <= self.num_requests

    def wait(self) -> float:
        return self.retry_after


class TokenWriteThrottle(TokenRateThrottle):
    """A tighter limit on status writes (TRIAGE_API_WRITE_RATE); reads pass through."""

    scope = "triage_api_write"

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
