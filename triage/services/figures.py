"""A cluster's figures, recomputed from its visible threads: spread, severity (the
engine's vote, unless a manager set it), heat, and its label."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from forum.models import VISIBLE, MeToo, Post, Thread
from triage import engine, index
from triage.engine.spread import SpreadFigures, heat
from triage.models import Cluster, Source, ThreadTriage

# The engine's reasons kept with a cluster's severity: the commonest among its threads.
EVIDENCE_REASONS = 5
DAILY_DAYS = 30


def refresh_figures(cluster_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recompute spread, severity and heat of these clusters from their threads.

    A fixed number of grouped queries whatever the number of clusters, then one bulk
    update. Returns how many clusters were refreshed.
    """
    ids = list(set(cluster_ids))
    if not ids:
        return 0
    now = now or timezone.now()
    day_ago, two_days_ago = now - timedelta(hours=24), now - timedelta(hours=48)
    members = Thread.objects.filter(VISIBLE, triage__cluster_id__in=ids)
    stats = {
        r["triage__cluster_id"]: r
        for r in members.values("triage__cluster_id").annotate(
            threads=Count("id"),
            me_too=Sum("me_too_count"),
            replies=Sum("reply_count"),
            first=Min("created_at"),
            last=Max("created_at"),
            escalation=Max("triage__escalation"),
            recent=Count("id", filter=Q(created_at__gte=day_ago)),
            previous=Count("id", filter=Q(created_at__gte=two_days_ago, created_at__lt=day_ago)),
        )
    }
    me_toos = MeToo.objects.filter(thread__in=members)
    for r in me_toos.values("thread__triage__cluster_id").annotate(
        last=Max("created_at"),
        recent=Count("id", filter=Q(created_at__gte=day_ago)),
        previous=Count("id", filter=Q(created_at__gte=two_days_ago, created_at__lt=day_ago)),
    ):
        s = stats.get(r["thread__triage__cluster_id"])
        if s:
            s["last"] = max(s["last"], r["last"])
            s["recent"] += r["recent"]
            s["previous"] += r["previous"]

    people: dict[int, set] = defaultdict(set)
    for cid, author, external in members.values_list(
        "triage__cluster_id", "author_id", "external_author"
    ):
        people[cid].add(author or f"ext:{external}")
    for cid, user in me_toos.values_list("thread__triage__cluster_id", "user_id"):
        people[cid].add(user)

    daily: dict[int, dict[str, int]] = defaultdict(Counter)
    since = now - timedelta(days=DAILY_DAYS)
    tz = timezone.get_default_timezone()
    for qs, key in ((members, "triage__cluster_id"), (me_toos, "thread__triage__cluster_id")):
        for r in (
            qs.filter(created_at__gte=since)
            .annotate(day=TruncDate("created_at", tzinfo=tz))
            .values(key, "day")
            .annotate(n=Count("id"))
        ):
            daily[r[key]][r["day"].isoformat()] += r["n"]

    firmware: dict[int, dict[str, int]] = defaultdict(dict)
    for r in (
        members.exclude(firmware="")
        .values("triage__cluster_id", "firmware")
        .annotate(n=Count("id"))
    ):
        firmware[r["triage__cluster_id"]][r["firmware"]] = r["n"]
    products: dict[int, list[int]] = defaultdict(list)
    for cid, pid in (
        members.exclude(product=None).values_list("triage__cluster_id", "product_id").distinct()
    ):
        products[cid].append(pid)
    votes: dict[int, Counter] = defaultdict(Counter)
    for r in members.values("triage__cluster_id", "triage__severity").annotate(n=Count("id")):
        votes[r["triage__cluster_id"]][r["triage__severity"]] = r["n"]
    reasons: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for cid, level, thread_reasons in ThreadTriage.objects.filter(
        cluster_id__in=ids, thread__is_deleted=False, thread__is_hidden=False
    ).values_list("cluster_id", "severity", "severity_reasons"):
        reasons[cid, level].update(set(thread_reasons))
    answered = dict(
        Post.objects.filter(VISIBLE, is_official=True, thread__in=members)
        .values("thread__triage__cluster_id")
        .annotate(first=Min("created_at"))
        .values_list("thread__triage__cluster_id", "first")
    )
    escalation_words = dict(
        ThreadTriage.objects.filter(cluster_id__in=ids, escalation__gt=0)
        .order_by("cluster_id", "escalation")
        .values_list("cluster_id", "escalation_reasons")
    )

    clusters = list(Cluster.objects.filter(pk__in=ids).select_related("product"))
    for c in clusters:
        before = _synced_figures(c)
        s = stats.get(c.pk)
        if s is None:  # emptied by a merge or a move
            c.threads = c.reporters = c.me_too = c.replies = c.reports_24h = 0
            c.reports_prev_24h, c.heat, c.growth, c.reports_per_hour = 0, 0.0, 0.0, 0.0
            if _synced_figures(c) != before:
                c.updated_at = now
            continue
        c.threads, c.me_too, c.replies = s["threads"], s["me_too"] or 0, s["replies"] or 0
        c.first_answered_at = answered.get(c.pk)
        c.reporters = len(people[c.pk])
        c.first_seen, c.last_seen = s["first"], s["last"]
        c.reports_24h, c.reports_prev_24h = s["recent"], s["previous"]
        c.reports_per_hour = round(s["recent"] / 24, 3)
        c.growth = round(engine.spread.growth(s["recent"], s["previous"]), 3)
        c.escalation = round(s["escalation"] or 0.0, 3)
        c.escalation_reasons = escalation_words.get(c.pk, [])
        c.firmware = dict(sorted(firmware[c.pk].items(), key=lambda kv: -kv[1]))
        c.products = sorted(products[c.pk])
        c.daily = sorted(daily[c.pk].items())
        devices = c.product.active_devices if c.product else None
        density = engine.spread.per_100k(c.reporters, devices)
        c.per_100k_devices = round(density, 2) if density is not None else None
        if c.severity_source == Source.ENGINE:
            level, count = engine.cluster_severity(votes[c.pk], c.threads)
            c.severity = level
            c.severity_reason = ""
            c.severity_evidence = {
                "count": count,
                "total": c.threads,
                "reasons": [r for r, _n in reasons[c.pk, level].most_common(EVIDENCE_REASONS)],
            }
        c.heat = heat(
            SpreadFigures(
                severity=c.severity,
                reporters=c.reporters,
                me_too=c.me_too,
                replies=c.replies,
                reports_last_24h=c.reports_24h,
                reports_previous_24h=c.reports_prev_24h,
                days_since_last_report=(now - c.last_seen).total_seconds() / 86400,
                escalation=c.escalation,
                active_devices=devices,
            )
        )
        # Heat decays by the hour; only a change engineers sync on moves updated_at.
        if _synced_figures(c) != before:
            c.updated_at = now
    Cluster.objects.bulk_update(
        clusters,
        [
            "threads",
            "reporters",
            "me_too",
            "replies",
            "first_seen",
            "last_seen",
            "reports_24h",
            "reports_prev_24h",
            "reports_per_hour",
            "growth",
            "escalation",
            "escalation_reasons",
            "firmware",
            "products",
            "daily",
            "per_100k_devices",
            "severity",
            "severity_reason",
            "severity_evidence",
            "first_answered_at",
            "heat",
            "updated_at",
        ],
    )
    return len(clusters)


SYNCED_FIGURES = ("threads", "reporters", "me_too", "replies", "severity", "firmware", "products")


def _synced_figures(cluster: Cluster) -> tuple:
    return tuple(getattr(cluster, name) for name in SYNCED_FIGURES)


def refresh_all_figures(batch: int = 500) -> int:
    """Recompute every live cluster (the periodic heat job), a batch at a time."""
    ids = list(Cluster.objects.filter(merged_into=None).values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        refresh_figures(ids[start : start + batch])
    return len(ids)


def relabel(cluster_ids: Iterable[int]) -> None:
    """Give clusters their engine label: top terms and the most central thread's title.

    Only visible threads speak for a cluster: a hidden or deleted thread's title and
    words never become its public label (hiding a thread relabels its cluster).
    """
    cluster_index = index.current_index()
    clusters = list(Cluster.objects.filter(pk__in=list(cluster_ids), merged_into=None))
    hidden = set(
        Thread.objects.filter(triage__cluster__in=clusters)
        .exclude(VISIBLE)
        .values_list("pk", flat=True)
    )
    known = cluster_index.clusters
    for c in clusters:
        if c.key in known:
            label = cluster_index.label(c.key, hidden=hidden)
            c.top_terms = list(label.terms)
            c.label = label.title[:300]
    Cluster.objects.bulk_update(clusters, ["top_terms", "label"])
