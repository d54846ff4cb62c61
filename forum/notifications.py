"""Telling people: the bell's notifications, the fan-out of a reply, status mail and the
daily digest.

``notify`` writes notifications for anything a user should see; the functions below it
do the work of ``forum.tasks`` (which queue nothing back: services queue the tasks, the
tasks call this module).
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import Truncator

from accounts.models import User
from forum import emails, mentions, selectors
from forum.models import Follow, Notification, Post, Thread

# Who hears of what, by follow level (see Follow).
HEARS_REPLIES = (Follow.Level.WATCHING,)
HEARS_STATUS = (Follow.Level.WATCHING, Follow.Level.NORMAL)
MAX_ACTOR_NAMES = 3


def fold(rows: list[Notification]) -> list[Notification]:
    """Fold new notifications into the recipients' unread ones about the same thread and
    verb: those are replaced by the new row, which counts them and names the latest
    actors. One read and one delete, whatever the number of rows."""
    keyed = {(n.recipient_id, n.thread_id, n.verb): n for n in rows if n.thread_id}
    if not keyed:
        return rows
    older = Notification.objects.filter(
        recipient_id__in={k[0] for k in keyed},
        thread_id__in={k[1] for k in keyed},
        verb__in={k[2] for k in keyed},
        read_at__isnull=True,
    ).values_list("id", "recipient_id", "thread_id", "verb", "extra")
    stale = []
    for pk, recipient_id, thread_id, verb, extra in older:
        new = keyed.get((recipient_id, thread_id, verb))
        if new is None:
            continue
        stale.append(pk)
        new.extra["count"] = new.extra.get("count", 1) + (extra or {}).get("count", 1)
        names = new.extra.get("actors", []) + (extra or {}).get("actors", [])
        new.extra["actors"] = list(dict.fromkeys(names))[:MAX_ACTOR_NAMES]
    if stale:
        Notification.objects.filter(pk__in=stale).delete()
    return rows


def create_notifications(rows: list[Notification]) -> list[Notification]:
    """Save new notifications, folded (``fold``); the recipients' bells count them."""
    created = Notification.objects.bulk_create(fold(rows), batch_size=1000)
    selectors.forget_unread_counts({n.recipient_id for n in rows})
    return created


def notify(
    *,
    recipients: Iterable[User | int],
    verb: str,
    thread: Thread | None = None,
    post: Post | None = None,
    actor: User | None = None,
    text: str = "",
    extra: dict | None = None,
) -> int:
    """Create one notification per recipient (users or user ids), skipping the actor,
    folding repeats about the same thread (see ``fold``).

    The generic entry point for anything a user should see in the bell and the daily
    digest: replies, mentions, moderation. Returns how many rows were created.
    """
    actor_id = actor.pk if actor else None
    ids = {r if isinstance(r, int) else r.pk for r in recipients} - {actor_id}
    now = timezone.now()
    names = [str(actor)] if actor else []
    rows = [
        Notification(
            recipient_id=rid,
            verb=verb,
            thread=thread,
            post=post,
            actor_id=actor_id,
            text=text[:300],
            extra={**(extra or {}), "actors": names},
            created_at=now,
        )
        for rid in sorted(ids)
    ]
    create_notifications(rows)
    return len(rows)


def fan_out_reply(post_id: int) -> int:
    """Tell people of a reply: whoever it answers or mentions (unless they muted the
    thread), every other follower who watches the thread, and by mail the thread's author
    when they asked for reply mail. Idempotent: people already told of this reply are
    skipped. Returns how many notifications were created."""
    post = (
        Post.objects.select_related("thread", "thread__author", "author", "reply_to")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not post.is_visible:
        return 0
    thread = post.thread
    levels = dict(Follow.objects.filter(thread=thread).values_list("user_id", "level"))
    skip = {post.author_id, *Notification.objects.filter(post=post).values_list(
        "recipient_id", flat=True
    )}  # fmt: skip
    skip |= {user for user, level in levels.items() if level == Follow.Level.MUTED}
    direct: dict[int, str] = {}
    if post.reply_to_id and post.reply_to and post.reply_to.author_id:
        direct[post.reply_to.author_id] = Notification.Verb.QUOTE
    for user_id in mentions.resolve(post.body, thread_id=thread.pk).values():
        direct.setdefault(user_id, Notification.Verb.MENTION)
    direct = {user: verb for user, verb in direct.items() if user not in skip}
    watchers = {user for user, level in levels.items() if level in HEARS_REPLIES}
    watchers -= skip | set(direct)
    verb = Notification.Verb.OFFICIAL if post.is_official else Notification.Verb.REPLY
    told = notify(recipients=watchers, verb=verb, thread=thread, post=post, actor=post.author)
    for special in (Notification.Verb.QUOTE, Notification.Verb.MENTION):
        people = [user for user, wanted in direct.items() if wanted == special]
        if people:
            told += notify(
                recipients=people, verb=special, thread=thread, post=post, actor=post.author
            )
    author = thread.author
    if author is not None and author.email_replies and author.is_active and author.pk not in skip:
        excerpt = Truncator(post.body.strip()).chars(600)
        emails.message(author, thread, "reply", {"post": post, "excerpt": excerpt}).send()
    return told


def mail_status(notification_ids: list[int]) -> int:
    """Mail these status notifications to recipients who want status mail, each in their
    language with one-click unsubscribe links. Returns the number of mails sent."""
    items = list(
        Notification.objects.filter(
            pk__in=notification_ids,
            thread__isnull=False,
            recipient__is_active=True,
            recipient__email_status=True,
        ).select_related("recipient", "thread", "actor")
    )
    mails = [emails.message(n.recipient, n.thread, "status", {"item": n}) for n in items]
    if mails:
        get_connection().send_messages(mails)
    return len(mails)


def send_daily_digests() -> int:
    """Mail each user with digests on one summary of their unread notifications of the
    last day, in their language. Returns the number of mails sent."""
    since = timezone.now() - timedelta(days=1)
    recent_unread = Notification.objects.filter(
        recipient=OuterRef("pk"), read_at__isnull=True, created_at__gte=since
    )
    users = User.objects.filter(is_active=True, email_digest=True).filter(Exists(recent_unread))
    sent = 0
    for user in users.iterator(chunk_size=500):
        items = list(
            Notification.objects.filter(recipient=user, read_at__isnull=True, created_at__gte=since)
            .select_related("thread", "actor")
            .order_by("-created_at")[:50]
        )
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {"user": user, "items": items, "site": emails.site_url()}
            subject = render_to_string("forum/email/digest_subject.txt", context).strip()
            body = render_to_string("forum/email/digest.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
