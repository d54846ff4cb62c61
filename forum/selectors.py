"""Every read the forum's pages share: lists, the thread page, search, notifications.

Each costs a fixed number of queries whatever the number of rows (no per-row query):
rows come with their product and author joined and only the columns a page shows;
counts shown per row are the denormalised counters on ``Thread``.
"""

import functools
import hashlib
import math
import re
import time
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from accounts.models import User, shown_name
from forum import markdown, textsearch
from forum.models import (
    SEARCH_FIELDS,
    VISIBLE,
    Follow,
    Kind,
    Notification,
    Post,
    Product,
    Screenshot,
    Status,
    Thread,
)

T = TypeVar("T")


def _remembered(key: str, build: Callable[[], T], seconds: int) -> T:
    """``build()``, kept in the cache: fresh for ``seconds``, then served for as long again
    while one request builds it anew. Without that, every worker missed the key at the
    same moment and built it at once (a 45 ms count or hot list at 100,000 threads, in
    4 workers on 2 cores: the pages' p99). Built on every call while the cache is down.
    Entries are ``(value, fresh until)`` under cache key version REMEMBERED_VERSION, so
    what an older release left under the same names is never read as one."""
    entry = cache.get(key, version=REMEMBERED_VERSION)
    now, building = time.time(), f"{key}:building"
    if entry is not None:
        value, fresh_until = entry
        if now < fresh_until or not cache.add(building, 1, REBUILD_SECONDS, REMEMBERED_VERSION):
            return value
    value = build()
    cache.set(key, (value, now + seconds), seconds * 2, version=REMEMBERED_VERSION)
    if entry is not None:
        cache.delete(building, version=REMEMBERED_VERSION)
    return value


def _forget(*keys: str) -> None:
    """Drop what ``_remembered`` keeps under these keys."""
    cache.delete_many(list(keys), version=REMEMBERED_VERSION)


REMEMBERED_VERSION = 2
REBUILD_SECONDS = 30  # a request that took the rebuild and failed: another tries after this
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

# What pages show of a person: their name (``str(user)``) and the "official" badge.
_NAME = ("id", "display_name", "email", "is_staff")

# What a list of threads shows of each (forum_tags.thread_rows): rows are dicts of these.
LIST_FIELDS = (
    "id",
    "title",
    "kind",
    "status",
    "firmware",
    "locked",
    "reply_count",
    "me_too_count",
    "last_activity_at",
    "product_id",
    "product__marketing_name",
    "product__slug",
    "author_id",
    "author__display_name",
    "author__email",
    "author__is_staff",
    "external_author",
)


def _list_rows(ids: list[int]) -> list[dict]:
    """The LIST_FIELDS of these threads, in this order (one query)."""
    by_id = {row["id"]: row for row in Thread.objects.filter(pk__in=ids).values(*LIST_FIELDS)}
    return [by_id[i] for i in ids if i in by_id]


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
    index on the sort order), their rows, and the count, cached for a few seconds; the
    first page reads its rows at once (two)."""
    qs = Thread.objects.filter(VISIBLE)
    if product is not None:
        qs = qs.filter(product=product)
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if status in Status.values:
        qs = qs.filter(status=status)
    # Counting 100,000 rows costs more than the page itself: count at most COUNT_CAP
    # (the pager then offers that many pages, marked "+"), and only every few seconds.
    total = _remembered(
        f"forum:count:{product.pk if product else '-'}:{kind}:{status}",
        lambda: qs[:COUNT_CAP].count(),
        COUNT_CACHE_SECONDS,
    )
    number = _page_number(page, max(1, math.ceil(total / per_page)))
    order = SORTS.get(sort, SORTS["active"])
    if number == 1:  # nothing to skip: the rows at once
        return Page(list(qs.order_by(*order).values(*LIST_FIELDS)[:per_page]), 1, per_page, total)
    # Deferred join: an OFFSET over whole rows (and their authors) reads every skipped
    # row; over the sort index's ids it reads only the index. Measured at 100,000
    # threads, page 108 of a product: 48 ms -> 0.4 ms.
    start = (number - 1) * per_page
    ids = list(qs.order_by(*order).values_list("id", flat=True)[start : start + per_page])
    return Page(_list_rows(ids), number, per_page, total)


def hot_threads(*, limit: int = 5, days: int = 7) -> list[dict]:
    """The threads with the most "me too" and replies among those active in the last
    ``days`` days; computed at most once a minute for everybody."""

    def compute() -> list[dict]:
        since = timezone.now() - timedelta(days=days)
        return list(
            Thread.objects.filter(VISIBLE, last_activity_at__gte=since)
            .annotate(heat=F("me_too_count") * 2 + F("reply_count"))
            .filter(heat__gt=0)
            .order_by("-heat", "-last_activity_at")
            .values(*LIST_FIELDS)[:limit]
        )

    key = f"forum:hot:{public_generation()}:{limit}:{days}"
    return _remembered(key, compute, HOT_CACHE_SECONDS)


# The thread page's row: every column of the thread but its search columns, and of its
# product, author and pinned answer what the page shows, each part as (its alias in
# _THREAD_SQL, model, fields). Written out like the replies below: compiling the four
# joins cost the ORM more than PostgreSQL spends on the row.
_PINNED = ("id", "author", "external_author", "body", "body_html", "created_at", "is_deleted",
           "is_hidden")  # fmt: skip
_THREAD_PAGE_PARTS = (
    (
        "t",
        Thread,
        [f.name for f in Thread._meta.concrete_fields if f.name not in SEARCH_FIELDS["Thread"]],
    ),
    ("pr", Product, ("id", "slug", "marketing_name")),
    ("a", User, _NAME),
    ("pp", Post, _PINNED),
    ("pa", User, _NAME),
)
# Each part's fields in its model's column order, as Model.from_db takes them.
_THREAD_PAGE_FIELDS = [
    (alias, model, [f for f in model._meta.concrete_fields if f.name in names])
    for alias, model, names in _THREAD_PAGE_PARTS
]
_THREAD_SQL = """
SELECT {columns},
       EXISTS (SELECT 1 FROM forum_screenshot s WHERE s.thread_id = t.id){reader}
FROM forum_thread t
LEFT JOIN forum_product pr ON pr.id = t.product_id
LEFT JOIN accounts_user a ON a.id = t.author_id
LEFT JOIN forum_post pp ON pp.id = t.pinned_post_id
LEFT JOIN accounts_user pa ON pa.id = pp.author_id
WHERE t.id = %s
""".replace(
    "{columns}",
    ", ".join(f'{alias}."{f.column}"' for alias, _, fields in _THREAD_PAGE_FIELDS for f in fields),
)
# What the signed-in reader did about the thread: "me too", and how they follow it.
_THREAD_READER = (
    ", EXISTS (SELECT 1 FROM forum_metoo m WHERE m.thread_id = t.id AND m.user_id = %s)"
    ", (SELECT f.level FROM forum_follow f WHERE f.thread_id = t.id AND f.user_id = %s)"
)


@functools.cache
def _thread_converters(vendor: str) -> dict:
    """What the ORM applies to these columns read from this kind of database (SQLite:
    datetimes and booleans; PostgreSQL: nothing)."""
    compiler = Thread.objects.none().query.get_compiler(connection=connection)
    columns = [f.cached_col for _, _, fields in _THREAD_PAGE_FIELDS for f in fields]
    return compiler.get_converters(columns)


def get_thread(*, pk: int, user=None) -> Thread:
    """A thread with its product, author and pinned answer, whether it has screenshots
    (``has_screenshots``), and for a signed-in user whether they said "me too"
    (``has_me_too``) and how they follow it (``follow_level``, None when they don't), in
    one query. Raises Thread.DoesNotExist."""
    reader = user is not None and user.is_authenticated
    with connection.cursor() as cursor:
        cursor.execute(
            _THREAD_SQL.replace("{reader}", _THREAD_READER if reader else ""),
            [user.pk, user.pk, pk] if reader else [pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Thread.DoesNotExist(f"Thread {pk} does not exist.")
    if converters := _thread_converters(connection.vendor):
        compiler = Thread.objects.none().query.get_compiler(connection=connection)
        row = next(compiler.apply_converters([row], converters))
    values: list[Any] = []  # Thread, Product, User, Post, User (or None: nothing joined)
    start = 0
    for _, model, fields in _THREAD_PAGE_FIELDS:
        part = row[start : start + len(fields)]
        start += len(fields)
        if part[0] is None:  # its id: a LEFT JOIN that found nothing
            values.append(None)
        else:
            values.append(model.from_db(connection.alias, [f.attname for f in fields], part))
    thread, product, author, pinned, pinned_author = values
    thread.product, thread.author, thread.pinned_post = product, author, pinned
    if pinned is not None:
        pinned.author = pinned_author
        _ensure_html(pinned)
    thread.has_screenshots = bool(row[start])
    if reader:
        thread.has_me_too, thread.follow_level = bool(row[start + 1]), row[start + 2]
    _ensure_html(thread)
    return thread


def follow_level(*, user, thread: Thread) -> str | None:
    """How ``user`` follows ``thread`` (a Follow.Level), or None (one query)."""
    return Follow.objects.filter(thread=thread, user=user).values_list("level", flat=True).first()


def _ensure_html(item: Thread | Post) -> None:
    # Bulk loaders may leave body_html empty; render on read rather than show nothing.
    if not item.body_html:
        item.body_html = markdown.render(item.body)


@dataclass(frozen=True, slots=True)
class Byline:
    """Who wrote a reply: ``author`` is the member's name (None without an account), as
    ``forum_tags.author_name`` expects it."""

    author_id: int | None
    author: str | None
    external_author: str


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply as its thread's page shows it: plain values, no model instance."""

    pk: int
    author_id: int | None
    author: str | None
    external_author: str
    reply_to_id: int | None
    reply_to: Byline | None
    body_html: str
    firmware: str
    is_official: bool
    created_at: datetime
    edited_at: datetime | None
    is_deleted: bool
    is_hidden: bool


# One page of a thread's replies with whom each answers, and how many replies there are.
# Written out rather than built by the ORM:
# compiling the joins and making model instances cost three times what the database
# spends here (measured: 1.34 ms -> 0.45 ms a page of 25). The opening text is read only
# where its HTML is missing (bulk imports).
_REPLIES_SQL = """
SELECT p.id, p.author_id, a.display_name, a.email, p.external_author,
       p.reply_to_id, r.author_id, ra.display_name, ra.email, r.external_author,
       CASE WHEN p.body_html = '' THEN p.body ELSE '' END, p.body_html, p.firmware,
       p.is_official, p.created_at, p.edited_at, p.is_deleted, p.is_hidden,
       COUNT(*) OVER ()
FROM forum_post p
LEFT JOIN accounts_user a ON a.id = p.author_id
LEFT JOIN forum_post r ON r.id = p.reply_to_id
LEFT JOIN accounts_user ra ON ra.id = r.author_id
WHERE p.thread_id = %s
ORDER BY p.created_at, p.id
LIMIT %s OFFSET %s
"""


def _member_name(display_name: str | None, email: str | None) -> str | None:
    """``str(user)`` from its columns (None: no account)."""
    return None if email is None else shown_name(display_name or "", email)


def _aware(value: datetime | None) -> datetime | None:
    # PostgreSQL gives aware times; SQLite's cursor gives naive UTC ones.
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, UTC)
    return value


def _replies(thread_id: int, number: int, per_page: int) -> tuple[list[Reply], int]:
    """The replies of page ``number`` and the thread's number of replies (0 when the page
    is empty: the caller counts)."""
    with connection.cursor() as cursor:
        cursor.execute(_REPLIES_SQL, [thread_id, per_page, (number - 1) * per_page])
        rows = cursor.fetchall()
    replies = [
        Reply(
            pk=pk,
            author_id=author_id,
            author=_member_name(name, email),
            external_author=external,
            reply_to_id=reply_to_id,
            reply_to=Byline(to_author_id, _member_name(to_name, to_email), to_external or "")
            if to_external is not None
            else None,
            body_html=body_html or markdown.render(body),
            firmware=firmware,
            is_official=bool(official),
            created_at=_aware(created),  # type: ignore[arg-type]  # never null
            edited_at=_aware(edited),
            is_deleted=bool(deleted),
            is_hidden=bool(hidden),
        )
        for (
            pk,
            author_id,
            name,
            email,
            external,
            reply_to_id,
            to_author_id,
            to_name,
            to_email,
            to_external,
            body,
            body_html,
            firmware,
            official,
            created,
            edited,
            deleted,
            hidden,
            _,
        ) in rows
    ]
    if not rows:
        return [], 0
    return replies, rows[0][-1]


def thread_posts(*, thread: Thread, page=1, per_page: int = POSTS_PER_PAGE) -> Page:
    """One page of a thread's replies in order (``Reply`` values), plus every screenshot
    of the opening post and of these replies in ``extra["screenshots"]`` keyed by post
    id (None for the opening post). One query, two when the thread has screenshots (as
    ``get_thread`` tells); a page past the last one costs two more (count, then the last
    page)."""
    number = _page_number(page)
    posts, total = _replies(thread.pk, number, per_page)
    if not posts and number > 1:
        total = Post.objects.filter(thread=thread).count()
        number = _page_number(page, max(1, math.ceil(total / per_page)))
        if total:
            posts, total = _replies(thread.pk, number, per_page)
    shots: dict[int | None, list[Screenshot]] = {}
    if getattr(thread, "has_screenshots", True):  # a thread from elsewhere: look
        ids = [p.pk for p in posts]
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

    return _remembered(f"forum:firmware:{product_id}:{limit}", compute, 300)


def products_for_select() -> QuerySet[Product]:
    """The catalog as the new-thread form lists it: by brand, then name, whatever the
    case ("realme" and "vivo" among the others, not after "Xiaomi")."""
    return Product.objects.only("id", "brand", "marketing_name", "slug", "model").order_by(
        Lower("brand"), Lower("marketing_name")
    )


PRODUCT_CHOICES_CACHE_SECONDS = 300


def product_by_slug(slug: str) -> Product | None:
    """The product of a product page, kept for a few minutes like the rest of the catalog
    (every product page read it from the database: a query for 47 rows that change when
    a manager edits one, which ``forget_catalog`` makes show at once)."""
    return _remembered(
        f"forum:product:{slug}",
        lambda: Product.objects.filter(slug=slug).first(),
        PRODUCT_CHOICES_CACHE_SECONDS,
    )


def forget_catalog(product: Product) -> None:
    """A product was saved or deleted: pages read the catalog again."""
    _forget("forum:product-choices", "forum:product-models", f"forum:product:{product.slug}")


def product_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """The catalog grouped by brand for a select, ``[(brand, [(id, name), ...]), ...]``;
    read at most every few minutes (it changes when a manager adds a phone)."""

    def build():
        groups: dict[str, list[tuple[int, str]]] = {}
        for product in products_for_select():
            groups.setdefault(product.brand, []).append((product.pk, product.marketing_name))
        return list(groups.items())

    return _remembered("forum:product-choices", build, PRODUCT_CHOICES_CACHE_SECONDS)


def product_models() -> list[tuple[int, str]]:
    """``(id, model number)`` of every product that has one, to recognise the phone a
    fan posts from; read at most every few minutes."""

    def build():
        return list(Product.objects.exclude(model="").values_list("pk", "model"))

    return _remembered("forum:product-models", build, PRODUCT_CHOICES_CACHE_SECONDS)


# --- search -------------------------------------------------------------------------

WORD = re.compile(r"\w+", re.UNICODE)
SEARCH_CACHE_SECONDS = 60
# Recency halves a result's weight every this many days; each "me too" adds one whole.
SEARCH_HALF_LIFE_DAYS = 14
VOCABULARY_CACHE_SECONDS = 3600
VOCABULARY_THREADS = 20_000  # "did you mean" learns words from the newest titles


@dataclass(frozen=True)
class SearchFilters:
    """What narrows a search besides its words (each empty for "any")."""

    product: int | None = None
    kind: str = ""
    status: str = ""

    def apply(self, qs: QuerySet, prefix: str = "") -> QuerySet:
        """``qs`` narrowed to these filters; ``prefix`` reaches threads from replies."""
        if self.product:
            qs = qs.filter(**{prefix + "product_id": self.product})
        if self.kind in Kind.values:
            qs = qs.filter(**{prefix + "kind": self.kind})
        if self.status in Status.values:
            qs = qs.filter(**{prefix + "status": self.status})
        return qs


def _term_lookup(field: str, word: str) -> Q:
    # Stored terms are " a b c ": a word matches a whole term, or, when long enough, the
    # start of one (English inflections, Indonesian suffixes the stemmer left).
    pattern = f" {word} " if len(word) < textsearch.MIN_PREFIX else f" {word}"
    return Q(**{f"{field}__contains": pattern})


def _unit_q(field: str, unit: textsearch.QueryUnit) -> Q:
    words = Q()
    for word in unit.words:
        words &= _term_lookup(field, word)
    if not unit.concept:
        return words
    concept = Q(**{f"{field}__contains": f" {unit.concept} "})
    return concept | words if unit.words else concept


def _ts_word(word: str, weight: str) -> str:
    suffix = ":*" if len(word) >= textsearch.MIN_PREFIX else ":" if weight else ""
    return f"{word}{suffix}{weight}"


def _tsquery(units: list, weight: str = "") -> str:
    """The same units as a to_tsquery('simple', ...) text; ``weight`` "A" asks titles."""
    parts = []
    for unit in units:
        words = " & ".join(_ts_word(w, weight) for w in unit.words)
        if unit.concept:
            concept = f"{unit.concept}:{weight}" if weight else unit.concept
            parts.append(f"({concept} | ({words}))" if words else concept)
        else:
            parts.append(f"({words})")
    return " & ".join(parts)


def _matching_threads(units: list, filters: SearchFilters) -> QuerySet:
    """Visible threads with every unit, annotated ``title_hit`` (every unit in the title)."""
    qs = filters.apply(Thread.objects.filter(VISIBLE))
    if settings.IS_POSTGRES:
        every = SearchQuery(_tsquery(units), config="simple", search_type="raw")
        in_title = SearchQuery(_tsquery(units, "A"), config="simple", search_type="raw")
        return qs.filter(search_vector=every).annotate(
            title_hit=Case(When(search_vector=in_title, then=1), default=0)
        )
    # SQLite: the stored terms themselves (a thread's terms are title's then body's).
    title_has, text_has = Q(), Q()
    for unit in units:
        title_has &= _unit_q("search_title", unit)
        text_has &= _unit_q("search_terms", unit)
    return (
        qs.alias(search_terms=Concat("search_title", "search_body"))
        .filter(text_has)
        .annotate(title_hit=Case(When(title_has, then=1), default=0))
    )


def _matching_replies(units: list, filters: SearchFilters) -> QuerySet:
    """Visible replies (in visible threads) with every unit, among at most
    REPLY_CANDIDATES matches, so a common word costs no sort of every reply."""
    qs = filters.apply(
        Post.objects.filter(VISIBLE, thread__is_deleted=False, thread__is_hidden=False),
        prefix="thread__",
    )
    if settings.IS_POSTGRES:
        query = SearchQuery(_tsquery(units), config="simple", search_type="raw")
        matches = qs.filter(search_vector=query)
    else:
        match = Q()
        for unit in units:
            match &= _unit_q("search_body", unit)
        matches = qs.filter(match)
    return Post.objects.filter(pk__in=matches.values("pk")[:REPLY_CANDIDATES])


def _rank_key(now):
    """Title matches first, then recency and "me too": (1 + me too) halved every
    SEARCH_HALF_LIFE_DAYS of quiet, so a busy problem outranks a fresh lone report."""

    def key(row):
        pk, title_hit, last_activity, me_too = row
        days = max(0.0, (now - last_activity).total_seconds() / 86400)
        return (-title_hit, -(1 + me_too) * 0.5 ** (days / SEARCH_HALF_LIFE_DAYS), -pk)

    return key


@contextmanager
def _through_gin_index():
    # With a LIMIT and the rough row estimates PostgreSQL has for tsqueries, the planner
    # may prefer to read every row in index order hoping to meet enough matches early;
    # for a rare word that is a scan of the whole table. Matching must use the GIN index.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def search(*, text: str, filters: SearchFilters | None = None, page=1, per_page: int = 20) -> Page:
    """Visible threads matching ``text``, best first; see ``_search``. The same search
    is answered from the cache for a minute (people repeat popular searches, and a new
    post may take that long to show up in results)."""
    text = " ".join((text or "").split())[:200]
    filters = filters or SearchFilters()
    raw = f"{public_generation()}|{text.lower()}|{filters}|{page}|{per_page}"
    key = "forum:search:" + hashlib.sha256(raw.encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = _search(text=text, filters=filters, page=page, per_page=per_page)
        cache.set(key, result, SEARCH_CACHE_SECONDS)
    return result


def _search(*, text: str, filters: SearchFilters, page=1, per_page: int = 20) -> Page:
    """Visible threads matching ``text`` in the terms of their title or opening post,
    ranked by ``_rank_key`` among at most SEARCH_CANDIDATES (title matches, then the most
    recently active), plus up to 10 matching replies (among REPLY_CANDIDATES) in
    ``extra["replies"]``, the number of threads found in ``total`` (``extra["capped"]``
    when more matched than SEARCH_CANDIDATES) and, when nothing matched, a corrected
    query that does in ``extra["suggestion"]``.

    Words match as the registered analyser reads them (``forum.textsearch``): the same
    query finds the same threads on SQLite (stored terms) and PostgreSQL (a GIN-indexed
    tsvector of those terms). Three queries, four when nothing matched.
    """
    units = textsearch.query_units(text)
    empty = {"replies": [], "suggestion": None, "units": units, "capped": False}
    if not units:
        return Page([], 1, per_page, 0, extra=empty)
    number = _page_number(page, SEARCH_CANDIDATES // per_page)
    start, stop = (number - 1) * per_page, number * per_page
    with _through_gin_index() if settings.IS_POSTGRES else nullcontext():
        # One sort of the matches, title matches first then the most recently active: a
        # GIN bitmap and a top-N sort (measured at 20,000 threads: faster than reading the
        # activity index backwards, which the planner misjudges for tsqueries).
        candidates = list(
            _matching_threads(units, filters)
            .order_by("-title_hit", "-last_activity_at", "-id")
            .values_list("id", "title_hit", "last_activity_at", "me_too_count")[
                : SEARCH_CANDIDATES + 1
            ]
        )
        reply_rows = (
            list(
                _matching_replies(units, filters)
                .select_related("thread", "author")
                .only(
                    "id",
                    "body",
                    "created_at",
                    "thread__id",
                    "thread__title",
                    "author__id",
                    "author__display_name",
                    "author__email",
                )
                .order_by("-created_at", "-id")[:10]
            )
            if number == 1
            else []
        )
    capped = len(candidates) > SEARCH_CANDIDATES
    candidates = candidates[:SEARCH_CANDIDATES]
    candidates.sort(key=_rank_key(timezone.now()))
    ids = [row[0] for row in candidates[start:stop]]
    rows = _list_rows(ids) if ids else []
    suggestion = None
    if not candidates and number == 1:
        suggestion = _did_you_mean(text, filters, per_page)
    return Page(
        rows,
        number,
        per_page,
        len(candidates),
        extra={
            "replies": reply_rows,
            "suggestion": suggestion,
            "units": units,
            "capped": capped,  # more matched than were ranked: "more than ..."
        },
    )


# --- "did you mean" ---------------------------------------------------------------------


def _vocabulary() -> dict[str, int]:
    """Words of the newest visible titles with how many titles use them, most used
    first; built at most once an hour."""

    def build() -> dict[str, int]:
        counts: dict[str, int] = {}
        titles = (
            Thread.objects.filter(VISIBLE)
            .order_by("-created_at")
            .values_list("title", flat=True)[:VOCABULARY_THREADS]
        )
        for title in titles:
            for word in set(WORD.findall(title.casefold())):
                if len(word) > 2 and not word.isdigit():
                    counts[word] = counts.get(word, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    return _remembered("forum:search:vocabulary", build, VOCABULARY_CACHE_SECONDS)


def correct_spelling(text: str) -> str:
    """``text`` with each word the forum's titles never use replaced by the closest one
    they do (one edit for short words, two for long ones, the more used word on a tie);
    ``text`` itself when nothing needed correcting."""
    vocabulary = _vocabulary()
    words = list(vocabulary)
    changed = False

    def fix(match: re.Match) -> str:
        nonlocal changed
        word = match.group(0)
        low = word.casefold()
        if len(low) < 4 or low in vocabulary or low.isdigit():
            return word
        limit = 1 if len(low) <= 5 else 2
        best = process.extractOne(low, words, scorer=Levenshtein.distance, score_cutoff=limit)
        if best is None:
            return word
        changed = True
        return best[0]

    corrected = WORD.sub(fix, text)
    return corrected if changed else text


def _did_you_mean(text: str, filters: SearchFilters, per_page: int) -> dict | None:
    corrected = correct_spelling(text)
    if corrected == text:
        return None
    units = textsearch.query_units(corrected)
    found = (
        _matching_threads(units, filters).values("pk")[:SEARCH_CANDIDATES].count() if units else 0
    )
    return {"text": corrected, "total": found} if found else None


# --- notifications and people ------------------------------------------------------


UNREAD_CACHE_SECONDS = 300


def _unread_key(user_id: int) -> str:
    return f"forum:unread:{user_id}"


def unread_notification_count(user) -> int:
    """How many unread notifications the bell shows: one query on a partial index, then
    cached until a notification of theirs is created or read (``forget_unread_counts``)."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def forget_unread_counts(user_ids) -> None:
    """The bells of these users count again: now, and once the transaction commits (a
    page rendered meanwhile may have cached the count it still saw)."""
    keys = [_unread_key(pk) for pk in user_ids]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


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


def threads_by(*, user, limit: int = 30) -> list[dict]:
    """A person's visible threads, newest first, for their profile page."""
    return list(
        Thread.objects.filter(VISIBLE, author=user)
        .order_by("-created_at")
        .values(*LIST_FIELDS)[:limit]
    )
