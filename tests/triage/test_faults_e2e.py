"""Faults on the real parts (PostgreSQL, a Redis broker, Celery workers, gunicorn): a
worker killed in the middle of its queue, and the broker going away while fans post.
Nothing is lost and no thread is triaged twice."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
import requests
from django.conf import settings
from django.db.models import Count
from django.test import Client

from forum import services
from forum.models import Thread
from tests.conftest import ARTIFACTS, free_port, redis_server, start_worker, worker_env
from tests.factories import UserFactory
from tests.triage.reports import REPORTS
from tests.triage.test_pipeline_e2e import wait_until_triaged
from triage.models import Cluster, ThreadTriage, TriageEvent

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Beat inside the worker runs the sweeper every 2 s, for threads of any age.
SWEEPER = {"TRIAGE_SWEEP_SECONDS": "2", "TRIAGE_SWEEP_GRACE_SECONDS": "0"}


def assert_each_thread_triaged_once(expected: int) -> None:
    assert Thread.objects.count() == expected
    assert ThreadTriage.objects.filter(cluster__isnull=False).count() == expected
    assigned = Counter(
        TriageEvent.objects.filter(action="assigned").values_list("thread_id", flat=True)
    )
    assert sorted(assigned.values()) == [1] * expected, assigned.most_common(3)
    # Every cluster's member count is the number of threads it really holds.
    members = dict(
        ThreadTriage.objects.values_list("cluster_id").annotate(n=Count("thread_id"))
    )  # fmt: skip
    assert {c.pk: c.threads for c in Cluster.objects.filter(threads__gt=0)} == members


def test_a_worker_killed_mid_queue_loses_no_thread_and_triages_none_twice(phones):
    authors = UserFactory.create_batch(5)
    with start_worker() as first:
        for n, (_, product, firmware, title, body) in enumerate(REPORTS):
            services.create_thread(
                author=authors[n % 5], title=title, body=body, product=phones[product],
                firmware=firmware,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while ThreadTriage.objects.count() < 5:
            assert time.monotonic() < deadline, "the first worker triaged nothing"
            time.sleep(0.05)
        first.process.send_signal(signal.SIGKILL)  # no warm shutdown: mid-task
        first.process.wait()
        triaged_when_killed = ThreadTriage.objects.count()
    assert triaged_when_killed < len(REPORTS)

    # A new worker takes over the queue; its sweeper picks up the task that died.
    with start_worker(beat=True, env=SWEEPER, queue=first.queue):
        wait_until_triaged(len(REPORTS), timeout=120)
        time.sleep(5)  # two more sweeps, which must find nothing to do
    assert_each_thread_triaged_once(len(REPORTS))


@contextlib.contextmanager
def gunicorn(port: int, broker_url: str, queue: str):
    """The production web process (config/gunicorn.py) on the test database, queueing its
    tasks for the worker of ``queue``."""
    env = {**os.environ, **worker_env(broker_url), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "CELERY_TASK_DEFAULT_QUEUE": queue}  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"gunicorn-{port}.log", "w")  # noqa: SIM115 (closed in finally)
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py",
         "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/healthz", timeout=5).status_code in (200, 503):
                    break
            assert web.poll() is None and time.monotonic() < deadline, f"see {log.name}"
            time.sleep(0.2)
        yield base
    finally:
        web.terminate()
        web.wait(timeout=30)
        log.close()


def fan_posts(base: str, session_key: str, product_id: int, report) -> int:
    """A signed-in fan opens the new-thread form and posts it; returns the status."""
    _, _, firmware, title, body = report
    browser = requests.Session()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, session_key)
    form = browser.get(f"{base}/new/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    posted = browser.post(
        f"{base}/new/",
        data={"csrfmiddlewaretoken": token, "product": product_id, "kind": "problem",
              "title": title, "body": body, "firmware": firmware},
        headers={"Referer": f"{base}/new/"}, allow_redirects=False, timeout=60,
    )  # fmt: skip
    assert posted.status_code == 302 and "/login/" not in posted.headers["Location"], (
        posted.status_code, posted.text[-3000:]
    )  # fmt: skip
    return posted.status_code


def test_fans_posting_through_a_broker_outage_lose_nothing(phones):
    broker = f"redis://127.0.0.1:{free_port()}/0"
    port = int(broker.rsplit(":", 1)[1].split("/")[0])
    reports = REPORTS[::4]  # 15 fans, one thread each (new accounts may post one per 2 min)
    sessions = []
    for _ in reports:
        browser = Client()  # one each: signing another user in would end the session
        browser.force_login(UserFactory())
        sessions.append(browser.cookies[settings.SESSION_COOKIE_NAME].value)
    before, during = reports[:5], reports[5:]
    statuses = []
    with (
        redis_server(port) as first_broker,
        start_worker(broker, beat=True, env=SWEEPER) as worker,
        gunicorn(free_port(), broker, worker.queue) as base,
    ):
        for key, report in zip(sessions, before, strict=False):
            statuses.append(fan_posts(base, key, phones[report[1]].pk, report))
        assert statuses == [302] * len(before)
        wait_until_triaged(len(before))
        first_broker.terminate()  # the broker goes away; the worker waits for it
        first_broker.wait()
        for key, report in zip(sessions[5:], during, strict=True):
            statuses.append(fan_posts(base, key, phones[report[1]].pk, report))
        assert Thread.objects.count() == len(reports)  # all saved while it was down
        assert ThreadTriage.objects.count() == len(before)
        with redis_server(port):  # back: queued or not, everything gets triaged
            wait_until_triaged(len(reports), timeout=120)
            time.sleep(5)
    assert statuses == [302] * len(reports)
    assert_each_thread_triaged_once(len(reports))
