"""Shared fixtures, and the rule that CI never skips a test whose service is missing.

Tests marked ``browser`` need Debian's Chromium, ``broker`` a Redis broker, ``postgres``
a PostgreSQL database. Where the service is missing they are skipped on a newcomer's
machine, but fail under ``CI=true`` so that a green CI means they really ran.
"""

import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

from config.celery import app as celery_app

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

# Tests run tasks eagerly unless marked ``broker``; those talk to the real broker, so the
# producer side is pointed at it once, before any connection pool exists.
celery_app.conf.broker_url = BROKER_URL
celery_app.conf.result_backend = os.environ.get("CELERY_RESULT_BACKEND") or BROKER_URL


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _missing(reason: str) -> None:
    if CI:
        pytest.fail(f"CI=true and {reason}: this test must run in CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _services(request):
    if request.node.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    if request.node.get_closest_marker("broker") and not _reachable(BROKER_URL):
        _missing(f"no broker answers at {BROKER_URL}")
    if request.node.get_closest_marker("postgres") and not settings.IS_POSTGRES:
        pytest.skip("PostgreSQL only: runs when DATABASE_URL points at PostgreSQL")


@pytest.fixture(autouse=True)
def _fast_and_eager(request, settings):
    """Cheap password hashing; Celery eager unless the test talks to a real worker."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    eager = request.node.get_closest_marker("broker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache; one test's attempts must not throttle the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Playwright (pytest-playwright) drives Debian's Chromium at a phone's size.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": "id-ID",
    }


@pytest.fixture
def celery_worker_process():
    """A real Celery worker on the real broker, started here and stopped by its PID.

    Yields the name of a queue private to this test, so parallel runs never steal
    each other's tasks. The worker sees the same settings as the tests.
    """
    import signal
    import subprocess
    import sys
    import time
    import uuid

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": celery_app.conf.result_backend,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"worker-{queue}.log", "w")  # noqa: SIM115 (closed in finally)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"{queue}@localhost",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            replies = celery_app.control.ping(timeout=0.5, destination=[f"{queue}@localhost"])
            if worker.poll() is not None:
                pytest.fail(f"the worker exited with {worker.returncode}; see {log.name}")
            if replies:
                break
        yield queue
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
