"""DRF's browsable API under the site's Content-Security-Policy."""

from csp.constants import UNSAFE_INLINE
from rest_framework import renderers

# What the API's developer pages (Swagger UI, DRF's browsable API) add to the site's
# Content-Security-Policy: they style themselves inline and draw icons from data: URLs.
# Scripts stay our own files.
DEVELOPER_PAGES_CSP = {"style-src": [UNSAFE_INLINE], "img-src": ["data:"]}


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's HTML pages carry inline styles; their responses get the developer pages'
    policy (DEVELOPER_PAGES_CSP), JSON responses the site's strict one."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = DEVELOPER_PAGES_CSP  # read by csp.middleware
        return super().render(data, accepted_media_type, renderer_context)
