"""A cluster's status: set by managers, engineering's write-back and the regression
check, shown on every member thread and told to the fans who follow them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation

from accounts.models import User
from forum import services as forum_services
from forum.models import Notification, Thread
from triage.engine import firmware_at_or_after
from triage.models import Alert, Cluster, ClusterStatus, Forward, TriageEvent, WebhookEvent
from triage.services.alerts import open_alert
from triage.services.audit import emit, log_event
from triage.services.clusters import THREAD_STATUS, show_status

# Statuses that mean engineering has the problem: the first one ends "time to forward".
ENGINEERING_HAS_IT = (ClusterStatus.FORWARDED, ClusterStatus.ACKNOWLEDGED)


def set_status(
    cluster: Cluster,
    status: str,
    *,
    actor: User | None = None,
    fixed_in: str | None = None,
    ticket_url: str | None = None,
    note: str = "",
    by_engineering: bool = False,
) -> bool:
    """Change a cluster's status; every member thread shows it and its followers hear.

    The one path for the admin's action, the engineering feed's write-back
    (``by_engineering``) and the pipeline's regression check. A status of forwarded or
    acknowledged, or any write-back of engineering's, hands the cluster to engineering
    for good: ``forwarded_at`` (the feed's ``forwarded``). Returns False when nothing
    changed.
    """
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
        old = (cluster.status, cluster.fixed_in, cluster.ticket_url)
        cluster.status = status
        if fixed_in is not None:
            cluster.fixed_in = fixed_in.strip()
        if ticket_url is not None:
            cluster.ticket_url = ticket_url.strip()
        handed_over = cluster.forwarded_at is None and (
            by_engineering or status in ENGINEERING_HAS_IT
        )
        if old == (cluster.status, cluster.fixed_in, cluster.ticket_url) and not handed_over:
            return False
        now = timezone.now()
        if handed_over:
            cluster.forwarded_at = now
        if status != ClusterStatus.FIXED:
            cluster.fixed_at = None
        elif old[0] != ClusterStatus.FIXED:
            cluster.fixed_at = now
        cluster.save(
            update_fields=[
                "status", "fixed_in", "ticket_url", "forwarded_at", "fixed_at", "updated_at"
            ]
        )  # fmt: skip
        log_event(
            TriageEvent.Action.STATUS,
            cluster=cluster,
            actor=actor,
            note=note,
            old=old[0],
            new=status,
            fixed_in=cluster.fixed_in,
            ticket_url=cluster.ticket_url,
        )
        emit(
            WebhookEvent.STATUS_CHANGED,
            cluster.pk,
            old=old[0],
            new=status,
            fixed_in=cluster.fixed_in,
            ticket_url=cluster.ticket_url,
            note=note,
        )
        if THREAD_STATUS.get(status):
            thread_ids = list(cluster.members.values_list("thread_id", flat=True))
            show_status(thread_ids, cluster)
            # One status notification per follower, for their first thread of the
            # cluster, also mailed to those who want status mail.
            forum_services.notify_followers(
                thread_ids=thread_ids,
                verb=Notification.Verb.STATUS,
                actor=actor,
                extra={
                    "old": old[0],
                    "new": status,
                    # The English label; the forum translates it into each reader's language.
                    "label": _untranslated(ClusterStatus(status).label),
                    "fixed_in": cluster.fixed_in,
                    "cluster": cluster.pk,
                },
                email=True,
            )
    return True


def _untranslated(label) -> str:
    with translation.override(None):
        return str(label)


def forward_cluster(
    cluster: Cluster, *, actor: User | None, note: str = "", ticket_url: str = ""
) -> Forward:
    """Hand a cluster to engineering: a Forward row, status "forwarded", fans told."""
    with transaction.atomic():
        forward = Forward.objects.create(
            cluster=cluster, forwarded_by=actor, note=note, ticket_url=ticket_url
        )
        log_event(
            TriageEvent.Action.FORWARDED,
            cluster=cluster,
            actor=actor,
            note=note,
            ticket_url=ticket_url,
        )
        set_status(
            cluster, ClusterStatus.FORWARDED, actor=actor, ticket_url=ticket_url or None, note=note
        )
        emit(
            WebhookEvent.CLUSTER_FORWARDED,
            cluster.pk,
            forward=forward.pk,
            note=note,
            ticket_url=ticket_url,
        )
    return forward


def check_regression(cluster: Cluster, thread: Thread) -> None:
    """A new report on firmware at or after the fix reopens a fixed cluster as
    regressed, with an alert."""
    cluster.refresh_from_db(fields=["status", "fixed_in"])
    if cluster.status != ClusterStatus.FIXED or not firmware_at_or_after(
        thread.firmware, cluster.fixed_in
    ):
        return
    versions = {"firmware": thread.firmware, "fixed_in": cluster.fixed_in}
    log_event(TriageEvent.Action.REGRESSED, cluster=cluster, thread_id=thread.pk,
              firmware=thread.firmware, fixed_in=cluster.fixed_in)  # fmt: skip
    set_status(cluster, ClusterStatus.REGRESSED)
    open_alert(Alert.Kind.REGRESSION, cluster=cluster, data={"thread": thread.pk, **versions})
