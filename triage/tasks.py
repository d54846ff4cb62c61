"""Celery tasks of the triage pipeline: thin wrappers around ``triage.services``, and
the webhook delivery task (``triage.webhooks``).

Every task is idempotent and acknowledged late, so a worker that dies mid-task leaves
the message to another; transient database errors are retried with backoff.
"""

import logging

from celery import shared_task
from django.db import OperationalError

from config.celery import publish
from triage import services

# Declared beside the attempts it makes; named here so that workers register it.
from triage.webhooks import deliver_webhook

log = logging.getLogger(__name__)

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="triage.triage_thread", **RETRY)
def triage_thread(thread_id: int) -> int | None:
    """Triage one thread (queued when it is saved); returns its cluster id."""
    row = services.triage_thread(thread_id)
    return row.cluster_id if row else None


@shared_task(name="triage.refresh_cluster", **RETRY)
def refresh_cluster(thread_id: int) -> None:
    """Recompute the figures of the cluster a thread belongs to (me too, reply, edit)."""
    services.refresh_thread_cluster(thread_id)


@shared_task(name="triage.visibility_changed", **RETRY)
def visibility_changed(thread_id: int) -> None:
    """Recompute figures and label of a thread's cluster after a take-down or restore."""
    services.thread_visibility_changed(thread_id)


@shared_task(name="triage.sweep", **RETRY)
def sweep() -> int:
    """Triage whatever was missed, e.g. threads saved while the broker was down."""
    done = services.sweep()
    if done:
        log.info("sweeper triaged %d threads", done)
    return done


@shared_task(name="triage.refresh_heat", **RETRY)
def refresh_heat() -> int:
    """Recompute figures and heat of every live cluster."""
    return services.refresh_all_figures()


@shared_task(name="triage.detect_spikes", **RETRY)
def detect_spikes() -> int:
    """Open alerts for clusters and products whose report rate jumped."""
    return len(services.detect_spikes())


@shared_task(name="triage.consolidate", **RETRY)
def consolidate() -> dict:
    """The batch pass: merge drifted-together clusters, split drifted-apart ones."""
    result = services.consolidate_clusters()
    return {"merges": len(result.merges), "moves": len(result.moves)}


def _queue(task, thread_id: int) -> None:
    # Broker down: the periodic jobs (sweeper, heat) catch up.
    publish(task, thread_id)


def queue_triage(thread_id: int) -> None:
    """Queue a thread's triage; if the broker is down, the sweeper picks it up later."""
    _queue(triage_thread, thread_id)


def queue_visibility_changed(thread_id: int) -> None:
    """Queue a relabel of a thread's cluster; the batch pass relabels a lost one."""
    _queue(visibility_changed, thread_id)


def queue_refresh(thread_id: int) -> None:
    """Queue a refresh of a thread's cluster figures; the heat job covers a lost one."""
    _queue(refresh_cluster, thread_id)


__all__ = [
    "consolidate",
    "deliver_webhook",
    "detect_spikes",
    "queue_refresh",
    "queue_triage",
    "queue_visibility_changed",
    "refresh_cluster",
    "refresh_heat",
    "sweep",
    "triage_thread",
    "visibility_changed",
]
