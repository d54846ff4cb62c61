"""The per-thread pipeline: the engine reads a thread, the thread joins (or opens) a
cluster, the cluster's figures follow; and the sweeper, which triages what the per-thread
tasks missed."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from forum import services as forum_services
from forum.models import Kind, Thread
from triage import engine, index
from triage.models import Alert, Cluster, Severity, Source, ThreadTriage, TriageEvent
from triage.services.alerts import ESCALATING, open_alert
from triage.services.audit import log_event
from triage.services.clusters import open_cluster
from triage.services.figures import refresh_figures, relabel
from triage.services.status import check_regression

log = logging.getLogger(__name__)

# Bump when the engine's decisions change, so the sweeper re-triages every thread.
ENGINE_VERSION = "2"
# Where the sweeper stopped (a thread id), so the next sweep goes on from there.
SWEEP_CURSOR = "triage:sweep-cursor"


def content_hash(thread: Thread) -> str:
    """What the engine reads of a thread; unchanged means there is nothing to redo."""
    source = "\x1f".join(
        [
            ENGINE_VERSION,
            thread.title,
            thread.body,
            str(thread.product_id or ""),
            thread.firmware,
            thread.kind,
        ]
    )
    return hashlib.sha256(source.encode()).hexdigest()


def triage_thread(thread_id: int) -> ThreadTriage | None:
    """Analyse one thread, place it in a cluster and refresh that cluster's figures.

    Idempotent: a thread whose content did not change since it was triaged is left
    alone, so a task that runs twice (acks_late, the sweeper) changes nothing. A thread
    already in a cluster stays there when edited (the batch pass moves it if it
    drifted). Returns the thread's triage row, or None for a deleted thread.
    """
    thread = Thread.objects.filter(pk=thread_id).select_related("product").first()
    if thread is None:
        return None
    digest = content_hash(thread)
    existing = ThreadTriage.objects.filter(thread=thread).first()
    if existing and existing.content_hash == digest and existing.cluster_id:
        if thread.edited_at and thread.edited_at > existing.triaged_at:
            # An edit that changed nothing the engine reads: note that it was read, or
            # the sweeper would find the thread "edited since triage" forever.
            existing.triaged_at = timezone.now()
            existing.save(update_fields=["triaged_at"])
        return existing

    analysis = engine.analyse(
        thread.title,
        thread.body,
        product=str(thread.product_id) if thread.product_id else None,
        firmware=thread.firmware or None,
        catalog=index.catalog(),
    )
    product_id = _decide_product(thread, analysis.product)
    now = timezone.now()
    row = existing or ThreadTriage(thread=thread)
    row.product_id = product_id
    row.product_confidence = analysis.product.confidence
    row.product_source = analysis.product.source[:60]
    row.severity = _thread_severity(thread, analysis)
    row.severity_reasons = list(analysis.severity.reasons)
    row.escalation = analysis.escalation.score
    row.escalation_reasons = list(analysis.escalation.reasons)
    row.concepts = analysis.concept_ids
    row.firmware_parts = [p.__dict__ for p in analysis.firmware]
    row.terms = dict(analysis.terms)
    row.content_hash = digest
    row.triaged_at = now

    with transaction.atomic():
        cluster = row.cluster if row.cluster else _assign(thread, row, product_id)
        if thread.kind != Kind.SUGGESTION and not analysis.severity.from_words:
            decision = _severity_from_neighbours(thread.pk, analysis.severity)
            row.severity, row.severity_reasons = decision.level, list(decision.reasons)
        row.save()
    index.note_assignment(now)
    refresh_figures([cluster.pk])
    relabel([cluster.pk])
    check_regression(cluster, thread)
    if row.escalation >= ESCALATING:
        open_alert(
            Alert.Kind.ESCALATION,
            cluster=cluster,
            data={
                "thread": thread.pk,
                "title": thread.title[:120],
                "reasons": row.escalation_reasons[:4],
                "score": row.escalation,
            },
        )
    return row


def _decide_product(thread: Thread, guess: engine.ProductGuess) -> int | None:
    named = int(guess.key) if guess.is_sure and guess.key is not None else None
    if thread.product_id:
        if named is not None and named != thread.product_id:
            # The fan picked one phone but writes only about another: cluster it with
            # the phone it is about; the thread stays where it was filed until a
            # manager moves it.
            log_event(TriageEvent.Action.PRODUCT, thread_id=thread.pk,
                      note=", ".join(guess.matched), product=named,
                      chosen=thread.product_id, confidence=guess.confidence)  # fmt: skip
            return named
        return thread.product_id
    if named is None:
        return None  # waits in the unassigned queue for a manager
    # An imported complaint that names its phone gets that product, for fans too.
    forum_services.fill_in_product(thread=thread, product_id=named)
    log_event(
        TriageEvent.Action.PRODUCT,
        thread_id=thread.pk,
        note=", ".join(guess.matched),
        product=named,
        confidence=guess.confidence,
    )
    return named


def _thread_severity(thread: Thread, analysis: engine.Analysis) -> str:
    if thread.kind == Kind.SUGGESTION:
        return Severity.SUGGESTION
    return analysis.severity.level


def _severity_from_neighbours(thread_id: int, own: engine.SeverityDecision):
    """A thread whose words name no symptom borrows the severity of its most similar
    reports whose words did (``engine.severity.from_neighbours``); one query."""
    cluster_index = index.current_index()
    if thread_id not in cluster_index.index:
        return own
    similar = dict(cluster_index.similar_to(thread_id, k=engine.severity.NEIGHBOURS))
    stored = ThreadTriage.objects.filter(thread_id__in=list(similar)).values_list(
        "thread_id", "severity", "severity_reasons"
    )
    return engine.severity.from_neighbours(
        own,
        [(engine.SeverityDecision(level, tuple(why)), similar[tid]) for tid, level, why in stored],
    )


def _assign(thread: Thread, row: ThreadTriage, product_id: int | None) -> Cluster:
    cluster_index = index.current_index()
    placed = cluster_index.add(
        thread.pk, row.terms, index.partition(product_id, thread.kind), thread.title
    )
    key = cast(int, placed.cluster)  # the engine keys clusters by a thread id
    if placed.created:
        cluster = open_cluster(
            key,
            product_id=product_id,
            kind=thread.kind,
            label=thread.title,
            severity=row.severity,
            seen=thread.created_at,
            thread_id=thread.pk,
        )
    else:
        cluster = Cluster.objects.get(key=key)
    row.cluster = cluster
    row.similarity = round(placed.similarity, 4)
    row.assignment = Source.ENGINE
    row.assigned_at = row.triaged_at
    log_event(
        TriageEvent.Action.ASSIGNED, cluster=cluster, thread_id=thread.pk, similarity=row.similarity
    )
    return cluster


# --- the sweeper ---------------------------------------------------------------------


def untriaged_threads(limit: int = 500, after: int = 0) -> list[int]:
    """Threads never triaged, or edited since, older than the grace period (task is late).

    Round robin by id: the first ``limit`` after thread ``after``, then from the start,
    so a backlog (or threads that keep failing) cannot starve the ones behind it.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.TRIAGE_SWEEP_GRACE_SECONDS)
    due = (
        Thread.objects.filter(created_at__lte=cutoff)
        .filter(Q(triage__isnull=True) | Q(edited_at__gt=F("triage__triaged_at")))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(due.filter(pk__gt=after)[:limit])
    if len(ids) < limit and after:
        ids += list(due.filter(pk__lte=after)[: limit - len(ids)])
    return ids


def sweep(limit: int = 500) -> int:
    """Triage what the per-thread tasks missed (broker down, worker lost), ``limit`` at a
    time, continuing where the last sweep stopped. A thread that fails is logged and
    left for a later sweep; it never stops the others. Returns how many were triaged."""
    after = cache.get(SWEEP_CURSOR) or 0
    ids = untriaged_threads(limit, after=after)
    done = 0
    for thread_id in ids:
        try:
            triage_thread(thread_id)
            done += 1
        except OperationalError:
            raise  # the database is away: the task retries with backoff
        except Exception:
            log.exception("sweeper could not triage thread %s; it is retried later", thread_id)
    if ids:
        cache.set(SWEEP_CURSOR, ids[-1] if len(ids) == limit else 0, None)
    return done


def refresh_thread_cluster(thread_id: int) -> None:
    """Refresh the figures of a thread's cluster after a reply, a "me too" or an edit."""
    cluster_id = _cluster_of(thread_id)
    if cluster_id:
        refresh_figures([cluster_id])


def thread_visibility_changed(thread_id: int) -> None:
    """A thread (or one of its replies) was hidden, restored or deleted: its cluster's
    figures and label are recomputed from what is visible now."""
    cluster_id = _cluster_of(thread_id)
    if cluster_id:
        refresh_figures([cluster_id])
        relabel([cluster_id])


def _cluster_of(thread_id: int) -> int | None:
    rows = ThreadTriage.objects.filter(thread_id=thread_id).values_list("cluster_id", flat=True)
    return rows.first()
