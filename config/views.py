"""Project-level views: the health check used by load balancers and process managers,
and the API's documentation page."""

import uuid

from csp.decorators import csp_update
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from drf_spectacular.views import SpectacularSwaggerSplitView

from config.renderers import DEVELOPER_PAGES_CSP

# Swagger UI under the developer pages' policy; its start-up script is served as a file
# (the split view), not inline.
api_docs = csp_update(DEVELOPER_PAGES_CSP)(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    from config.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _check_cache() -> str:
    # The cache backend swallows its errors (config.cache), so a write that cannot be
    # read back is how an outage shows.
    token = uuid.uuid4().hex
    key = f"healthz:{token}"  # one key per check: concurrent checks must not mix
    cache.set(key, token, 10)
    answered = cache.get(key) == token
    cache.delete(key)
    if not answered:
        raise ConnectionError
    return "ok"


@never_cache
def healthz(request):
    """The state of every dependency, e.g. {"status": "ok", "database": "ok", ...}.

    503 when the database fails: this process cannot do its job. A cache or broker
    outage answers 200 with "status": "degraded": every process shares them, pages and
    posts still work (uncached; triage is caught up by the sweeper once the broker is
    back), and a 503 would make the load balancer drop every web process at once.
    """
    checks = {"database": _check_database, "cache": _check_cache}
    if settings.BROKER_CONFIGURED:
        checks["broker"] = _check_broker
    report, failed = {}, set()
    for name, check in checks.items():
        try:
            report[name] = check()
        except Exception as exc:  # any failure of a dependency is reported, never a 500
            report[name] = f"error: {exc.__class__.__name__}"  # no details: it is public
            failed.add(name)
    fatal = failed & {"database"}
    status = "error" if fatal else "degraded" if failed else "ok"
    return JsonResponse({"status": status, **report}, status=503 if fatal else 200)


def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever a page links: the site's icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
