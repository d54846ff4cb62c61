"""Celery against the real broker: a worker started by the test answers a task."""

import pytest

from config.celery import ping


@pytest.mark.broker
def test_a_real_worker_runs_a_task_and_returns_its_result(celery_worker_process):
    result = ping.apply_async(queue=celery_worker_process)
    assert result.get(timeout=30) == "pong"


def test_without_a_broker_tasks_run_eagerly_in_process():
    assert ping.delay().get() == "pong"
