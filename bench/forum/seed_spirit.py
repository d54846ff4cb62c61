"""Copy the seeded Tanggap forum into a Spirit forum, row for row, for the benchmark.

Runs with Spirit's own virtualenv and settings (``DJANGO_SETTINGS_MODULE`` of the
Spirit project made by ``run.py``). Reads our benchmark database with psycopg and
writes Spirit's tables with COPY, so both forums hold the same text:

- each fan becomes a Spirit user with a profile (nickname = display name);
- each product becomes a category; threads without a product go to "Uncategorized";
- each thread becomes a topic with the SAME id, and its opening post becomes the
  topic's first comment (Spirit keeps the opening post as a comment);
- each reply becomes a comment, rendered to HTML by Spirit's own Markdown.

    DJANGO_SETTINGS_MODULE=spiritsite.settings.bench python seed_spirit.py postgres://...
"""

import sys
import time

import django

django.setup()

import psycopg  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from spirit.category.models import Category  # noqa: E402
from spirit.comment.models import Comment  # noqa: E402
from spirit.core.utils.markdown import Markdown  # noqa: E402
from spirit.topic.models import Topic  # noqa: E402
from spirit.user.models import UserProfile  # noqa: E402

User = get_user_model()
BATCH = 20_000


def copy_rows(model, rows) -> int:
    """COPY dicts of attname -> value into ``model``'s table; missing fields take
    their defaults. Returns the number of rows."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in first)
    ]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in first}
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in _chain(first, rows):
            copy.write_row([row.get(f.attname, defaults.get(f.attname)) for f in fields])
            count += 1
    return count


def _chain(first, rest):
    yield first
    yield from rest


def stream(source, sql: str):
    """Rows of ``sql`` on our database, fetched in batches by a server-side cursor."""
    with source.cursor(name=f"c{time.monotonic_ns()}") as cursor:
        cursor.itersize = BATCH
        cursor.execute(sql)
        yield from cursor


def main(source_url: str) -> None:
    started = time.monotonic()
    now = timezone.now()
    md = Markdown()
    with psycopg.connect(source_url) as source, transaction.atomic():
        # Users and their profiles, same ids as ours (Spirit's ids start after).
        users = list(
            stream(source, "SELECT id, email, display_name FROM accounts_user ORDER BY id")
        )
        copy_rows(User, (
            {"id": uid, "username": f"{slugify(name)[:100] or 'user'}-{uid}", "email": email,
             "password": "!", "is_active": True, "date_joined": now}
            for uid, email, name in users
        ))  # fmt: skip
        copy_rows(UserProfile, (
            {"user_id": uid, "nickname": name or email.split("@")[0], "last_seen": now,
             "is_verified": True}
            for uid, email, name in users
        ))  # fmt: skip
        fallback_user = users[0][0]
        print(f"users: {len(users)} ({time.monotonic() - started:.0f}s)", flush=True)

        # One category per product; threads with no product go to "Uncategorized".
        uncategorized = Category.objects.filter(
            title="Uncategorized"
        ).first() or Category.objects.create(title="Uncategorized")
        category_of = {None: uncategorized.pk}
        for pid, name, brand in stream(
            source, "SELECT id, marketing_name, brand FROM forum_product ORDER BY id"
        ):
            category_of[pid] = Category.objects.create(title=name[:75], description=brand).pk

        # Topics (same ids as our threads) and their opening posts as first comments.
        thread_sql = (
            "SELECT id, product_id, author_id, title, body, created_at, last_activity_at, "
            "reply_count, (is_deleted OR is_hidden) FROM forum_thread ORDER BY id"
        )
        first_comments = []

        def topics():
            for tid, pid, uid, title, body, created, last, replies, removed in stream(
                source, thread_sql
            ):
                first_comments.append((tid, uid or fallback_user, body, created, removed))
                yield {
                    "id": tid, "user_id": uid or fallback_user, "category_id": category_of[pid],
                    "title": title, "slug": slugify(title, allow_unicode=True)[:50].strip("-"),
                    "date": created, "last_active": last, "reindex_at": created,
                    "is_removed": removed, "comment_count": replies + 1,
                }  # fmt: skip

        n_topics = copy_rows(Topic, topics())
        print(f"topics: {n_topics} ({time.monotonic() - started:.0f}s)", flush=True)
        copy_rows(Comment, (
            {"user_id": uid, "topic_id": tid, "comment": body, "comment_html": md.render(body),
             "date": created, "is_removed": removed}
            for tid, uid, body, created, removed in first_comments
        ))  # fmt: skip
        first_comments.clear()
        print(f"first comments ({time.monotonic() - started:.0f}s)", flush=True)

        post_sql = (
            "SELECT thread_id, author_id, body, created_at, (is_deleted OR is_hidden) "
            "FROM forum_post ORDER BY thread_id, created_at, id"
        )
        n_comments = copy_rows(Comment, (
            {"user_id": uid or fallback_user, "topic_id": tid, "comment": body,
             "comment_html": md.render(body), "date": created, "is_removed": removed}
            for tid, uid, body, created, removed in stream(source, post_sql)
        ))  # fmt: skip
        print(f"replies: {n_comments} ({time.monotonic() - started:.0f}s)", flush=True)

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [User, Topic, Category]):
                cursor.execute(sql)
            cursor.execute(
                "UPDATE spirit_user_userprofile p SET topic_count = t.n FROM "
                "(SELECT user_id, count(*) n FROM spirit_topic_topic GROUP BY user_id) t "
                "WHERE p.user_id = t.user_id"
            )
            cursor.execute(
                "UPDATE spirit_user_userprofile p SET comment_count = c.n FROM "
                "(SELECT user_id, count(*) n FROM spirit_comment_comment GROUP BY user_id) c "
                "WHERE p.user_id = c.user_id"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Spirit seeded: {len(users)} users, {n_topics} topics, "
        f"{n_topics + n_comments} comments in {time.monotonic() - started:.1f}s",
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1])
