"""Clusters come to exist and threads move between them here, and nowhere else: the
pipeline, the batch pass and the console all open clusters with ``open_cluster`` and
put threads in them with ``place_threads``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from accounts.models import User
from forum import services as forum_services
from forum.models import Kind, Status
from triage.models import (
    Cluster,
    ClusterStatus,
    MergeRecord,
    Severity,
    Source,
    ThreadTriage,
    TriageEvent,
)
from triage.services.audit import log_event

# What fans see on their threads for each cluster status.
THREAD_STATUS: dict[str, str] = {
    ClusterStatus.NEW: Status.OPEN,
    ClusterStatus.CONFIRMED: Status.ACKNOWLEDGED,
    ClusterStatus.FORWARDED: Status.INVESTIGATING,
    ClusterStatus.ACKNOWLEDGED: Status.INVESTIGATING,
    ClusterStatus.FIXED: Status.FIXED,
    ClusterStatus.WONT_FIX: Status.CLOSED,
    ClusterStatus.REGRESSED: Status.INVESTIGATING,
}


def open_cluster(
    key: int,
    *,
    product_id: int | None,
    kind: str,
    label: str,
    severity: str = Severity.MINOR,
    seen: datetime | None = None,
    action: str = TriageEvent.Action.CREATED,
    actor: User | None = None,
    thread_id: int | None = None,
    note: str = "",
    **data,
) -> Cluster:
    """Open the cluster the engine knows as ``key`` and log it (``action``: created, or
    split when threads are moved out to it). A suggestion opens a suggestion cluster,
    anything else a problem. If a cluster of that key exists already (the same task ran
    twice at once, and the other one won) that one is returned, unlogged."""
    try:
        with transaction.atomic():
            cluster = Cluster.objects.create(
                key=key,
                product_id=product_id,
                kind=Kind.SUGGESTION if kind == Kind.SUGGESTION else Kind.PROBLEM,
                label=label[:300],
                severity=severity,
                first_seen=seen,
                last_seen=seen,
            )
    except IntegrityError:
        return Cluster.objects.get(key=key)
    log_event(action, cluster=cluster, thread_id=thread_id, actor=actor, note=note, **data)
    return cluster


def free_key(thread_ids: list[int]) -> int:
    """An engine key for a cluster a manager opens: one of its threads' ids if free."""
    taken = set(Cluster.objects.filter(key__in=thread_ids).values_list("key", flat=True))
    for thread_id in sorted(thread_ids):
        if thread_id not in taken:
            return thread_id
    lowest = Cluster.objects.aggregate(m=Min("key"))["m"] or 0
    return min(lowest, 0) - 1  # below every thread id: never an engine key


def place_threads(
    thread_ids: Iterable[int], cluster: Cluster, *, by: User | None = None, manager: bool
) -> None:
    """Put these threads in ``cluster``; they show its status. A manager's placement
    (``manager``) is never undone by the batch pass; the engine's is."""
    ids = list(thread_ids)
    placed: dict[str, object] = {"cluster": cluster}
    if manager:
        placed.update(assignment=Source.MANAGER, assigned_by=by, assigned_at=timezone.now())
    ThreadTriage.objects.filter(thread_id__in=ids).update(**placed)
    show_status(ids, cluster)


def show_status(thread_ids: Iterable[int], cluster: Cluster) -> None:
    """Show ``cluster``'s status and fixed-in version on these threads (the forum writes
    them): the one way a cluster's status reaches its threads."""
    thread_status = THREAD_STATUS.get(cluster.status)
    if thread_status:
        forum_services.show_status(
            thread_ids=thread_ids, status=thread_status, fixed_in=cluster.fixed_in
        )


def merge_into(
    kept: Cluster, absorbed: Cluster, *, actor: User | None, manager: bool
) -> MergeRecord:
    """Move every thread of ``absorbed`` into ``kept`` and leave ``absorbed`` a duplicate
    pointing to it (old links still resolve), keeping the ``MergeRecord`` that lets
    ``unmerge`` undo it exactly. A manager's merge places the threads as a manager would
    (``place_threads``); the batch pass's as the engine's. The caller logs it."""
    thread_ids = list(absorbed.members.values_list("thread_id", flat=True))
    record = MergeRecord.objects.create(
        kept=kept,
        absorbed=absorbed,
        thread_ids=thread_ids,
        absorbed_status=absorbed.status,
        merged_by=actor,
    )
    place_threads(thread_ids, kept, by=actor, manager=manager)
    absorbed.merged_into = kept
    absorbed.status = ClusterStatus.DUPLICATE
    absorbed.save(update_fields=["merged_into", "status", "updated_at"])
    return record
