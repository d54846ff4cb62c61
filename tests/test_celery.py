"""Celery against the real broker: a worker started by the test answers a task."""

import pytest

from config.celery import ping


@pytest.mark.broker
def test_a_real_worker_runs_a_task_and_returns_its_result(celery_worker_process):
    result = ping.apply_async(queue=celery_worker_process)
    assert result.get(timeout=30) == "pong"


def test_without_a_broker_tasks_run_eagerly_in_process():
    assert ping.delay().get() == "pong"


def test_publish_runs_a_task_here_or_leaves_it_and_stops_waiting_while_the_broker_is_down():
    from config import celery as celery_config

    calls = []

    class Task:
        name = "t"

        def delay(self, *args):
            calls.append(("delay", args))
            raise ConnectionError("broker down")

        def apply(self, args):
            calls.append(("here", tuple(args)))

    celery_config.app.conf.task_always_eager = False  # the autouse fixture restores it
    assert celery_config.publish(Task(), 1) is False
    assert celery_config.publish(Task(), 2, run_here_if_down=True) is True
    # One failed publish, then no more waiting on the broker for a while.
    assert calls == [("delay", (1,)), ("here", (2,))]
