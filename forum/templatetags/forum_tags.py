"""Small display helpers for forum templates."""

from datetime import datetime, timedelta
from functools import lru_cache

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.models import shown_name
from forum.models import Kind, Notification, Status

register = template.Library()

ID = 987654321  # stands for the id or slug in a URL reversed once per list
FOUR_WEEKS = timedelta(weeks=4)


# Rows repeat from page to page and reader to reader: their dates are formatted once per
# process, language and time zone (the arguments only key the cache).
@lru_cache(maxsize=4096)
def _when(value: datetime, language: str, zone: str) -> str:
    return dateformat.format(timezone.localtime(value), get_format("DATETIME_FORMAT"))


@lru_cache(maxsize=4096)
def _ago_minutes(language: str, minutes: int) -> str:
    """``ago`` of a time so many minutes back: under four weeks that is all the phrase
    depends on (no calendar months), so it is made once per process and language."""
    now = timezone.now()
    return ago(now - timedelta(minutes=minutes), now)


def thread_rows(threads: list[dict]) -> list[dict]:
    """What a list shows of each thread (rows of ``selectors.LIST_FIELDS``), every text in
    the reader's language and time zone. Labels, formats and URLs are looked up once per
    list, not once per row: this is most of a list page's time."""
    kinds = {value: str(label) for value, label in Kind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    thread_url = reverse("forum:thread", args=[ID]).replace(str(ID), "{}")
    product_url = reverse("forum:product", args=[ID]).replace(str(ID), "{}")
    language, zone = get_language(), timezone.get_current_timezone_name()
    active_text = _("active %(when)s")
    former, now = _("Former member"), timezone.now()
    rows = []
    for row in threads:
        active = row["last_activity_at"]
        since = now - active
        n, me_too, kind = row["reply_count"], row["me_too_count"], row["kind"]
        if me_too and kind == Kind.PROBLEM:
            me_too_text = ngettext("%(n)s me too", "%(n)s me too", me_too) % {"n": me_too}
        elif me_too and kind == Kind.SUGGESTION:
            me_too_text = ngettext("%(n)s vote", "%(n)s votes", me_too) % {"n": me_too}
        else:
            me_too_text = ""
        if row["author_id"]:
            author = shown_name(row["author__display_name"], row["author__email"])
        else:
            author = row["external_author"] or former
        rows.append(
            {
                **row,
                "url": thread_url.format(row["id"]),
                "product_url": product_url.format(row["product__slug"]),
                "kind_label": kinds.get(kind, kind),
                "status_label": statuses.get(row["status"], row["status"]),
                "author": author,
                "official": row["author_id"] and row["author__is_staff"],
                "when": _when(active, language, zone),
                "active": active_text
                % {
                    "when": _ago_minutes(language, int(since.total_seconds() // 60))
                    if since < FOUR_WEEKS
                    else ago(active, now)
                },
                "replies": ngettext("%(n)s reply", "%(n)s replies", n) % {"n": n},
                "me_too": me_too_text,
            }
        )
    return rows


@register.simple_tag
def thread_list_rows(threads: list[dict]) -> str:
    """The rows of a list of threads on a page of Django's templates: the same partial as
    the Jinja2 pages render (the list's ``<li>`` elements)."""
    partial = engines["jinja2"].get_template("forum/_thread_rows.html")
    return mark_safe(partial.render({"rows": thread_rows(threads)}))  # noqa: S308 (autoescaped)


@register.simple_tag(takes_context=True)
def pagination(context) -> str:
    """The pager of a page of Django's templates (``page``, ``query_without_page``): the
    same partial as the Jinja2 pages render."""
    partial = engines["jinja2"].get_template("forum/_pagination.html")
    pager = {"page": context["page"], "query_without_page": context.get("query_without_page")}
    return mark_safe(partial.render(pager))  # noqa: S308 (autoescaped)


@register.simple_tag(takes_context=True)
def site_part(context, name: str) -> str:
    """A part of the layout every page shares (``_site_header.html``, ``_site_footer.html``),
    rendered by Jinja2 from this page's context, so Django's pages and the Jinja2 pages
    show the same header and footer. Without a request (the 500 page) it renders as for
    an anonymous reader."""
    request = context.get("request")
    values = {
        "LANGUAGES": settings.LANGUAGES,
        "LANGUAGE_CODE": get_language(),
        "user": AnonymousUser(),
        "request": None,
    }
    values.update(context.flatten())
    if request is not None:
        from config.jinja2 import CsrfInput  # config.jinja2 imports this module's filters

        values["csrf_input"] = CsrfInput(request)
    return mark_safe(engines["jinja2"].get_template(name).render(values))  # noqa: S308


@register.filter
def author_name(item) -> str:
    """The name shown for who wrote a thread or reply (imports may have no account)."""
    if item.author_id and item.author:
        return str(item.author)
    return item.external_author or _("Former member")


@register.filter
def ago(value, now=None) -> str:
    """How long ago, as a phrase: "just now" under a minute, else "5 minutes ago"."""
    if not value:
        return ""
    now = now or timezone.now()
    if now - value < timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, now=now, depth=1)}


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
