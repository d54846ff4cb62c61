"""Shared fixtures, and the rule that CI never skips a test whose service is missing.

Tests marked ``browser`` need Debian's Chromium, ``broker`` a Redis broker, ``redis`` the
redis-server program (to start a private Redis), ``postgres`` a PostgreSQL database.
Where the service is missing they are skipped on a newcomer's machine, but fail under
``CI=true`` so that a green CI means they really ran.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
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
    if request.node.get_closest_marker("redis") and not shutil.which("redis-server"):
        _missing("redis-server not found (apt-get install -y redis-server)")
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
    """Rate limits live in the cache; one test's attempts must not throttle the next.
    Each test has its own database, so the engine's process cache must not outlive it."""
    from django.core.cache import cache

    from triage import index

    cache.clear()
    index.forget()
    yield
    index.forget()


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


def worker_env(broker_url: str) -> dict:
    """Environment for a process of ours (worker, command) that must share the test DB."""
    env = {"CELERY_BROKER_URL": broker_url, "CELERY_RESULT_BACKEND": broker_url}
    if settings.IS_POSTGRES:
        env["DATABASE_URL"] = _database_url()
    return env


def _database_url() -> str:
    """The URL of the database the tests run on (the test database, not the configured one)."""
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    queue: str
    process: subprocess.Popen


@contextlib.contextmanager
def start_worker(
    broker_url: str = BROKER_URL,
    *,
    beat: bool = False,
    env: dict | None = None,
    queue: str | None = None,
):
    """Start a real Celery worker, stopped by its PID at the end; yields it (its queue and
    process, for a test that kills it).

    The queue is private to this worker (unless ``queue`` names one, e.g. the queue of a
    worker that was killed) and becomes the producer's default while it runs, so tasks
    queued by the code under test (``.delay()``) reach it and no other worker steals
    them. On PostgreSQL the worker uses the test database.
    """
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, **worker_env(broker_url), **(env or {})}
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"worker-{queue}.log", "a")  # noqa: SIM115 (closed in finally)
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
               "-Q", queue, "-n", f"{queue}@localhost", "--without-gossip", "--without-mingle",
               "--loglevel=INFO"]  # fmt: skip
    if beat:  # beat inside the worker, its schedule file kept out of the tree
        command += ["--beat", "-s", str(ARTIFACTS / f"beat-{queue}"), "-E"]
        env["CELERY_TASK_DEFAULT_QUEUE"] = queue
    worker = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 30
        while broker_url == BROKER_URL and not celery_app.control.ping(
            timeout=0.5, destination=[f"{queue}@localhost"]
        ):
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker did not start; see {log.name}")
        yield Worker(queue, worker)
    finally:
        celery_app.conf.task_default_queue = default_queue
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()


def free_port() -> int:
    """A TCP port nothing listens on now (for a private server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def redis_server(port: int):
    """A Redis of the test's own on ``port``, so that the test can stop and start it."""
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def run_worker(broker_url: str = BROKER_URL, *, beat: bool = False, env: dict | None = None):
    """start_worker, yielding only the worker's private queue."""
    with start_worker(broker_url, beat=beat, env=env) as worker:
        yield worker.queue


@pytest.fixture
def celery_worker_process():
    """A real worker on the real broker for this test; yields its private queue."""
    with run_worker() as queue:
        yield queue
