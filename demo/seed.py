"""Fill the database with the demo forum: logins, the phone catalog, fans, threads
(``python manage.py seed_demo``).

Threads, replies and "me too" come from ``demo.corpus`` (deterministic for a
seed) and are written in bulk, bypassing the per-row services for speed: 100,000
threads with 1,000,000 replies take minutes. Whatever the services would keep is kept
here too: ``reply_count``, ``me_too_count`` and ``last_activity_at`` on each thread,
the author and everyone who replied or said "me too" follow the thread, staff replies
are official, ``body_html`` is rendered and the search terms are stored (on PostgreSQL
the forum's triggers build the search vectors from them during the load).

Triage in this process (no broker) sends no mail: spike alerts about demo data would
only fill the newcomer's terminal.
"""

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from random import Random

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.roles import FAN
from accounts.services import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from demo import corpus
from demo.catalog import CATALOG
from forum import markdown, textsearch
from forum.events import thread_created
from forum.models import Follow, MeToo, Post, Product, Thread
from triage.engine import scale

FAN_EMAIL = "fan{:05d}@fans.tanggap.local"
CHUNK = 2000  # threads written per round (with their replies, me-toos and follows)
NO_MAIL = "django.core.mail.backends.dummy.EmailBackend"
EAGER_TRIAGE_MAX = 1000  # without a broker, triage runs in this process: keep it short

OFFICIAL_ID = (
    "Halo kak, terima kasih laporannya 🙏 Tim kami sudah meneruskan masalah ini ke tim "
    "engineering dan sedang diinvestigasi. Mohon jangan factory reset dulu ya, kami "
    "kabari di thread ini begitu ada update perbaikan."
)
OFFICIAL_EN = (
    "Hi, thank you for the report. We have forwarded this to our engineering team and "
    "are investigating. Please don't factory reset yet; we will post here as soon as a "
    "fix is available."
)


def ensure_catalog() -> dict[str, Product]:
    """Create the catalog's products that are missing (by slug); returns all by slug."""
    existing = Product.objects.values_list("slug", "marketing_name")
    slugs, names = {s for s, _ in existing}, {n.lower() for _, n in existing}
    missing = [
        Product(
            brand=c.brand,
            series=c.series,
            model=c.model,
            marketing_name=c.marketing_name,
            slug=c.slug,
            aliases="\n".join(c.aliases),
            release_year=c.release_year,
            active_devices=c.active_devices,
        )
        for c in CATALOG
        if c.slug not in slugs and c.marketing_name.lower() not in names
    ]
    Product.objects.bulk_create(missing)
    return {p.slug: p for p in Product.objects.all()}


def _columns(model) -> list:
    # Every stored column but the search vector, which PostgreSQL's trigger fills.
    return [f for f in model._meta.concrete_fields if f.attname != "search_vector"]


def insert_rows(model, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts of attname -> value, ids included) as fast as the database
    allows: COPY on PostgreSQL, bulk INSERT elsewhere. Missing fields take defaults."""
    if not rows:
        return
    # Rows without ids take them from the table's sequence.
    fields = [f for f in _columns(model) if not (f.primary_key and f.attname not in rows[0])]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        sql = f"COPY {table} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row.get(f.attname, defaults.get(f.attname)) for f in fields])
    else:
        model.objects.bulk_create([model(**{**defaults, **row}) for row in rows], batch_size=500)


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _reset_sequences(models) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def ensure_fans(names: list[str]) -> list[int]:
    """Demo fan accounts (verified, in the fan group, password ``tanggap-demo``) with
    these display names; returns their ids in the same order. Existing ones are kept."""
    emails = [FAN_EMAIL.format(i) for i in range(1, len(names) + 1)]
    have = dict(User.objects.filter(email__in=emails).values_list("email", "id"))
    password = make_password(DEMO_PASSWORD)
    new = [
        User(email=email, display_name=name[:40], password=password, preferred_language="")
        for email, name in zip(emails, names, strict=True)
        if email not in have
    ]
    for batch_start in range(0, len(new), 2000):
        User.objects.bulk_create(new[batch_start : batch_start + 2000])
    ids = dict(User.objects.filter(email__in=emails).values_list("email", "id"))
    fan_group = Group.objects.get_or_create(name=FAN)[0]
    fresh = [ids[u.email] for u in new]
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=ids[u.email], email=u.email, primary=True, verified=True)
            for u in new
        ],
        batch_size=2000,
    )
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=uid, group_id=fan_group.id) for uid in fresh],
        batch_size=2000,
    )
    return [ids[email] for email in emails]


def reply_counts(total: int, threads: int, rng: Random) -> list[int]:
    """Split ``total`` replies over ``threads`` threads, heavy-tailed: most threads get
    a few, some get none, a few long ones run to several pages."""
    if threads == 0:
        return []
    weights = [rng.lognormvariate(0, 1.1) if rng.random() > 0.15 else 0.0 for _ in range(threads)]
    factor = total / (sum(weights) or 1.0)
    counts = [int(w * factor) for w in weights]
    for _ in range(total - sum(counts)):
        counts[rng.randrange(threads)] += 1
    return counts


def seed_demo(
    say: Callable[[str], object],
    *,
    threads: int,
    posts: int | None = None,
    fans: int | None = None,
    seed: int = 0,
    if_empty: bool = False,
    triage: str = "auto",
) -> None:
    """The demo logins, the catalog and (``threads`` > 0) a forum of that many threads
    from seed ``seed`` of the corpus, sent to triage as ``triage`` says (auto: when a
    broker takes the work, or for at most ``EAGER_TRIAGE_MAX`` threads in-process).
    ``say`` is told what is being done."""
    started = time.monotonic()
    logins = ensure_demo_accounts()
    products = ensure_catalog()
    say(f"Catalog: {len(products)} products.")
    if threads and if_empty and Thread.objects.exists():
        say("The forum already has threads: demo content not added.")
    elif threads and Thread.objects.filter(external_id__startswith=f"demo-{seed}-").exists():
        say(f"Demo threads of seed {seed} already exist: nothing added (use --seed N).")
    elif threads:
        posts = 3 * threads if posts is None else posts
        fans = fans or min(50_000, max(20, threads // 3))
        first_id = _seed_content(say, threads, posts, fans, seed, products, started)
        if triage == "yes" or (
            triage == "auto"
            and (not settings.CELERY_TASK_ALWAYS_EAGER or threads <= EAGER_TRIAGE_MAX)
        ):
            # Triage run in this process would mail managers alerts about demo data.
            with override_settings(EMAIL_BACKEND=NO_MAIL):
                _triage(say, first_id, started)
        else:
            say(
                "Threads not sent to triage (--triage yes to do it; the triage sweeper "
                "also picks them up when Celery beat runs)."
            )
    _print_logins(say, logins, time.monotonic() - started)


def _seed_content(say, n_threads, n_posts, n_fans, seed, products, started):
    now = timezone.now()
    reports = corpus.generate(n_threads, seed, end=now - timedelta(hours=2))
    say(f"Generated {n_threads} reports in {time.monotonic() - started:.1f}s.")
    names = corpus.fan_names(n_fans, seed)
    fan_ids = ensure_fans(names)
    fan_by_name = dict(zip(names, fan_ids, strict=True))
    staff = list(
        User.objects.filter(
            email__in=[a[0] for a in DEMO_ACCOUNTS], is_staff=True, is_superuser=False
        ).values_list("id", flat=True)
    )
    by_name = {p.marketing_name: p.id for p in products.values()}
    by_alias = {a.lower(): p.id for p in products.values() for a in p.alias_list}
    rng = Random(f"seed-demo:{seed}")
    counts = reply_counts(n_posts, n_threads, rng)
    thread_id, post_id = _next_id(Thread), _next_id(Post)
    first_id = thread_id
    done_posts = 0
    with transaction.atomic():
        for start in range(0, n_threads, CHUNK):
            chunk = reports[start : start + CHUNK]
            rows = _rows(
                chunk, counts[start : start + CHUNK], thread_id, post_id, rng, now,
                fan_ids, fan_by_name, staff, by_name, by_alias, seed,
            )  # fmt: skip
            threads, replies, me_toos, follows = rows
            insert_rows(Thread, threads)
            insert_rows(Post, replies)
            insert_rows(MeToo, me_toos)
            insert_rows(Follow, follows)
            thread_id += len(threads)
            post_id += len(replies)
            done_posts += len(replies)
            say(
                f"  {start + len(chunk)}/{n_threads} threads, {done_posts} replies "
                f"({time.monotonic() - started:.0f}s)"
            )
        _reset_sequences([Thread, Post])
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics so the planner sizes the new rows right (it otherwise
        # hash-joins every user for one page), and a visibility map so list pages
        # can page through the thread indexes without touching the table.
        tables = [m._meta.db_table for m in (Thread, Post, MeToo, Follow, User, EmailAddress)]
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
    say(
        f"Created {n_threads} threads and {done_posts} replies from {n_fans} fans "
        f"in {time.monotonic() - started:.1f}s."
    )
    return first_id


def _triage(say, first_id: int, started: float) -> None:
    """Announce each new thread the way create_thread does after its commit, so the
    triage pipeline (queued on a broker, or eager in-process) clusters them."""
    ids = list(
        Thread.objects.filter(pk__gte=first_id).order_by("created_at").values_list("pk", flat=True)
    )
    for n, pk in enumerate(ids, start=1):
        thread_created.send(sender=Thread, thread_id=pk)
        if n % 500 == 0:
            say(f"  triage: {n}/{len(ids)} ({time.monotonic() - started:.0f}s)")
    say(f"Sent {len(ids)} threads to triage.")


def _rows(
    reports, counts, thread_id, post_id, rng, now,
    fan_ids, fan_by_name, staff, by_name, by_alias, seed,
):  # fmt: skip
    threads, replies, me_toos, follows = [], [], [], []
    for report, n_replies in zip(reports, counts, strict=True):
        created = datetime.fromisoformat(report["created_at"])
        author = fan_by_name.get(report["author"]) or rng.choice(fan_ids)
        product = by_name.get(report["product"]) or by_alias.get(report["product"].lower())
        followers = {author}
        last = created
        texts = corpus.replies(report, n_replies, seed)
        when = created
        official_at = (
            rng.randrange(n_replies) if staff and n_replies and _answered(report, rng) else -1
        )
        for i, text in enumerate(texts):
            # Replies come fast at first, then slow down; never in the future.
            when = min(now, when + timedelta(minutes=rng.expovariate(1 / (20 + 40 * i))))
            official = i == official_at
            replier = rng.choice(staff) if official else rng.choice(fan_ids)
            if official:
                text = OFFICIAL_ID if report["lang"] == "id" else OFFICIAL_EN
            replies.append(
                {
                    "id": post_id,
                    "thread_id": thread_id,
                    "author_id": replier,
                    "body": text,
                    "body_html": markdown.render(text),
                    "search_body": _terms(text),
                    "is_official": official,
                    "created_at": when,
                }
            )
            post_id += 1
            followers.add(replier)
            last = max(last, when)
        me_too_users = set()
        if report["kind"] == "problem":
            wanted = min(len(fan_ids) - 1, int(rng.expovariate(1 / 1.5) ** 1.3))
            while len(me_too_users) < wanted:
                user = rng.choice(fan_ids)
                if user != author:
                    me_too_users.add(user)
        for user in sorted(me_too_users):
            moment = min(now, created + timedelta(hours=rng.expovariate(1 / 18)))
            me_toos.append({"thread_id": thread_id, "user_id": user, "created_at": moment})
        followers |= me_too_users
        follows.extend(
            {"thread_id": thread_id, "user_id": user, "created_at": created}
            for user in sorted(followers)
        )
        threads.append(
            {
                "id": thread_id,
                "product_id": product,
                "title": report["title"],
                "body": report["body"],
                "body_html": markdown.render(report["body"]),
                "search_title": _terms(report["title"]),
                "search_body": _terms(report["body"]),
                "firmware": report["firmware"],
                "kind": report["kind"],
                "author_id": author,
                "created_at": created,
                "external_id": report["external_id"],
                "reply_count": len(texts),
                "me_too_count": len(me_too_users),
                "last_activity_at": last,
            }
        )
        thread_id += 1
    return threads, replies, me_toos, follows


def _print_logins(say, logins, elapsed):
    say(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email, created in logins:
        say(f"  {role:<18} {email}{'' if created else '  (existing)'}")
    say(
        "Fans log in the same way, e.g. fan00001@fans.tanggap.local. "
        "Log in at /accounts/login/ (the admin is at /admin/)."
    )
    say(f"Done in {elapsed:.1f}s.")


# Demo replies repeat (the official answers, short "me too" lines): analyse each text once.
_terms = lru_cache(maxsize=100_000)(textsearch.document_terms)


def _answered(report: dict, rng: Random) -> bool:
    # Staff answer the serious problems more often than the rest.
    share = {scale.CRITICAL: 0.5, scale.MAJOR: 0.15, scale.MINOR: 0.05}.get(
        report["severity"], 0.02
    )
    return rng.random() < share
