"""The feed's language: English unless the request's Accept-Language asks for another."""

from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"
DEFAULT_LANGUAGE = "en"


def feed_language(accept_language: str) -> str:
    """The first language of an Accept-Language header (by weight) that the project
    speaks, else English. Cookies, profiles and the site's default (Indonesian) play
    no part: a script gets the same language whoever runs it."""
    for code, _weight in parse_accept_lang_header(accept_language[:255]):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return DEFAULT_LANGUAGE


class FeedLanguageMiddleware:
    """Everything under /api/ (the feed, its schema and docs) answers in ``feed_language``:
    DRF's own messages, the feed's and the stored reasons alike. Runs after the middleware
    that picks the site's language, and says which one it chose (Content-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = feed_language(request.headers.get("Accept-Language", ""))
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response
