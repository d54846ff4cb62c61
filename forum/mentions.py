"""@mentions in posts: "@Andi Fan" names a member by display name, and they are told.

Display names have spaces and need not be unique, so a mention is read as the longest
run of up to four words after "@" that is someone's display name (case-insensitive); a
name several members share goes to the one who took part in the thread, or to nobody.
Mentions inside code are not mentions.
"""

import re
from html import escape

from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from accounts.models import User

_MENTION = re.compile(r"(?<![\w@])@(\w[\w.'-]*(?:[ ][\w.'-]+){0,3})")
MAX_MENTIONS = 10  # more in one post is spam, not conversation
_SKIP_TAGS = ("code", "pre", "a")


def _candidates(body: str) -> list[list[str]]:
    """Per mention, the names it may be, longest first."""
    runs = []
    for match in _MENTION.finditer(body or ""):
        words = match.group(1).split(" ")
        runs.append([" ".join(words[:n]).casefold() for n in range(len(words), 0, -1)])
    return runs[:MAX_MENTIONS]


def resolve(body: str, *, thread_id: int | None = None) -> dict[str, int]:
    """``{name as lower case: user id}`` of the members a text mentions (one query, two
    when a name is shared and the thread's people decide)."""
    runs = _candidates(body)
    names = {name for run in runs for name in run}
    if not names:
        return {}
    owners: dict[str, set[int]] = {}
    for pk, name in (
        User.objects.filter(is_active=True)
        .annotate(name=Lower("display_name"))
        .filter(name__in=names)
        .values_list("pk", "name")
    ):
        owners.setdefault(name, set()).add(pk)
    if thread_id and any(len(ids) > 1 for ids in owners.values()):
        from forum.models import Post, Thread

        people = set(Thread.objects.filter(pk=thread_id).values_list("author_id", flat=True))
        people |= set(Post.objects.filter(thread_id=thread_id).values_list("author_id", flat=True))
        owners = {name: (ids & people if len(ids) > 1 else ids) for name, ids in owners.items()}
    found = {}
    for run in runs:
        for name in run:
            if len(owners.get(name, ())) == 1:
                found[name] = next(iter(owners[name]))
                break
    return found


def link(html: str, mentioned: dict[str, int]) -> str:
    """Rendered (already sanitised) HTML with each resolved mention made a link to the
    member's page; text inside code, pre and links is left alone."""
    if not mentioned:
        return html
    names = sorted(mentioned, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w@])@(" + "|".join(re.escape(escape(n)) for n in names) + r")(?![\w])",
        re.IGNORECASE,
    )
    out, depth = [], 0
    for part in re.split(r"(<[^>]+>)", html):
        if part.startswith("<"):
            tag = re.match(r"</?\s*(\w+)", part)
            if tag and tag.group(1).lower() in _SKIP_TAGS:
                depth += -1 if part.startswith("</") else 1
            out.append(part)
        elif depth <= 0:
            out.append(pattern.sub(lambda m: _anchor(m, mentioned), part))
        else:
            out.append(part)
    return "".join(out)


def _anchor(match: re.Match, mentioned: dict[str, int]) -> str:
    user_id = mentioned[match.group(1).casefold()]
    url = reverse("accounts:profile", args=[user_id])
    return f'<a class="mention" href="{url}">@{match.group(1)}</a>'


def participants_matching(thread_id: int, prefix: str, limit: int = 8) -> list[dict]:
    """Members for the composer's "@" picker: the thread's people whose name starts with
    ``prefix`` first, then other members; ``[{"id", "name"}]``."""
    from forum.models import Post, Thread

    prefix = prefix.strip()
    people = set(Thread.objects.filter(pk=thread_id).values_list("author_id", flat=True))
    people |= set(Post.objects.filter(thread_id=thread_id).values_list("author_id", flat=True))
    people.discard(None)
    match = Q(display_name__istartswith=prefix) if prefix else Q(pk__in=people)
    rows = list(User.objects.filter(match, is_active=True).values_list("pk", "display_name")[:50])
    rows.sort(key=lambda row: (row[0] not in people, row[1].casefold()))
    return [{"id": pk, "name": name} for pk, name in rows[:limit]]
