"""Template context every page needs from the forum: the bell's unread count."""

from django.utils.translation import ngettext

from forum.selectors import unread_notification_count


def notifications(request) -> dict:
    """``unread_notifications`` and the bell's label for the header: one cached count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    n = unread_notification_count(user)
    label = ngettext("Notifications: %(n)s unread", "Notifications: %(n)s unread", n)
    return {"unread_notifications": n, "bell_label": label % {"n": n}}
