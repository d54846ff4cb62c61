"""Whole pages for anonymous readers, cached for a few seconds.

Most forum traffic is people reading without an account; for them every page of a
product, a thread or a search is the same, so it is rendered once every
``ANONYMOUS_PAGE_CACHE_SECONDS`` per language and path. Signed-in users (who have a
session cookie), anything but GET, pages with a pending message and pages that set a
cookie are never cached, so nothing personal or stale-after-an-action is served. Taking
something down (hiding, deleting) starts a new generation of keys at once.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

from forum.selectors import public_generation

UNCACHED_PREFIXES = ("/admin/", "/accounts/", "/api/", "/healthz", "/static/", "/media/",
                     "/new/", "/similar/", "/notifications/")  # fmt: skip


class AnonymousPageCache:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.ANONYMOUS_PAGE_CACHE_SECONDS
        if (
            not seconds
            or request.method != "GET"
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "messages" in request.COOKIES
            or request.path.startswith(UNCACHED_PREFIXES)
        ):
            return self.get_response(request)
        generation = public_generation()
        key = f"anonpage:{generation}:{translation.get_language()}:{request.get_full_path()}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and not response.has_header("Cache-Control")  # the view decided itself
            # A form's CSRF token belongs to one visitor; such a page is never shared.
            and b"csrfmiddlewaretoken" not in response.content
        ):
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response
