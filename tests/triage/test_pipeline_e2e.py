"""The pipeline on the real parts: PostgreSQL, the Redis broker and a Celery worker.

Threads are imported the way an old forum or a social-media export would be; the
worker triages them from the queue; spikes, regressions and the sweeper are driven
through the same tasks beat would run.
"""

import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from forum.models import Thread
from tests.conftest import free_port, redis_server, run_worker, worker_env
from tests.triage.reports import A55, EXPECTED_SEVERITY, REPORTS, RN13P
from triage import services, tasks
from triage.models import Alert, Cluster, ClusterStatus, ThreadTriage, TriageEvent

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def import_reports(tmp_path, rows, name):
    path = tmp_path / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n")
    call_command("import_threads", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115


def wait_until_triaged(count, timeout=120):
    deadline = time.monotonic() + timeout
    while ThreadTriage.objects.count() < count:
        assert time.monotonic() < deadline, f"{ThreadTriage.objects.count()} of {count} triaged"
        time.sleep(0.3)


def run(task):
    """Run a periodic job on the worker, as beat would, and wait for it."""
    return task.apply_async(ignore_result=False).get(timeout=120)


def test_sixty_imported_reports_are_triaged_by_a_real_worker(
    phones, tmp_path, celery_worker_process
):
    now = timezone.now()
    steady = []
    for n, (problem, product, firmware, title, body) in enumerate(REPORTS):
        steady.append(
            {
                "external_id": f"e2e-{n}",
                "title": title,
                "body": body,
                "firmware": firmware,
                # A few complaints from social media name no product in a field.
                "product": "" if n % 10 == 3 else product,
                "author": f"fan {n}",
                # A week of steady traffic, one report every ~2.8 hours.
                "created_at": (now - timedelta(hours=168 - n * 2.8)).isoformat(),
                "problem": problem,
            }
        )
    import_reports(tmp_path, steady, "steady")
    wait_until_triaged(len(REPORTS))
    run(tasks.consolidate)

    truth = {Thread.objects.get(external_id=r["external_id"]).pk: r["problem"] for r in steady}
    problems_in = defaultdict(Counter)
    for thread_id, cluster_id in ThreadTriage.objects.values_list("thread_id", "cluster_id"):
        problems_in[cluster_id][truth[thread_id]] += 1
    assert all(len(p) == 1 for p in problems_in.values()), problems_in
    main = {}
    for problem, severity in EXPECTED_SEVERITY.items():
        cluster_id = max(problems_in, key=lambda c: problems_in[c][problem])
        cluster = Cluster.objects.get(pk=cluster_id)
        main[problem] = cluster
        assert problems_in[cluster_id][problem] >= 5, problems_in
        assert cluster.severity == severity, cluster.severity_reason
        assert cluster.product.marketing_name == (
            A55 if problem in {"no_signal", "camera_crash", "overheat_charging"} else RN13P
        )
        # Every report has its own author: people affected = reports in the cluster.
        assert cluster.reporters == cluster.threads == problems_in[cluster_id][problem]
        assert sum(n for _, n in cluster.daily) == cluster.threads
    assert main["no_signal"].firmware.keys() <= {"A556EXXU2AXH1", "A556EXXU3AXJ2"}
    # Steady traffic: no spike (an angry post may still raise an escalation alert).
    assert run(tasks.detect_spikes) == 0
    assert not Alert.objects.filter(kind__in=[Alert.Kind.SPIKE, Alert.Kind.PRODUCT_SPIKE]).exists()

    # A burst: twelve more overheating reports within the last hour.
    burst = [
        {
            "external_id": f"burst-{n}",
            "title": "HP panas banget pas dicas",
            "body": "hp panas bgt pas dicas sampai ga bisa dipegang, overheat",
            "product": A55,
            "author": f"burst fan {n}",
            "created_at": (now - timedelta(minutes=4 * n)).isoformat(),
        }
        for n in range(12)
    ]
    import_reports(tmp_path, burst, "burst")
    wait_until_triaged(len(REPORTS) + len(burst))
    assert run(tasks.detect_spikes) >= 1
    spike = Alert.objects.get(kind=Alert.Kind.SPIKE)
    assert spike.cluster.severity == "critical"
    assert (
        "overheat" in " ".join(spike.cluster.top_terms)
        or spike.cluster == main["overheat_charging"]
    )
    assert spike.mailed_at is None or spike.mailed_at >= spike.opened_at

    # Fixed in OS1.0.11.0; a report from OS1.0.12.0 reopens the cluster as regressed.
    bootloop = main["bootloop"]
    services.set_status(bootloop, ClusterStatus.FIXED, fixed_in="OS1.0.11.0")
    import_reports(
        tmp_path,
        [
            {
                "external_id": "regression-1",
                "title": "Bootloop lagi setelah update",
                "body": "hp bootloop lagi, restart terus di logo redmi setelah update",
                "product": RN13P,
                "firmware": "OS1.0.12.0.UNFIDXM",
                "author": "fan regress",
            }
        ],
        "regression",
    )
    wait_until_triaged(len(REPORTS) + len(burst) + 1)
    bootloop.refresh_from_db()
    assert bootloop.status == ClusterStatus.REGRESSED
    assert Alert.objects.filter(kind=Alert.Kind.REGRESSION, cluster=bootloop).exists()


def test_a_task_that_runs_twice_changes_nothing(phones, tmp_path, celery_worker_process):
    problem, product, firmware, title, body = REPORTS[0]
    import_reports(
        tmp_path,
        [
            {
                "external_id": "twice",
                "title": title,
                "body": body,
                "product": product,
                "firmware": firmware,
            }
        ],
        "twice",
    )
    wait_until_triaged(1)
    thread = Thread.objects.get(external_id="twice")
    before = list(TriageEvent.objects.values_list("id", "action"))
    for _ in range(2):
        tasks.triage_thread.apply_async((thread.pk,), ignore_result=False).get(timeout=60)
    assert list(TriageEvent.objects.values_list("id", "action")) == before
    assert Cluster.objects.count() == 1


def test_threads_posted_while_the_broker_is_down_are_triaged_once_when_it_is_back(phones, tmp_path):
    broker = f"redis://127.0.0.1:{free_port()}/0"
    rows = [
        {
            "external_id": f"down-{n}",
            "title": title,
            "body": body,
            "product": product,
            "firmware": firmware,
            "author": f"fan {n}",
        }
        for n, (_, product, firmware, title, body) in enumerate(REPORTS[::12])
    ]
    path = tmp_path / "down.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    # The web side imports while nothing listens on the broker's port: nothing is lost.
    result = subprocess.run(
        [sys.executable, "manage.py", "import_threads", str(path)],
        cwd=settings.BASE_DIR, env={**os.environ, **worker_env(broker)},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert Thread.objects.count() == len(rows)
    assert ThreadTriage.objects.count() == 0
    assert "could not queue" in result.stderr

    # The broker is back; beat's sweeper (in the worker) triages what was missed.
    sweeper = {"TRIAGE_SWEEP_SECONDS": "2", "TRIAGE_SWEEP_GRACE_SECONDS": "0"}
    with (
        redis_server(int(broker.rsplit(":", 1)[1].split("/")[0])),
        run_worker(broker, beat=True, env=sweeper),
    ):
        wait_until_triaged(len(rows), timeout=90)
        time.sleep(5)  # two more sweeps: they must find nothing to do
    assigned = Counter(
        TriageEvent.objects.filter(action="assigned").values_list("thread_id", flat=True)
    )
    assert sorted(assigned.values()) == [1] * len(rows)
