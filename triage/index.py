"""The engine's state in this process, rebuilt from the database whenever it may be stale.

Each worker keeps one ``ClusterIndex`` in memory. It is a cache: before an assignment,
``current_index`` adds the threads other workers triaged since the last look, and it
starts over from the database whenever the generation counter moved (a batch pass or a
manager's merge or move changes clusters wholesale). A thread another worker placed in a
cluster the cached index would not choose also forces a rebuild, so the cache never
disagrees with the database for long; races it cannot see are repaired by the batch pass.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction
from django.db.models import F

from forum.models import Kind, Product
from triage import engine
from triage.models import EngineState, Lesson, ThreadTriage


def partition(product_id: int | None, kind: str) -> tuple[int | None, str]:
    """Where a thread is clustered: per product, suggestions apart from problems."""
    return (product_id, "suggestion" if kind == Kind.SUGGESTION else "problem")


def bump_generation() -> None:
    """Tell every worker that clusters changed wholesale, so their caches rebuild."""
    EngineState.objects.filter(pk=1).update(generation=F("generation") + 1)


def current_generation() -> int:
    state, _ = EngineState.objects.get_or_create(pk=1)
    return state.generation


@dataclass
class _Cache:
    index: engine.ClusterIndex | None = None
    generation: int = -1
    synced_at: datetime | None = None
    catalog: engine.Catalog | None = None
    catalog_version: tuple = ()
    lock: threading.Lock = field(default_factory=threading.Lock)


_cache = _Cache()


def _stored_rows(queryset: models.QuerySet) -> list[tuple[engine.StoredThread, datetime]]:
    rows = (
        queryset.filter(cluster__isnull=False)
        .values_list(
            "thread_id",
            "terms",
            "cluster__product_id",
            "thread__kind",
            "cluster__key",
            "thread__title",
            "triaged_at",
        )
        .order_by("triaged_at", "thread_id")
    )
    return [
        (
            engine.StoredThread(
                key=tid, terms=terms, product=partition(pid, kind), cluster=ckey, title=title
            ),
            when,
        )
        for tid, terms, pid, kind, ckey, title, when in rows
    ]


def stored_lessons(**where) -> list[engine.Lesson]:
    """What managers' corrections taught, oldest first, as the engine applies it (those
    not withdrawn; ``where`` narrows them, e.g. to one product and kind)."""
    return [
        engine.Lesson(
            part := partition(product_id, kind),
            ties=tuple(engine.Tie(part, a, b) for a, b in ties),
            joined_at=joined_at,
            apart_at=apart_at,
        )
        for product_id, kind, ties, joined_at, apart_at in Lesson.objects.filter(
            withdrawn_at=None, **where
        ).values_list("product_id", "kind", "ties", "joined_at", "apart_at")
    ]


def rebuild() -> engine.ClusterIndex:
    """Build a fresh index from every clustered thread in the database, with what
    managers taught."""
    with transaction.atomic():
        generation = current_generation()
        latest = ThreadTriage.objects.aggregate(latest=models.Max("triaged_at"))["latest"]
        rows = _stored_rows(ThreadTriage.objects.all())
        index = engine.ClusterIndex.from_state((row for row, _ in rows), lessons=stored_lessons())
    _cache.index, _cache.generation, _cache.synced_at = index, generation, latest
    return index


def current_index() -> engine.ClusterIndex:
    """This process's index, brought up to date with the database (see module doc)."""
    with _cache.lock:
        if _cache.index is None or current_generation() != _cache.generation:
            return rebuild()
        newer = ThreadTriage.objects.all()
        if _cache.synced_at is not None:
            newer = newer.filter(triaged_at__gt=_cache.synced_at)
        index = _cache.index
        for row, when in _stored_rows(newer):
            note_assignment(when)
            if row.key in index.index and index.cluster_of(row.key) == row.cluster:
                continue
            if index.add(row.key, row.terms, row.product, row.title).cluster != row.cluster:
                return rebuild()
        return index


def note_assignment(triaged_at: datetime) -> None:
    """Record that this process already holds an assignment it wrote itself."""
    if _cache.synced_at is None or triaged_at > _cache.synced_at:
        _cache.synced_at = triaged_at


def forget() -> None:
    """Drop the cached index and catalog (tests, and after a batch pass in-process)."""
    with _cache.lock:
        _cache.index = None
        _cache.catalog = None
        _cache.generation = -1


def catalog() -> engine.Catalog:
    """The product catalog for detection, rebuilt when products are added or renamed."""
    # The catalog is a few hundred rows at most: reading it is cheaper than tracking edits.
    version = tuple(Product.objects.values_list("pk", "marketing_name", "aliases"))
    if _cache.catalog is None or version != _cache.catalog_version:
        _cache.catalog = engine.Catalog(
            engine.Product(
                key=str(pk),
                name=name,
                aliases=tuple(a.strip() for a in aliases.splitlines() if a.strip()),
            )
            for pk, name, aliases in version
        )
        _cache.catalog_version = version
    return _cache.catalog
