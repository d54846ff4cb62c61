"""The community managers' console: every manager action is one function here. Each
checks what it must, writes, logs the event with its actor and, when clusters change
wholesale, bumps the engine generation so every worker's in-memory index rebuilds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from forum import services as forum_services
from forum.models import Notification, Thread
from triage import index, selectors
from triage.models import (
    Cluster,
    ClusterStatus,
    Lesson,
    MergeRecord,
    ReplyTemplate,
    Severity,
    Source,
    ThreadTriage,
    TriageEvent,
)
from triage.services.audit import log_event
from triage.services.clusters import (
    THREAD_STATUS,
    free_key,
    merge_into,
    open_cluster,
    place_threads,
)
from triage.services.figures import refresh_figures, relabel
from triage.services.lessons import learn_from_move, teach
from triage.services.status import set_status


class TriageError(ValidationError):
    """A console action refused for a reason the manager should read."""


def confirm_cluster(cluster: Cluster, *, actor: User | None, note: str = "") -> bool:
    """A manager confirms the problem is real: status "confirmed", fans told."""
    return set_status(cluster, ClusterStatus.CONFIRMED, actor=actor, note=note)


def set_severity(cluster: Cluster, level: str, *, actor: User | None, reason: str) -> bool:
    """Set a cluster's severity by hand, with the reason; the figures never override it.

    Returns False when the level, source and reason were already these.
    """
    if level not in Severity.values:
        raise TriageError(_("Unknown severity: %(level)s") % {"level": level}, code="severity")
    reason = (reason or "").strip()
    if not reason:
        raise TriageError(_("Give a reason for the severity."), code="reason")
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
        old = cluster.severity
        if (old, cluster.severity_source, cluster.severity_reason) == (
            level,
            Source.MANAGER,
            reason,
        ):
            return False
        cluster.severity = level
        cluster.severity_source = Source.MANAGER
        cluster.severity_reason = reason
        cluster.severity_by = actor
        cluster.save(
            update_fields=[
                "severity",
                "severity_source",
                "severity_reason",
                "severity_by",
                "updated_at",
            ]
        )
        log_event(
            TriageEvent.Action.SEVERITY, cluster=cluster, actor=actor, note=reason, old=old,
            new=level,
        )  # fmt: skip
    refresh_figures([cluster.pk])  # heat follows the new severity
    return True


def _notify_joined(thread_ids: list[int], cluster: Cluster, *, actor, joined: bool) -> None:
    """Tell followers (reporters, "me too" voters) of these threads where their report is,
    once each, in their own language."""

    # Say what happened: a problem nobody has confirmed yet is not "known" to anyone.
    # (Called before the figures are refreshed: ``threads`` are the reports already there.)
    others = cluster.threads
    known = cluster.status not in (ClusterStatus.NEW, ClusterStatus.DUPLICATE)

    def text(thread: Thread, language: str) -> str:
        values = {"title": thread.title, "label": cluster.label, "n": others}
        if not joined:
            return _("Your report “%(title)s” is again a problem of its own: %(label)s") % values
        if known:
            return _("Your report “%(title)s” joined a known problem: %(label)s") % values
        return (
            ngettext(
                "Your report “%(title)s” was grouped with %(n)d similar report: %(label)s",
                "Your report “%(title)s” was grouped with %(n)d similar reports: %(label)s",
                others,
            )
            % values
        )

    forum_services.notify_followers(
        thread_ids=thread_ids,
        verb=Notification.Verb.STATUS,
        actor=actor,
        text=text,
        extra={"cluster": cluster.pk, "new": THREAD_STATUS.get(cluster.status, "")},
    )


def _after_manual_change(cluster_ids: set[int]) -> None:
    refresh_figures(cluster_ids)
    relabel(cluster_ids)
    index.bump_generation()


def merge_clusters(
    kept: Cluster, absorbed: Cluster, *, actor: User | None, note: str = ""
) -> MergeRecord:
    """Merge ``absorbed`` into ``kept``, losslessly and reversibly (see ``unmerge``).

    Its threads move to ``kept`` as a manager's placement (the batch pass never moves
    them back), carrying their "me too" votes and followers; ``absorbed`` stays as a
    duplicate pointing to ``kept`` so links keep resolving. Their followers are told.
    """
    if kept.pk == absorbed.pk:
        raise TriageError(_("A cluster cannot be merged into itself."), code="same")
    with transaction.atomic():
        pair = Cluster.objects.select_for_update().filter(pk__in=[kept.pk, absorbed.pk])
        locked = {c.pk: c for c in pair}
        kept, absorbed = locked[kept.pk], locked[absorbed.pk]
        if absorbed.merged_into_id or kept.merged_into_id:
            raise TriageError(_("That cluster was already merged."), code="merged")
        record = merge_into(kept, absorbed, actor=actor, manager=True)
        thread_ids = record.thread_ids
        lesson = index.current_index().lesson_for_merge(kept.key, absorbed.key)
        teach(lesson, Lesson.Source.MERGE, cluster=kept, actor=actor, merge=record)
        for cluster, other in ((kept, absorbed), (absorbed, kept)):
            log_event(
                TriageEvent.Action.MERGED, cluster=cluster, actor=actor, note=note,
                kept=kept.pk, absorbed=absorbed.pk, other=other.pk, record=record.pk,
                threads=len(thread_ids),
            )  # fmt: skip
        _notify_joined(thread_ids, kept, actor=actor, joined=True)
        _after_manual_change({kept.pk, absorbed.pk})
    return record


def unmerge(record: MergeRecord, *, actor: User | None, note: str = "") -> Cluster:
    """Undo a merge: exactly the threads it moved (those still in the kept cluster) go
    back with their votes and followers, the absorbed cluster gets its status back, and
    their followers are told. Returns the restored cluster."""
    now = timezone.now()
    with transaction.atomic():
        record = MergeRecord.objects.select_for_update().get(pk=record.pk)
        if record.undone_at:
            raise TriageError(_("This merge was already undone."), code="undone")
        absorbed = Cluster.objects.select_for_update().get(pk=record.absorbed_id)
        kept = Cluster.objects.get(pk=record.kept_id)
        thread_ids = list(
            ThreadTriage.objects.filter(
                thread_id__in=record.thread_ids, cluster_id=kept.pk
            ).values_list("thread_id", flat=True)
        )
        absorbed.merged_into = None
        absorbed.status = record.absorbed_status
        absorbed.save(update_fields=["merged_into", "status", "updated_at"])
        for lesson in record.lessons.filter(withdrawn_at=None):
            lesson.withdrawn_at = now
            lesson.save(update_fields=["withdrawn_at"])
            log_event(TriageEvent.Action.UNLEARNED, cluster=kept, actor=actor,
                      lesson=lesson.pk, ties=lesson.ties)  # fmt: skip
        place_threads(thread_ids, absorbed, by=actor, manager=True)
        record.undone_at = now
        record.save(update_fields=["undone_at"])
        for cluster in (kept, absorbed):
            log_event(
                TriageEvent.Action.UNMERGED, cluster=cluster, actor=actor, note=note,
                kept=kept.pk, absorbed=absorbed.pk, record=record.pk, threads=len(thread_ids),
            )  # fmt: skip
        _notify_joined(thread_ids, absorbed, actor=actor, joined=False)
        _after_manual_change({kept.pk, absorbed.pk})
    return absorbed


def move_threads(
    thread_ids: Iterable[int], target: Cluster | None, *, actor: User | None, note: str = ""
) -> Cluster:
    """Move threads to ``target``, or out to a new cluster when it is None.

    The moves are a manager's placement: the batch pass never undoes them. Returns the
    cluster they are in now.
    """
    ids = sorted({int(t) for t in thread_ids})
    rows = list(
        ThreadTriage.objects.filter(thread_id__in=ids)
        .select_related("thread")
        .only("thread_id", "cluster_id", "thread__title", "thread__product_id", "thread__kind")
    )
    if not rows:
        raise TriageError(_("None of these threads has been triaged yet."), code="empty")
    ids = [r.thread_id for r in rows]
    with transaction.atomic():
        learn_from_move(rows, target, actor)
        if target is None:
            first = rows[0].thread
            target = open_cluster(
                free_key(ids),
                product_id=first.product_id,
                kind=first.kind,
                label=first.title,
                seen=timezone.now(),
                action=TriageEvent.Action.SPLIT,
                actor=actor,
                note=note,
                threads=ids,
            )
        elif target.merged_into_id:
            raise TriageError(_("That cluster was merged into another."), code="merged")
        place_threads(ids, target, by=actor, manager=True)
        TriageEvent.objects.bulk_create(
            TriageEvent(
                action=TriageEvent.Action.MOVED,
                cluster=target,
                thread_id=r.thread_id,
                actor=actor,
                note=note,
                data={"old": r.cluster_id, "new": target.pk},
            )
            for r in rows
        )
        _after_manual_change({target.pk, *(r.cluster_id for r in rows if r.cluster_id)})
    return target


def post_official_reply(cluster: Cluster, reply: ReplyTemplate, *, actor: User) -> int:
    """Post one official reply in every visible member thread of ``cluster``.

    ``reply`` is a saved template or an unsaved one written for this cluster alone.
    Each thread gets the text in its author's language (Indonesian unless they chose
    English), with ``{fixed_in}`` and ``{product}`` filled in (exactly what
    ``selectors.official_reply_preview`` showed); followers are notified by the forum as
    for any official answer. Two reads, then one ``create_post`` per thread. Returns
    how many threads were answered.
    """
    if not actor.is_staff:
        raise TriageError(_("Only staff post official replies."), code="not_staff")
    cluster = Cluster.objects.select_related("product").get(pk=cluster.pk)
    threads = list(
        selectors.reply_threads(cluster)
        .select_related("author")
        .only("id", "locked", "author__id", "author__preferred_language", "author__is_staff")
        .order_by("id")
    )
    bodies = selectors.reply_bodies(cluster, reply)
    languages: Counter = Counter()
    with transaction.atomic():
        for thread in threads:
            language = selectors.reply_language(
                thread.author.preferred_language if thread.author else ""
            )
            languages[language] += 1
            forum_services.create_post(author=actor, thread=thread, body=bodies[language])
        log_event(
            TriageEvent.Action.REPLIED, cluster=cluster, actor=actor, template=reply.pk,
            name=reply.name, threads=len(threads), languages=dict(languages),
        )  # fmt: skip
    return len(threads)
