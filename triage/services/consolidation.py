"""The batch pass: merge clusters that drifted together, move out threads that drifted
apart. Its merges are recorded like a manager's, so a manager can undo them."""

from __future__ import annotations

from collections import defaultdict
from typing import cast

from django.db import transaction

from forum.models import Kind, Thread
from triage import engine, index
from triage.models import Cluster, ClusterStatus, Source, ThreadTriage, TriageEvent
from triage.services.audit import log_event
from triage.services.clusters import merge_into, open_cluster, place_threads
from triage.services.figures import refresh_figures, relabel


def consolidate_clusters() -> engine.Consolidation:
    """Merge clusters that drifted together and move out threads that drifted apart.

    Never undoes a manager: threads a manager placed are not moved, and clusters holding
    such threads are not merged automatically. The larger cluster of a merge keeps its
    id; the absorbed one points to it (``merged_into``) so old links still resolve, and
    a ``MergeRecord`` lets a manager undo the merge (``unmerge``).
    """
    cluster_index = index.rebuild()
    result = cluster_index.consolidate()
    pinned = set(
        ThreadTriage.objects.filter(assignment=Source.MANAGER).values_list("thread_id", flat=True)
    )
    curated_keys = set(
        Cluster.objects.filter(members__assignment=Source.MANAGER).values_list("key", flat=True)
    )
    # The engine keys clusters (and names moved threads) by thread ids.
    merges = [(cast(int, a), cast(int, b)) for a, b in result.merges]
    moves = [(cast(int, t), cast(int, a), cast(int, b)) for t, a, b in result.moves]
    by_key = {
        c.key: c
        for c in Cluster.objects.filter(
            key__in={k for pair in merges for k in pair}
            | {m[1] for m in moves}
            | {m[2] for m in moves}
        )
    }
    touched: set[int] = set()
    moving: dict[int, list[int]] = defaultdict(list)  # cluster id -> threads moved in
    with transaction.atomic():
        for kept_key, gone_key in merges:
            kept, gone = by_key.get(kept_key), by_key.get(gone_key)
            if not kept or not gone or {kept_key, gone_key} & curated_keys:
                continue
            record = merge_into(kept, gone, actor=None, manager=False)
            log_event(
                TriageEvent.Action.MERGED,
                cluster=kept,
                kept=kept.pk,
                absorbed=gone.pk,
                record=record.pk,
                threads=len(record.thread_ids),
                batch=True,
            )
            touched |= {kept.pk, gone.pk}
        for thread_key, old_key, new_key in moves:
            if thread_key in pinned:
                continue
            new = by_key.get(new_key)
            if new is None:
                old = by_key.get(old_key)
                new = open_cluster(
                    new_key,
                    product_id=old.product_id if old else None,
                    kind=old.kind if old else Kind.PROBLEM,
                    label=Thread.objects.values_list("title", flat=True).get(pk=thread_key),
                    action=TriageEvent.Action.SPLIT,
                    thread_id=thread_key,
                )
                by_key[new_key] = new
            elif new.merged_into_id:
                # The key is a thread's id, and that thread's first cluster was merged
                # away: the engine opens it again rather than filling a duplicate.
                new.merged_into = None
                new.status = ClusterStatus.NEW
                new.save(update_fields=["merged_into", "status", "updated_at"])
                log_event(TriageEvent.Action.SPLIT, cluster=new, thread_id=thread_key)
            moving[new.pk].append(thread_key)
            log_event(TriageEvent.Action.MOVED, cluster=new, thread_id=thread_key, old=old_key)
            touched.add(new.pk)
            if old_key in by_key:
                touched.add(by_key[old_key].pk)
        clusters = {c.pk: c for c in by_key.values()}
        for cluster_id, thread_ids in moving.items():
            place_threads(thread_ids, clusters[cluster_id], manager=False)
        index.bump_generation()
    refresh_figures(touched)
    relabel(touched)
    index.forget()
    return result
