"""Background work of the forum: screenshots' re-encoding, telling people of a reply,
status mail, the daily digest."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import Truncator

from accounts.models import User
from forum import emails, mentions, selectors, services
from forum.models import Follow, Notification, Post
from forum.services import HEARS_REPLIES, notify

# How long a screenshot is left to its own task before the sweeper encodes it.
SCREENSHOT_GRACE = timedelta(minutes=2)


@shared_task(ignore_result=True)
def encode_screenshots(screenshot_ids: list[int]) -> int:
    """Re-encode a post's uploaded screenshots (queued after the post commits)."""
    return services.encode_screenshots(screenshot_ids)


@shared_task(ignore_result=True)
def encode_pending_screenshots() -> int:
    """The sweeper (beat): screenshots whose task was never queued (broker down) or lost."""
    return services.encode_screenshots(selectors.pending_screenshots(older_than=SCREENSHOT_GRACE))


@shared_task(ignore_result=True)
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


@shared_task(ignore_result=True)
def email_notifications(notification_ids: list[int]) -> int:
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


@shared_task(ignore_result=True)
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
