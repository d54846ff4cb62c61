"""Small display helpers for forum templates."""

from django import template
from django.utils.translation import gettext as _

from forum.models import Notification, Status

register = template.Library()


@register.filter
def author_name(item) -> str:
    """The name shown for who wrote a thread or reply (imports may have no account)."""
    if item.author_id and item.author:
        return str(item.author)
    return item.external_author or _("Former member")


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current page's query string with ``changes`` (None removes a key), e.g. a
    "did you mean" link that keeps the filters."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


@register.simple_tag
def notification_text(item: Notification) -> str:
    """One sentence for a notification, in the reader's language."""
    if item.text:
        return item.text
    actor = str(item.actor) if item.actor_id and item.actor else _("Someone")
    title = item.thread.title if item.thread_id and item.thread else ""
    if item.verb == Notification.Verb.REPLY:
        return _("%(actor)s replied in “%(title)s”") % {"actor": actor, "title": title}
    if item.verb == Notification.Verb.OFFICIAL:
        return _("Official answer in “%(title)s”") % {"title": title}
    if item.verb == Notification.Verb.STATUS:
        new = item.extra.get("new", "")
        # Triage sends the English label of its own statuses ("Forwarded to engineering");
        # the catalogs hold its translation.
        label = (
            _(item.extra["label"])
            if item.extra.get("label")
            else (Status(new).label if new in Status.values else new)
        )
        text = _("“%(title)s” is now: %(status)s") % {"title": title, "status": label}
        if item.extra.get("fixed_in"):
            text += " " + _("(fixed in %(version)s)") % {"version": item.extra["fixed_in"]}
        return text
    return item.get_verb_display()
