"""Background work of the forum: screenshots' re-encoding, notifying followers of a reply,
the daily digest."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from forum import selectors, services
from forum.models import Follow, Notification, Post
from forum.services import notify

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
    """Notify every follower of the reply's thread except its author. Idempotent:
    followers already notified of this reply are skipped. Returns how many were."""
    post = Post.objects.select_related("thread", "author").filter(pk=post_id).first()
    if post is None or not post.is_visible:
        return 0
    already = Notification.objects.filter(post=post, recipient=OuterRef("user_id"))
    follower_ids = (
        Follow.objects.filter(thread_id=post.thread_id)
        .exclude(user_id=post.author_id)
        .exclude(Exists(already))
        .values_list("user_id", flat=True)
    )
    verb = Notification.Verb.OFFICIAL if post.is_official else Notification.Verb.REPLY
    return notify(
        recipients=list(follower_ids), verb=verb, thread=post.thread, post=post, actor=post.author
    )


def _site_url() -> str:
    # Mail has no request to build absolute links from: use the first public origin.
    origins = settings.CSRF_TRUSTED_ORIGINS or [
        f"https://{host}" for host in settings.ALLOWED_HOSTS if host not in {"*", ""}
    ]
    return (origins[0] if origins else "http://127.0.0.1:8000").rstrip("/")


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
            context = {"user": user, "items": items, "site": _site_url()}
            subject = render_to_string("forum/email/digest_subject.txt", context).strip()
            body = render_to_string("forum/email/digest.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
