"""Template context every page needs from the forum: the bell's unread count."""

from forum.selectors import unread_notification_count


def notifications(request) -> dict:
    """``unread_notifications`` for the header bell: one indexed query per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_notification_count(user)}
