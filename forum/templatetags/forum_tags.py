"""Small display helpers for forum templates."""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum.models import Notification, Status

register = template.Library()


@register.filter
def author_name(item) -> str:
    """The name shown for who wrote a thread or reply (imports may have no account)."""
    if item.author_id and item.author:
        return str(item.author)
    return item.external_author or _("Former member")


@register.filter
def ago(value) -> str:
    """How long ago, as a phrase: "just now" under a minute, else "5 minutes ago"."""
    if not value:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, depth=1)}


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
def notification_text(item: Notification, counted: bool = True) -> str:
    """One sentence for a notification, in the reader's language, saying what happened
    (repeats folded into it are counted, unless ``counted`` is False: a mail tells one
    change; see ``forum.services._fold``)."""
    count = item.extra.get("count", 1) if counted else 1
    actor = str(item.actor) if item.actor_id and item.actor else _("Someone")
    title = item.thread.title if item.thread_id and item.thread else ""
    values = {"actor": actor, "title": title, "n": count}
    if item.text:
        text = item.text
    elif item.verb == Notification.Verb.REPLY:
        if count == 1:
            return _("%(actor)s replied in “%(title)s”") % values
        if len(item.extra.get("actors", [])) <= 1:
            return _("%(actor)s replied %(n)d times in “%(title)s”") % values
        return _("%(n)d new replies in “%(title)s”, the latest from %(actor)s") % values
    elif item.verb == Notification.Verb.MENTION:
        if count == 1:
            return _("%(actor)s mentioned you in “%(title)s”") % values
        return _("You were mentioned %(n)d times in “%(title)s”, the latest by %(actor)s") % values
    elif item.verb == Notification.Verb.QUOTE:
        if count == 1:
            return _("%(actor)s replied to your post in “%(title)s”") % values
        return (
            ngettext(
                "%(n)d reply to your posts in “%(title)s”, the latest from %(actor)s",
                "%(n)d replies to your posts in “%(title)s”, the latest from %(actor)s",
                count,
            )
            % values
        )
    elif item.verb == Notification.Verb.OFFICIAL:
        return _("Official answer in “%(title)s”") % values
    elif item.verb == Notification.Verb.STATUS:
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
    elif item.verb == Notification.Verb.SCREENSHOT:
        return _("A screenshot you attached in “%(title)s” could not be read and was removed.") % {
            "title": title
        }
    else:
        return str(item.get_verb_display())
    if count > 1:
        text += " " + ngettext("(%(n)d update)", "(%(n)d updates)", count) % values
    return text
