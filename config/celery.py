"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tanggap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="tanggap.ping", ignore_result=False)
def ping() -> str:
    """Answer 'pong': lets health checks and tests see that a worker is consuming."""
    return "pong"
