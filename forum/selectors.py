"""Every read the forum's pages share: lists, the thread page, search, notifications.

Each costs a fixed number of queries whatever the number of rows (no per-row query):
rows come with their product and author joined and only the columns a page shows;
counts shown per row are the denormalised counters on ``Thread``.
"""

import hashlib
import math
import re
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.utils import timezone

from forum import markdown
from forum.models import (
    VISIBLE,
    Follow,
    Kind,
    MeToo,
    Notification,
    Post,
    Product,
    Screenshot,
    Status,
    Thread,
)

PAGE_SIZE = 25
POSTS_PER_PAGE = 25
COUNT_CACHE_SECONDS = 30
# Bumped when something public is taken down (a thread or reply hidden or deleted): every
# cached page and search result names it in its key, so none outlives the take-down.
PUBLIC_GENERATION = "forum:public-generation"


def public_generation() -> int:
    """The current generation of what anonymous pages and search results may show."""
    return cache.get(PUBLIC_GENERATION) or 0


COUNT_CAP = 10_000
HOT_CACHE_SECONDS = 60
SEARCH_CANDIDATES = 1000  # rank at most this many matches: bounded cost for common words
REPLY_CANDIDATES = 200  # replies are a side list of ten: fewer candidates suffice

SORTS = {
    "active": ("-last_activity_at", "-id"),
    "new": ("-created_at", "-id"),
}

LIST_FIELDS = (
    "id",
    "title",
    "kind",
    "status",
    "firmware",
    "locked",
    "reply_count",
    "me_too_count",
    "created_at",
    "last_activity_at",
    "product__id",
    "product__marketing_name",
    "product__slug",
    "author__id",
    "author__display_name",
    "author__email",
    "author__is_staff",
    "external_author",
)


@dataclass
class Page:
    """One page of rows with what a pager needs (``total`` may be a cached figure)."""

    items: list
    number: int
    per_page: int
    total: int
    extra: dict = field(default_factory=dict)

    @property
    def capped(self) -> bool:
        """The total is a lower bound: there are more rows than were counted."""
        return self.total >= COUNT_CAP

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def _page_number(value, num_pages: int | None = None) -> int:
    try:
        number = max(1, int(value))
    except (TypeError, ValueError):
        number = 1
    return min(number, num_pages) if num_pages else number


def thread_list(
    *,
    product: Product | None = None,
    kind: str = "",
    status: str = "",
    sort: str = "active",
    page=1,
    per_page: int = PAGE_SIZE,
) -> Page:
    """Visible threads, newest activity (``sort="active"``) or newest first ("new"),
    optionally of one product, kind and status. Three queries: the page's ids (by an
    index on the sort order), their rows, and the count, cached for a few seconds."""
    qs = Thread.objects.filter(VISIBLE)
    if product is not None:
        qs = qs.filter(product=product)
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if status in Status.values:
        qs = qs.filter(status=status)
    key = f"forum:count:{product.pk if product else '-'}:{kind}:{status}"
    total = cache.get(key)
    if total is None:
        # Counting 100,000 rows costs more than the page itself: count at most
        # COUNT_CAP (the pager then offers that many pages, marked "+").
        total = qs[:COUNT_CAP].count()
        cache.set(key, total, COUNT_CACHE_SECONDS)
    number = _page_number(page, max(1, math.ceil(total / per_page)))
    order = SORTS.get(sort, SORTS["active"])
    # Deferred join: an OFFSET over whole rows (and their authors) reads every skipped
    # row; over the sort index's ids it reads only the index. Measured at 100,000
    # threads, page 108 of a product: 48 ms -> 0.4 ms.
    start = (number - 1) * per_page
    ids = list(qs.order_by(*order).values_list("id", flat=True)[start : start + per_page])
    by_id = Thread.objects.select_related("product", "author").only(*LIST_FIELDS).in_bulk(ids)
    return Page([by_id[i] for i in ids if i in by_id], number, per_page, total)


def hot_threads(*, limit: int = 5, days: int = 7) -> list[Thread]:
    """The threads with the most "me too" and replies among those active in the last
    ``days`` days; computed at most once a minute for everybody."""

    def compute() -> list[Thread]:
        since = timezone.now() - timedelta(days=days)
        return list(
            Thread.objects.filter(VISIBLE, last_activity_at__gte=since)
            .select_related("product", "author")
            .only(*LIST_FIELDS)
            .annotate(heat=F("me_too_count") * 2 + F("reply_count"))
            .filter(heat__gt=0)
            .order_by("-heat", "-last_activity_at")[:limit]
        )

    key = f"forum:hot:{public_generation()}:{limit}:{days}"
    return cache.get_or_set(key, compute, HOT_CACHE_SECONDS)


def get_thread(*, pk: int, user=None) -> Thread:
    """A thread with its product, author and pinned answer, and for a signed-in user
    whether they said "me too" and follow it (one query). Raises Thread.DoesNotExist."""
    qs = Thread.objects.select_related(
        "product", "author", "pinned_post", "pinned_post__author"
    ).defer("search_vector", "pinned_post__search_vector")
    if user is not None and user.is_authenticated:
        qs = qs.annotate(
            has_me_too=Exists(MeToo.objects.filter(thread=OuterRef("pk"), user=user)),
            is_following=Exists(Follow.objects.filter(thread=OuterRef("pk"), user=user)),
        )
    thread = qs.get(pk=pk)
    _ensure_html(thread)
    if thread.pinned_post:
        _ensure_html(thread.pinned_post)
    return thread


def _ensure_html(item: Thread | Post) -> None:
    # Bulk loaders may leave body_html empty; render on read rather than show nothing.
    if not item.body_html:
        item.body_html = markdown.render(item.body)


def thread_posts(*, thread: Thread, page=1, per_page: int = POSTS_PER_PAGE) -> Page:
    """One page of a thread's replies in order, with authors, plus every screenshot of
    the opening post and of these replies in ``extra["screenshots"]`` keyed by post id
    (None for the opening post). Three queries: count, replies, screenshots."""
    qs = Post.objects.filter(thread=thread)
    total = qs.count()
    number = _page_number(page, max(1, math.ceil(total / per_page)))
    posts = list(
        qs.select_related("author").order_by("created_at", "id")[
            (number - 1) * per_page : number * per_page
        ]
    )
    for post in posts:
        _ensure_html(post)
    ids = [p.pk for p in posts]
    shots: dict[int | None, list[Screenshot]] = {}
    for shot in (
        Screenshot.objects.filter(Q(post__isnull=True) | Q(post_id__in=ids), thread=thread)
        .defer("original")  # an upload waiting for its task: up to 5 MB, never shown
        .order_by("id")
    ):
        shots.setdefault(shot.post_id, []).append(shot)
    return Page(posts, number, per_page, total, extra={"screenshots": shots})


def pending_screenshots(*, older_than: timedelta, limit: int = 200) -> list[int]:
    """Screenshots still waiting for their encoding task after ``older_than`` (a broker
    that was down, a task lost), oldest first, for the sweeper."""
    return list(
        Screenshot.objects.filter(
            original__isnull=False, created_at__lt=timezone.now() - older_than
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def post_page_number(post: Post, per_page: int = POSTS_PER_PAGE) -> int:
    """The page of its thread on which a reply appears (for links to one reply)."""
    before = Post.objects.filter(thread_id=post.thread_id).filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, id__lt=post.pk)
    )
    return before.count() // per_page + 1


def firmware_suggestions(*, product_id: int | None, limit: int = 15) -> list[str]:
    """Firmware versions already reported for a product, most reported first."""
    if not product_id:
        return []

    def compute() -> list[str]:
        return list(
            Thread.objects.filter(product_id=product_id)
            .exclude(firmware="")
            .values("firmware")
            .annotate(n=Count("id"))
            .order_by("-n", "firmware")
            .values_list("firmware", flat=True)[:limit]
        )

    return cache.get_or_set(f"forum:firmware:{product_id}:{limit}", compute, 300)


def products_for_select() -> QuerySet[Product]:
    """The catalog as the new-thread form lists it."""
    return Product.objects.only("id", "brand", "marketing_name", "slug").order_by(
        "brand", "marketing_name"
    )


# --- search -------------------------------------------------------------------------

WORD = re.compile(r"\w+", re.UNICODE)


def _pg_query(text: str):
    # Both configurations: an Indonesian word is stemmed the Indonesian way, an English
    # one the English way; the stored vector holds both (see migration 0003).
    return SearchQuery(text, config="english", search_type="websearch") | SearchQuery(
        text, config="indonesian", search_type="websearch"
    )


@contextmanager
def _through_gin_index():
    # With a LIMIT and the rough row estimates PostgreSQL has for OR-ed tsqueries, the
    # planner may prefer to read every row hoping to meet enough matches early; for a
    # rare word that is a scan of the whole table. Matching must use the GIN index.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield


SEARCH_CACHE_SECONDS = 60


def search(*, text: str, page=1, per_page: int = 20) -> Page:
    """Visible threads matching ``text``, best first; see ``_search`` for how. The same
    query is answered from the cache for a minute (people repeat popular searches, and
    a new post may take that long to show up in results)."""
    text = " ".join((text or "").split())[:200]
    query = f"{public_generation()}|{text.lower()}|{page}|{per_page}"
    key = "forum:search:" + hashlib.sha256(query.encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = _search(text=text, page=page, per_page=per_page)
        cache.set(key, result, SEARCH_CACHE_SECONDS)
    return result


def _search(*, text: str, page=1, per_page: int = 20) -> Page:
    """Visible threads matching ``text`` in their title or opening post, best first
    (title matches weigh most), plus up to 10 matching replies in
    ``extra["replies"]``. PostgreSQL: full-text search on the stored vectors through
    GIN indexes, ranking at most SEARCH_CANDIDATES matches. SQLite: every word must
    appear (case-insensitive substring), title matches first."""
    text = (text or "").strip()[:200]
    words = WORD.findall(text)[:8]
    if not words:
        return Page([], 1, per_page, 0, extra={"replies": []})
    number = _page_number(page, SEARCH_CANDIDATES // per_page)
    start, stop = (number - 1) * per_page, number * per_page
    if settings.IS_POSTGRES:
        query = _pg_query(text)
        candidates = Thread.objects.filter(VISIBLE, search_vector=query).values("pk")[
            :SEARCH_CANDIDATES
        ]
        threads = (
            Thread.objects.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .select_related("product", "author")
            .only(*LIST_FIELDS)
            .order_by("-rank", "-last_activity_at")
        )
        post_candidates = Post.objects.filter(VISIBLE, search_vector=query).values("pk")[
            :REPLY_CANDIDATES
        ]
        replies = (
            Post.objects.filter(pk__in=post_candidates, thread__is_deleted=False)
            .filter(thread__is_hidden=False)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-created_at")
        )
    else:
        in_title = Q()
        in_body = Q()
        for word in words:
            in_title &= Q(title__icontains=word)
            in_body &= Q(title__icontains=word) | Q(body__icontains=word)
        threads = (
            Thread.objects.filter(VISIBLE)
            .filter(in_body)
            .annotate(
                title_hit=Case(When(in_title, then=1), default=0, output_field=IntegerField())
            )
            .select_related("product", "author")
            .only(*LIST_FIELDS)
            .order_by("-title_hit", "-last_activity_at")
        )
        reply_match = Q()
        for word in words:
            reply_match &= Q(body__icontains=word)
        replies = (
            Post.objects.filter(VISIBLE, thread__is_deleted=False, thread__is_hidden=False)
            .filter(reply_match)
            .order_by("-created_at")
        )
    with _through_gin_index() if settings.IS_POSTGRES else nullcontext():
        rows = list(threads[start : stop + 1])
        reply_rows = (
            []
            if number > 1
            else list(
                replies.select_related("thread", "author").only(
                    "id",
                    "body",
                    "created_at",
                    "thread__id",
                    "thread__title",
                    "author__id",
                    "author__display_name",
                    "author__email",
                )[:10]
            )
        )
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    # No exact count (it would cost a second scan): the pager only needs "is there more".
    total = start + len(rows) + (1 if has_more else 0)
    return Page(rows, number, per_page, total, extra={"replies": reply_rows})


# --- notifications and people ------------------------------------------------------


def unread_notification_count(user) -> int:
    """How many unread notifications the bell shows (one query on a partial index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications(*, user, page=1, per_page: int = 30) -> Page:
    """A user's notifications, newest first, with thread and actor (two queries)."""
    qs = Notification.objects.filter(recipient=user)
    total = qs.count()
    number = _page_number(page, max(1, math.ceil(total / per_page)))
    rows = list(
        qs.select_related("thread", "actor")
        .only(
            "id",
            "verb",
            "text",
            "extra",
            "created_at",
            "read_at",
            "post_id",
            "thread__id",
            "thread__title",
            "actor__id",
            "actor__display_name",
            "actor__email",
        )
        .order_by("-created_at", "-id")[(number - 1) * per_page : number * per_page]
    )
    return Page(rows, number, per_page, total)


def threads_by(*, user, limit: int = 30) -> list[Thread]:
    """A person's visible threads, newest first, for their profile page."""
    return list(
        Thread.objects.filter(VISIBLE, author=user)
        .select_related("product", "author")
        .only(*LIST_FIELDS)
        .order_by("-created_at")[:limit]
    )
