"""The audit trail (``TriageEvent``) every triage write leaves, and what engineering's
webhooks are told of it."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from triage import webhooks
from triage.models import Cluster, TriageEvent


def log_event(
    action: str,
    *,
    cluster: Cluster | None = None,
    thread_id: int | None = None,
    actor: User | None = None,
    note: str = "",
    **data,
) -> None:
    """Append one line to the audit log; ``data`` holds its figures."""
    TriageEvent.objects.create(
        action=action, cluster=cluster, thread_id=thread_id, actor=actor, note=note, data=data
    )


def emit(event: str, cluster_id: int | None, **data) -> None:
    """Tell engineering's webhooks of ``event`` (a ``WebhookEvent``) once the change
    commits (``triage.webhooks.dispatch`` stores the deliveries and queues them)."""
    transaction.on_commit(lambda: webhooks.dispatch(event, cluster_id, data))
