"""Diagnostics for the API benchmark: log every request's start and duration.

    GUNICORN_CONF=bench/api/gunicorn_timing.py bench/api/run.sh
    sort -k2 -g -r /tmp/tanggap-api-timing.log | head -20   # slowest: start, ms, pid, path

Each line is ``<unix start> <milliseconds> <worker pid> <path>``, measured inside the
worker (so without the time a request waited for a free worker). It is how the start-up
stalls in README.md were found: each worker's first request and its first full garbage
collection, at the start of the first URL's window.
"""

import os
import tempfile
import time

LOG = os.environ.get("TIMING_LOG", os.path.join(tempfile.gettempdir(), "tanggap-api-timing.log"))
_started: dict[int, float] = {}


def pre_request(worker, req) -> None:
    _started[id(req)] = time.time()


def post_request(worker, req, environ, resp) -> None:
    start = _started.pop(id(req), None)
    if start is None:
        return
    line = f"{start:.4f} {(time.time() - start) * 1000:.2f} {os.getpid()} {req.path}\n"
    with open(LOG, "a") as log:
        log.write(line)
