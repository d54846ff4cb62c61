"""What a manager's correction teaches the engine (``Lesson`` rows every worker's index
applies), logged in the cluster's audit trail."""

from __future__ import annotations

from typing import cast

from triage import engine, index
from triage.models import Cluster, Lesson, ThreadTriage, TriageEvent
from triage.services.audit import log_event


def learn_from_move(rows: list[ThreadTriage], target: Cluster | None, actor) -> None:
    """What moving these threads teaches the engine: into ``target``, a lesson of joining;
    out to a cluster of their own, one of separation from each cluster they left."""
    cluster_index = index.current_index()
    sources = Cluster.objects.filter(pk__in={r.cluster_id for r in rows})
    keys = dict(sources.values_list("pk", "key"))
    if target is not None:
        lesson = cluster_index.lesson_for_move([r.thread_id for r in rows], target.key)
        teach(lesson, Lesson.Source.MOVE, cluster=target, actor=actor)
        return
    for cluster_id, key in keys.items():
        moved = [r.thread_id for r in rows if r.cluster_id == cluster_id]
        lesson = cluster_index.lesson_for_split(moved, key)
        teach(lesson, Lesson.Source.SPLIT, cluster=Cluster(pk=cluster_id), actor=actor)


def teach(
    lesson: engine.Lesson | None, source: str, *, cluster: Cluster, actor, merge=None
) -> None:
    """Keep what a correction taught (if anything) and say so in the cluster's audit
    trail, with the product's link threshold it leads to."""
    if lesson is None or not (lesson.ties or lesson.joined_at or lesson.apart_at):
        return
    product_id, kind = cast(tuple[int | None, str], lesson.product)  # index.partition's
    row = Lesson.objects.create(
        product_id=product_id,
        kind=kind,
        source=source,
        merge=merge,
        ties=[[t.a, t.b] for t in lesson.ties],
        joined_at=round(lesson.joined_at, 4) if lesson.joined_at is not None else None,
        apart_at=round(lesson.apart_at, 4) if lesson.apart_at is not None else None,
        taught_by=actor,
    )
    link = engine.learned_link(index.stored_lessons(product_id=product_id, kind=kind))
    log_event(TriageEvent.Action.LEARNED, cluster=cluster, actor=actor, lesson=row.pk,
              ties=row.ties, joined_at=row.joined_at, apart_at=row.apart_at,
              link=round(link, 3))  # fmt: skip
