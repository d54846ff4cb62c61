"""Reads of triage data that pages (fans' and managers') and the API share.

Each costs a fixed number of queries whatever the number of clusters or threads.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import ngettext

from forum import markdown
from forum.models import VISIBLE, Follow, Kind, Product, Thread
from forum.templatetags.forum_tags import ago
from triage import engine, index
from triage.models import (
    Alert,
    Cluster,
    ClusterStatus,
    Forward,
    MergeRecord,
    ReplyTemplate,
    Severity,
    ThreadTriage,
    TriageEvent,
)

# Statuses fans see on the known-issues page: a manager or engineering has looked.
KNOWN_STATUSES = (
    ClusterStatus.CONFIRMED,
    ClusterStatus.FORWARDED,
    ClusterStatus.ACKNOWLEDGED,
    ClusterStatus.REGRESSED,
    ClusterStatus.FIXED,
)
CLUSTER_THREADS_PER_PAGE = 25
SIMILAR_LIMIT = 5


@dataclass(frozen=True)
class ThreadClusterStatus:
    """What a fan sees on a thread that belongs to a cluster."""

    cluster_id: int
    status: str
    status_label: str
    fixed_in: str
    others: int  # other people with this problem (reporters and "me too", minus one)
    other_threads: int

    @property
    def people(self) -> int:
        """Everyone with this problem (reporters and "me too")."""
        return self.others + 1


# Written out: the ORM compiling this join cost more than the database spends on it, on
# every thread page.
_THREAD_CLUSTER_SQL = """
SELECT c.id, c.status, c.fixed_in, c.reporters, c.threads
FROM triage_threadtriage tt JOIN triage_cluster c ON c.id = tt.cluster_id
WHERE tt.thread_id = %s
"""


def thread_cluster_status(thread_id: int) -> ThreadClusterStatus | None:
    """The status of the cluster a thread belongs to, or None (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_THREAD_CLUSTER_SQL, [thread_id])
        row = cursor.fetchone()
    if row is None:
        return None
    cluster_id, status, fixed_in, reporters, threads = row
    return ThreadClusterStatus(
        cluster_id=cluster_id,
        status=status,
        status_label=str(ClusterStatus(status).label),
        fixed_in=fixed_in,
        others=max(0, reporters - 1),
        other_threads=max(0, threads - 1),
    )


def public_cluster(cluster_id: int) -> Cluster:
    """A cluster as fans may see it; a merged one resolves to where it went (one query,
    two after a merge). Raises Cluster.DoesNotExist."""
    cluster = Cluster.objects.select_related("product").get(pk=cluster_id)
    if cluster.merged_into_id:
        cluster = Cluster.objects.select_related("product").get(pk=cluster.merged_into_id)
    if not cluster.threads:  # every thread taken down: nothing of it is public
        raise Cluster.DoesNotExist
    return cluster


def cluster_threads(cluster: Cluster, *, page=1, per_page: int = CLUSTER_THREADS_PER_PAGE):
    """One page of a cluster's visible threads, most "me too" first (count + page)."""
    qs = (
        Thread.objects.filter(VISIBLE, triage__cluster=cluster)
        .select_related("product")
        .only(
            "id",
            "title",
            "kind",
            "status",
            "fixed_in",
            "firmware",
            "me_too_count",
            "reply_count",
            "created_at",
            "product__id",
            "product__marketing_name",
            "product__slug",
        )  # fmt: skip
        .order_by("-me_too_count", "-created_at", "-id")
    )
    return Paginator(qs, per_page).get_page(page)


def known_issues(product: Product, *, limit: int = 100) -> list[Cluster]:
    """A product's problems managers confirmed or engineering took on, hottest first."""
    return list(
        Cluster.objects.filter(
            product=product, status__in=KNOWN_STATUSES, merged_into=None, threads__gt=0
        )
        .only(
            "id",
            "label",
            "kind",
            "status",
            "fixed_in",
            "severity",
            "threads",
            "reporters",
            "me_too",
            "last_seen",
            "heat",
        )  # fmt: skip
        .order_by("-heat", "id")[:limit]
    )


def fixed_versions(*, limit: int = 200) -> list[dict]:
    """Versions with community-reported problems fixed in them, with how many, newest
    fix first: ``{"version", "clusters"}``."""
    return list(
        Cluster.objects.filter(status=ClusterStatus.FIXED, merged_into=None, threads__gt=0)
        .exclude(fixed_in="")
        .values("fixed_in")
        .annotate(clusters=Count("id"))
        .order_by("-clusters", "fixed_in")
        .values("fixed_in", "clusters")[:limit]
    )


def fixed_in_release(version: str) -> list[Cluster]:
    """Problems and suggestions shipped in ``version``, by product then heat."""
    return list(
        Cluster.objects.filter(
            status=ClusterStatus.FIXED, fixed_in=version, merged_into=None, threads__gt=0
        )
        .select_related("product")
        .only(
            "id",
            "label",
            "kind",
            "severity",
            "threads",
            "reporters",
            "fixed_in",
            "product__id",
            "product__marketing_name",
            "product__slug",
        )  # fmt: skip
        .order_by("product__marketing_name", "-heat", "id")
    )


def similar_threads(
    *,
    title: str,
    body: str,
    product_id: int | None,
    kind: str = Kind.PROBLEM,
    limit: int = SIMILAR_LIMIT,
) -> list[dict]:
    """Existing threads like a draft, best first, so the fan adds a "me too" (a vote, for
    a suggestion) instead of a duplicate: problems for a problem or question, suggestions
    for a suggestion. Reads the engine's in-memory index (see ``triage.index``) and one
    query for the threads with their product, problem status and pinned answer. Each is
    ``{"id", "title", "url", "kind", "product", "status", "age", "people", "people_text",
    "official", "me_too", "replies", "score"}``, strings in the active language."""
    text = f"{title} {body}".strip()
    if len(text) < 4:
        return []
    wanted = Kind.SUGGESTION if kind == Kind.SUGGESTION else Kind.PROBLEM
    # Read as the pipeline will read the posted thread (product names masked), and
    # suggest only what the assignment would join: a thread at the engine's link
    # threshold, so "the same problem" shown here is where the thread lands.
    analysis = engine.analyse(
        title,
        body,
        product=str(product_id) if product_id else None,
        catalog=index.catalog(),
    )
    if not analysis.terms:
        return []
    cluster_index = index.current_index()
    terms = dict(analysis.terms)
    if product_id:
        partition = index.partition(product_id, wanted)
        found = cluster_index.similar(terms, k=limit * 3, product=partition)
    else:
        found = cluster_index.similar(terms, k=limit * 3, any_product=True)
    scores = {key: score for key, score in found if score >= cluster_index.link_threshold}
    if not scores:
        return []
    threads = (
        Thread.objects.filter(VISIBLE, pk__in=list(scores), kind=wanted)
        .select_related("product", "pinned_post")
        .annotate(
            cluster_status=F("triage__cluster__status"),
            cluster_fixed_in=F("triage__cluster__fixed_in"),
            cluster_people=F("triage__cluster__reporters"),
        )
        .only(
            "id", "title", "kind", "status", "fixed_in", "created_at", "me_too_count",
            "reply_count", "product__marketing_name", "pinned_post__body",
            "pinned_post__is_deleted", "pinned_post__is_hidden",
        )
    )  # fmt: skip
    ranked = sorted(threads, key=lambda t: (-scores[t.pk], t.pk))[:limit]
    return [_suggestion(t, scores[t.pk]) for t in ranked]


def _suggestion(thread: Any, score: float) -> dict:
    """One suggestion: ``thread`` is a Thread annotated with its cluster's status,
    fixed-in version and people (``similar_threads``)."""
    people = max(thread.cluster_people or 0, thread.me_too_count + 1)
    if thread.kind == Kind.SUGGESTION:
        people_text = ngettext("%(n)d person wants this", "%(n)d people want this", people) % {
            "n": people
        }
    else:
        people_text = ngettext("%(n)d person has this", "%(n)d people have this", people) % {
            "n": people
        }
    status = ""
    if thread.cluster_status and thread.cluster_status != ClusterStatus.NEW:
        status = render_to_string(
            "triage/_status_text.html",
            {"status": thread.cluster_status, "fixed_in": thread.cluster_fixed_in},
        ).strip()
    elif thread.status != "open":
        status = str(thread.get_status_display())
    pinned = thread.pinned_post
    official = ""
    if pinned is not None and pinned.is_visible:
        official = Truncator(" ".join(pinned.body.split())).chars(160)
    return {
        "id": thread.pk,
        "title": thread.title,
        "url": thread.get_absolute_url(),
        "kind": thread.kind,
        "product": thread.product.marketing_name if thread.product else "",
        "status": status,
        "age": ago(thread.created_at),
        "people": people,
        "people_text": people_text,
        "official": official,
        "me_too": thread.me_too_count,
        "replies": thread.reply_count,
        "score": round(score, 3),
    }


# --- the managers' cluster page ------------------------------------------------------------

MEMBERS_SHOWN = 50
EVENTS_SHOWN = 30


def cluster_console(cluster: Cluster, *, page=1) -> dict:
    """What the cluster page shows beside the figures: a page of member threads (with
    the total), the latest audit events and the merges into or out of it. Five queries."""
    members = (
        ThreadTriage.objects.filter(cluster=cluster)
        .select_related("thread", "thread__author", "assigned_by")
        .only(
            "thread_id",
            "similarity",
            "assignment",
            "severity",
            "assigned_at",
            "assigned_by__id",
            "assigned_by__display_name",
            "assigned_by__email",
            "thread__id",
            "thread__title",
            "thread__firmware",
            "thread__me_too_count",
            "thread__reply_count",
            "thread__created_at",
            "thread__is_hidden",
            "thread__is_deleted",
            "thread__author__id",
            "thread__author__display_name",
            "thread__author__email",
            "thread__external_author",
        )  # fmt: skip
        .order_by("-thread__created_at", "-thread_id")
    )
    page_obj = Paginator(members, MEMBERS_SHOWN).get_page(page)
    events = list(
        TriageEvent.objects.filter(cluster=cluster)
        .select_related("actor", "thread")
        .only(
            "id",
            "cluster_id",
            "action",
            "note",
            "data",
            "created_at",
            "actor__id",
            "actor__display_name",
            "actor__email",
            "thread__id",
            "thread__title",
        )[
            # fmt: skip
            :EVENTS_SHOWN
        ]
    )
    merges = list(
        MergeRecord.objects.filter(Q(kept=cluster) | Q(absorbed=cluster))
        .select_related("kept", "absorbed", "merged_by")
        .only(
            "id",
            "thread_ids",
            "absorbed_status",
            "merged_at",
            "undone_at",
            "kept__id",
            "kept__label",
            "absorbed__id",
            "absorbed__label",
            "merged_by__id",
            "merged_by__display_name",
            "merged_by__email",
        )[
            # fmt: skip
            :20
        ]
    )
    for event in events:
        event.cluster = cluster  # their sentences name it; no query per event
    return {"members": page_obj, "events": events, "merges": merges}


# --- the engineering feed (REST API) --------------------------------------------------------

SAMPLE_THREADS = 5


def feed_clusters() -> QuerySet[Cluster]:
    """Every cluster as the engineering feed shows it (merged ones too, so a sync sees
    them go), with its product; no query until evaluated."""
    return Cluster.objects.select_related("product")


def feed_cluster(cluster_id: int) -> Cluster:
    """One cluster of the feed with its forwards (two queries); raises
    Cluster.DoesNotExist."""
    forwards = Forward.objects.only("id", "cluster_id", "note", "ticket_url", "created_at")
    return (
        feed_clusters()
        .prefetch_related(Prefetch("forwards", queryset=forwards.order_by("-created_at", "-id")))
        .get(pk=cluster_id)
    )


def feed_threads(cluster: Cluster) -> QuerySet[Thread]:
    """A cluster's visible threads for engineering: no author, no email (no query until
    evaluated; order it yourself)."""
    return Thread.objects.filter(VISIBLE, triage__cluster=cluster).only(
        "id", "title", "body", "firmware", "product", "kind", "status", "created_at",
        "external_id", "source_url", "me_too_count", "reply_count",
    )  # fmt: skip


def sample_threads(cluster: Cluster, limit: int = SAMPLE_THREADS) -> list[Thread]:
    """A few of a cluster's threads to read: most "me too" first, then newest (one query)."""
    return list(feed_threads(cluster).order_by("-me_too_count", "-created_at", "-id")[:limit])


# --- official replies ------------------------------------------------------------------


def reply_language(preferred_language: str) -> str:
    """The language of the official reply a thread gets, from its author's preference:
    English for those who chose it, Indonesian for everyone else."""
    return "en" if preferred_language == "en" else "id"


def reply_threads(cluster: Cluster) -> QuerySet[Thread]:
    """The threads an official reply to ``cluster`` is posted in (no query until read)."""
    return Thread.objects.filter(VISIBLE, triage__cluster=cluster)


def reply_bodies(cluster: Cluster, reply: ReplyTemplate) -> dict[str, str]:
    """A reply's text for this cluster in each language, ``{fixed_in}`` and
    ``{product}`` filled in: ``{"id": ..., "en": ...}``."""
    product = cluster.product.marketing_name if cluster.product else ""

    def fill(text: str) -> str:
        return text.replace("{fixed_in}", cluster.fixed_in or "").replace("{product}", product)

    return {"id": fill(reply.body_id), "en": fill(reply.body_en)}


def official_reply_preview(cluster: Cluster, reply: ReplyTemplate, *, actor) -> dict:
    """What posting ``reply`` to ``cluster`` would do, before it is done: the text
    each language gets, rendered as fans will see it, how many threads get each, and
    how many people (followers of those threads but the poster) are notified. Two
    queries."""
    threads = reply_threads(cluster)
    per_language: dict[str, int] = {"id": 0, "en": 0}
    for preferred, n in (
        threads.values("author__preferred_language")
        .annotate(n=Count("id"))
        .values_list("author__preferred_language", "n")
    ):
        per_language[reply_language(preferred or "")] += n
    people = (
        Follow.objects.filter(thread__in=threads)
        .exclude(user=actor)
        .values("user")
        .distinct()
        .count()
    )
    bodies = reply_bodies(cluster, reply)
    return {
        "cluster": cluster,
        "languages": [
            {
                "code": code,
                "threads": per_language[code],
                "body": bodies[code],
                "html": markdown.render(bodies[code]),
            }
            for code in ("id", "en")
        ],  # fmt: skip
        "threads": sum(per_language.values()),
        "people": people,
    }


# --- the console's home page -------------------------------------------------------------

HOME_ROWS = 8
# Response times are the medians of what happened in this window.
RESPONSE_DAYS = 90
OPEN_STATUSES = (
    ClusterStatus.NEW,
    ClusterStatus.CONFIRMED,
    ClusterStatus.FORWARDED,
    ClusterStatus.ACKNOWLEDGED,
    ClusterStatus.REGRESSED,
)
WITH_ENGINEERING = (ClusterStatus.FORWARDED, ClusterStatus.ACKNOWLEDGED, ClusterStatus.REGRESSED)
HOME_COLUMNS = (
    "id", "label", "severity", "status", "threads", "reporters", "reports_24h",
    "reports_prev_24h", "first_seen", "forwarded_at", "ticket_url", "product__id",
    "product__marketing_name",
)  # fmt: skip


@dataclass(frozen=True)
class ResponseTimes:
    """How long a cluster's fans waited for each answer, from its first report; None
    for what has not happened yet."""

    answer: timedelta | None
    forward: timedelta | None
    fix: timedelta | None


def response_times(cluster: Cluster) -> ResponseTimes:
    """Time to the first official answer, to engineering, to the fix (no query)."""

    def since_first(moment):
        if moment is None or cluster.first_seen is None:
            return None
        return max(timedelta(0), moment - cluster.first_seen)

    return ResponseTimes(
        since_first(cluster.first_answered_at),
        since_first(cluster.forwarded_at),
        since_first(cluster.fixed_at),
    )


def _median(values: list[timedelta]) -> timedelta | None:
    return (
        timedelta(seconds=statistics.median(v.total_seconds() for v in values)) if values else None
    )


def response_medians(now: datetime | None = None, days: int = RESPONSE_DAYS) -> list[dict]:
    """Median time to first official answer, to engineering and to the fix, per product
    and for all products (the first row, ``product`` None), over what happened in the
    last ``days`` days: ``{"product", "answer", "forward", "fix"}`` with the median and
    how many clusters it is the median of. One query."""
    since = (now or timezone.now()) - timedelta(days=days)
    recent = Q(first_answered_at__gte=since) | Q(forwarded_at__gte=since) | Q(fixed_at__gte=since)
    rows = (
        Cluster.objects.filter(recent, merged_into=None, first_seen__isnull=False)
        .values_list("product__marketing_name", "first_seen", "first_answered_at", "forwarded_at",
                     "fixed_at")
    )  # fmt: skip
    spans: dict[str | None, dict[str, list[timedelta]]] = defaultdict(
        lambda: {"answer": [], "forward": [], "fix": []}
    )
    for product, first, *moments in rows:
        assert first is not None  # filtered above
        for name, moment in zip(("answer", "forward", "fix"), moments, strict=True):
            if moment is not None and moment >= since:
                for key in (None, product or ""):
                    spans[key][name].append(max(timedelta(0), moment - first))
    return [
        {
            "product": product,
            **{
                name: {"median": _median(values), "clusters": len(values)}
                for name, values in spans[product].items()
            },
        }  # fmt: skip
        for product in [None, *sorted(k for k in spans if k is not None)]
        if product in spans
    ]


def console_home(now: datetime | None = None) -> dict:
    """What needs a community manager now, for the console's home page: the open
    alerts, the clusters rising fastest in the last 24 hours, the critical and major
    ones fans still wait on for an official answer, those waiting on engineering, and
    the response times. A fixed number of queries (six)."""
    now = now or timezone.now()
    live = Cluster.objects.filter(merged_into=None, threads__gt=0).select_related("product")
    rising = (
        live.annotate(rise=F("reports_24h") - F("reports_prev_24h"))
        .filter(rise__gt=0)
        .only(*HOME_COLUMNS)
        .order_by("-rise", "-reports_24h", "id")[:HOME_ROWS]
    )
    unanswered = (
        live.filter(
            severity__in=(Severity.CRITICAL, Severity.MAJOR),
            status__in=OPEN_STATUSES,
            first_answered_at=None,
        )
        .only(*HOME_COLUMNS)
        .order_by("first_seen", "id")[:HOME_ROWS]
    )
    with_engineering = (
        live.filter(status__in=WITH_ENGINEERING)
        .only(*HOME_COLUMNS)
        .order_by(F("forwarded_at").asc(nulls_last=True), "id")[:HOME_ROWS]
    )
    return {
        "alerts": open_alerts(),
        "rising": list(rising),
        "unanswered": [(c, now - c.first_seen) for c in unanswered if c.first_seen],
        "with_engineering": [
            (c, now - c.forwarded_at if c.forwarded_at else None) for c in with_engineering
        ],
        "response_medians": response_medians(now),
    }


def open_alerts(limit: int = 5) -> dict:
    """How many alerts are open and the newest ``limit`` of them (two queries)."""
    open_ = Alert.objects.filter(closed_at=None)
    return {
        "count": open_.count(),
        "newest": list(
            open_.select_related("cluster", "product").order_by("-opened_at", "-id")[:limit]
        ),
    }
