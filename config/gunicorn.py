"""gunicorn settings for production (the Procfile's web process and both benchmarks).

A fresh gunicorn worker answers its first request about 170 ms late (importing the
URLconf: every view, DRF, drf-spectacular; then the Redis client) and, while it holds the
startup heap of about 180,000 objects, every full garbage collection stalls it for
100-160 ms (once per ~450 detail requests, ~1,600 list requests). Loading and warming the
app once in the master and freezing that heap before forking removes both: the workers
start warm, and a full collection then walks only what requests left behind (8-15 ms).

    gunicorn config.wsgi -c config/gunicorn.py --workers 4

Measured by the API benchmark (bench/api/README.md): the detail's p99 went from 266-276 ms
to 46 ms and a cold list's from 150 ms to 17 ms.

Trade-off: with ``preload_app`` a HUP no longer reloads code; deploys restart gunicorn.
Nothing here opens a database or cache connection in the master (forked workers must not
share sockets).
"""

import gc

preload_app = True


def when_ready(server) -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view, DRF, drf-spectacular
    import django.core.cache.backends.redis  # noqa: F401
    import redis  # noqa: F401

    gc.collect()
    gc.freeze()  # what the master built stays out of every worker's collections
