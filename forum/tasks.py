"""Background work of the forum: screenshots' re-encoding, telling people of a reply,
status mail, the daily digest. Each task calls one function of ``forum.screenshots`` or
``forum.notifications``; ``forum.services`` queues them (never the other way round)."""

from datetime import timedelta

from celery import shared_task

from forum import notifications, screenshots, selectors

# How long a screenshot is left to its own task before the sweeper encodes it.
SCREENSHOT_GRACE = timedelta(minutes=2)


@shared_task(ignore_result=True)
def encode_screenshots(screenshot_ids: list[int]) -> int:
    """Re-encode a post's uploaded screenshots (queued after the post commits)."""
    return screenshots.encode_screenshots(screenshot_ids)


@shared_task(ignore_result=True)
def encode_pending_screenshots() -> int:
    """The sweeper (beat): screenshots whose task was never queued (broker down) or lost."""
    pending = selectors.pending_screenshots(older_than=SCREENSHOT_GRACE)
    return screenshots.encode_screenshots(pending)


@shared_task(ignore_result=True)
def fan_out_reply(post_id: int) -> int:
    """Tell people of a reply (``forum.notifications.fan_out_reply``); idempotent."""
    return notifications.fan_out_reply(post_id)


@shared_task(ignore_result=True)
def email_notifications(notification_ids: list[int]) -> int:
    """Mail these status notifications to those who want status mail."""
    return notifications.mail_status(notification_ids)


@shared_task(ignore_result=True)
def send_daily_digests() -> int:
    """Mail each user with digests on one summary of their unread notifications."""
    return notifications.send_daily_digests()
