"""Reads of triage data that pages (fans' and managers') and the API share.

Each costs a fixed number of queries whatever the number of clusters or threads.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.template.loader import render_to_string
from django.utils.text import Truncator
from django.utils.translation import ngettext

from forum.models import VISIBLE, Kind, Product, Thread
from forum.templatetags.forum_tags import ago
from triage import engine, index
from triage.models import (
    Cluster,
    ClusterStatus,
    Forward,
    MergeRecord,
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
# A draft must be at least this similar to an existing thread to be suggested.
SIMILAR_MIN = 0.2


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


def thread_cluster_status(thread_id: int) -> ThreadClusterStatus | None:
    """The status of the cluster a thread belongs to, or None (one query)."""
    row = (
        ThreadTriage.objects.filter(thread_id=thread_id, cluster__isnull=False)
        .values(
            "cluster_id",
            "cluster__status",
            "cluster__fixed_in",
            "cluster__reporters",
            "cluster__threads",
        )  # fmt: skip
        .first()
    )
    if row is None:
        return None
    status = row["cluster__status"]
    return ThreadClusterStatus(
        cluster_id=row["cluster_id"],
        status=status,
        status_label=str(ClusterStatus(status).label),
        fixed_in=row["cluster__fixed_in"],
        others=max(0, row["cluster__reporters"] - 1),
        other_threads=max(0, row["cluster__threads"] - 1),
    )


def public_cluster(cluster_id: int) -> Cluster:
    """A cluster as fans may see it; a merged one resolves to where it went (one query,
    two after a merge). Raises Cluster.DoesNotExist."""
    cluster = Cluster.objects.select_related("product").get(pk=cluster_id)
    if cluster.merged_into_id:
        cluster = Cluster.objects.select_related("product").get(pk=cluster.merged_into_id)
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
        Cluster.objects.filter(product=product, status__in=KNOWN_STATUSES, merged_into=None)
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
        Cluster.objects.filter(status=ClusterStatus.FIXED, merged_into=None)
        .exclude(fixed_in="")
        .values("fixed_in")
        .annotate(clusters=Count("id"))
        .order_by("-clusters", "fixed_in")
        .values("fixed_in", "clusters")[:limit]
    )


def fixed_in_release(version: str) -> list[Cluster]:
    """Problems and suggestions shipped in ``version``, by product then heat."""
    return list(
        Cluster.objects.filter(status=ClusterStatus.FIXED, fixed_in=version, merged_into=None)
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
    analysis = engine.analyse(title, body, product=str(product_id) if product_id else None)
    if not analysis.terms:
        return []
    cluster_index = index.current_index()
    kwargs = {"k": limit * 3}
    if product_id:
        kwargs["product"] = index.partition(product_id, wanted)
    else:
        kwargs["any_product"] = True
    scores = {
        key: score
        for key, score in cluster_index.similar(dict(analysis.terms), **kwargs)
        if score >= SIMILAR_MIN
    }
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


def _suggestion(thread: Thread, score: float) -> dict:
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
        "product": thread.product.marketing_name if thread.product_id else "",
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
    return {"members": page_obj, "events": events, "merges": merges}


# --- the engineering feed (REST API) --------------------------------------------------------

# "Forwarded only" in the feed: engineering has it, or a manager handed it over once.
FORWARDED_STATUSES = (ClusterStatus.FORWARDED, ClusterStatus.ACKNOWLEDGED)
SAMPLE_THREADS = 5


def feed_clusters() -> QuerySet[Cluster]:
    """Every cluster as the engineering feed shows it (merged ones too, so a sync sees
    them go), with its product and ``is_forwarded``; no query until evaluated."""
    was_forwarded = Exists(Forward.objects.filter(cluster=OuterRef("pk")))
    return Cluster.objects.select_related("product").annotate(
        is_forwarded=ExpressionWrapper(
            Q(status__in=FORWARDED_STATUSES) | Q(was_forwarded), output_field=BooleanField()
        )
    )


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
