"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import logging
import os
import time

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tanggap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="tanggap.ping", ignore_result=False)
def ping() -> str:
    """Answer 'pong': lets health checks and tests see that a worker is consuming."""
    return "pong"


log = logging.getLogger(__name__)
# After a publish fails, this process stops trying for this long: during a broker outage
# a fan's request must not wait for every task's connection retries.
BROKER_PAUSE_SECONDS = 10.0
_broker_down_until = 0.0


def publish(task, *args, run_here_if_down: bool = False) -> bool:
    """Queue ``task(*args)``; never fail the caller, and never wait long for the broker.

    When the broker is down (or failed in the last ``BROKER_PAUSE_SECONDS``) nothing is
    queued: the task runs here instead with ``run_here_if_down`` (cheap work a person is
    waiting for), else a periodic job catches up (the sweepers). Embedded mode (no broker,
    eager tasks) runs the task here; an error in it is logged, not raised. Returns whether
    the task was queued or run.
    """
    global _broker_down_until
    eager = app.conf.task_always_eager
    if eager or time.monotonic() >= _broker_down_until:
        try:
            task.delay(*args)
            return True
        except Exception:  # kombu's OperationalError and friends, or the eager task's own
            if not eager:
                _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
            log.warning("could not queue %s%s", task.name, args, exc_info=True)
            if eager:
                return False
    if run_here_if_down:
        task.apply(args=args)
        return True
    return False
