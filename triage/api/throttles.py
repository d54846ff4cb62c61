"""Rate limits of the feed, counted per API token (per user for session clients)."""

import hashlib

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import UserRateThrottle


class TokenRateThrottle(UserRateThrottle):
    """Requests per token; the rate is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["triage_api"]
    (TRIAGE_API_RATE). A refused request gets 429 with Retry-After."""

    scope = "triage_api"

    def get_cache_key(self, request, view):
        key = getattr(request.auth, "key", None)
        # The cache holds a digest, never the token itself.
        ident = "t" + hashlib.sha256(key.encode()).hexdigest()[:24] if key else request.user.pk
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenWriteThrottle(TokenRateThrottle):
    """A tighter limit on status writes (TRIAGE_API_WRITE_RATE); reads pass through."""

    scope = "triage_api_write"

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
