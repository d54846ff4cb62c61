"""Every write in the forum: one function per change of state (Zulip's "actions").

Views, admin actions, imports and the triage pipeline call these and nothing else to
create or change threads, replies, "me too", follows, notifications and moderation
state, so counters, notifications and hooks stay right whoever writes.

Errors meant for the user are raised as ``ForumError`` (a ValidationError) with a
translated message; a view shows it next to the form.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.celery import publish
from forum import markdown, mentions, tasks, textsearch
from forum.events import (
    ME_TOO,
    REPLY,
    VISIBILITY,
    announce,
    thread_activity,
    thread_created,
    thread_edited,
)
from forum.models import (
    Flag,
    Follow,
    Kind,
    MeToo,
    ModerationAction,
    Notification,
    Post,
    Product,
    Screenshot,
    Status,
    Thread,
)
from forum.notifications import HEARS_STATUS, create_notifications, notify
from forum.screenshots import encode_screenshots
from forum.selectors import PUBLIC_GENERATION, forget_unread_counts
from forum.uploads import CheckedImage, CleanImage, check_image

# Fans may change what they wrote for this long; after that the record stands.
EDIT_WINDOW = timedelta(hours=24)


class ForumError(ValidationError):
    """A write refused for a reason the user should read (suspended, locked, ...)."""


def _taken_down(thread_id: int) -> None:
    """After commit: no cached page or search result may show what was taken down, and
    the thread's cluster is told (its label and figures count visible threads only)."""

    def forget_public_pages() -> None:
        if not cache.add(PUBLIC_GENERATION, 1, timeout=None):
            cache.incr(PUBLIC_GENERATION)

    transaction.on_commit(forget_public_pages)
    announce(thread_activity, thread_id, change=VISIBILITY)


def ensure_can_post(user: User) -> None:
    """Raise ForumError, saying until when, if ``user`` is suspended from posting."""
    if user.is_suspended:
        when = date_format(timezone.localtime(user.suspended_until), "DATETIME_FORMAT")
        raise ForumError(
            _("Your account is suspended until %(until)s, so you cannot post."),
            code="suspended",
            params={"until": when},
        )


def _attach(thread: Thread, post: Post | None, screenshots: Iterable) -> None:
    rows = []
    for item in screenshots:
        image, alt = item if isinstance(item, tuple) else (item, "")
        shot = Screenshot(thread=thread, post=post, alt_text=(alt or "")[:200])
        if isinstance(image, CleanImage):
            # save=False then bulk: one INSERT for all, files written by the storage first.
            shot.image.save(image.content.name, image.content, save=False)
        else:
            # Whoever calls, nothing reaches storage that was not checked, and nothing
            # is served before it is re-encoded (encode_screenshots, after commit).
            checked = image if isinstance(image, CheckedImage) else check_image(image)
            shot.original = checked.read()
        rows.append(shot)
    if rows:
        Screenshot.objects.bulk_create(rows)
    pending = [shot.pk for shot in rows if shot.original is not None]
    if pending:
        transaction.on_commit(lambda: _queue_encoding(pending))


def _queue_encoding(screenshot_ids: list[int]) -> None:
    # Broker down: the sweeper (tasks.encode_pending_screenshots) takes them.
    publish(tasks.encode_screenshots, screenshot_ids)


def _render(body: str, thread_id: int | None = None) -> str:
    # Sanitised HTML, with the members it @mentions linked to their pages.
    return mentions.link(markdown.render(body), mentions.resolve(body, thread_id=thread_id))


def render_preview(body: str, thread_id: int | None = None) -> str:
    """A post's HTML exactly as posting it would store it (for the composer's preview)."""
    return _render(body, thread_id)


@transaction.atomic
def create_thread(
    *,
    author: User | None,
    title: str,
    body: str,
    product: Product | None,
    firmware: str = "",
    kind: str = Kind.PROBLEM,
    screenshots: Sequence = (),
    created_at: datetime | None = None,
    external_id: str | None = None,
    source_url: str = "",
    external_author: str = "",
) -> Thread:
    """Open a thread: the ONE way a thread comes to exist (browser, import, pipeline).

    ``author`` may be None only for imports (then ``external_author`` names the person
    at the source). ``product`` may be None for imported complaints; the fan's form
    requires it. ``screenshots`` are ``CheckedImage`` (``forum.uploads.check_image``: an
    upload checked from its header, re-encoded by a task after commit) or ``CleanImage``
    (already re-encoded, stored as is), or ``(image, alt_text)`` pairs. ``created_at``
    backdates imports and also sets ``last_activity_at``. The author follows their
    thread. After commit, ``forum.events.thread_created`` is sent (the triage pipeline
    listens). Raises ForumError when
    the author is suspended. Does not apply rate limits (the views do).
    """
    if author is not None:
        ensure_can_post(author)
    when = created_at or timezone.now()
    thread = Thread.objects.create(
        author=author,
        external_author=external_author,
        title=title.strip(),
        body=body,
        body_html=_render(body),
        search_title=textsearch.document_terms(title),
        search_body=textsearch.document_terms(body),
        product=product,
        firmware=firmware.strip(),
        kind=kind,
        created_at=when,
        last_activity_at=when,
        external_id=external_id or None,
        source_url=source_url,
    )
    _attach(thread, None, screenshots)
    if author is not None:
        Follow.objects.create(thread=thread, user=author, created_at=when)
    announce(thread_created, thread.pk)
    return thread


@transaction.atomic
def create_post(
    *,
    author: User | None,
    thread: Thread,
    body: str,
    firmware: str = "",
    screenshots: Sequence = (),
    created_at: datetime | None = None,
    external_id: str | None = None,
    source_url: str = "",
    external_author: str = "",
    notify_followers: bool = True,
    reply_to: Post | None = None,
) -> Post:
    """Reply in a thread: the one way a reply comes to exist.

    ``reply_to`` is the reply being answered (quoted); its author is told, as is anyone
    the text @mentions.

    Bumps ``thread.reply_count`` and ``last_activity_at`` with F() expressions (never
    moving ``last_activity_at`` backwards for backdated imports), makes the author a
    follower, and after commit queues the fan-out that notifies the other followers
    (``notify_followers=False`` for bulk imports; see ``forum.tasks.fan_out_reply``).
    Staff replies are marked official.
    Raises ForumError if the thread is locked (staff may still answer) or the author
    is suspended.
    """
    if author is not None:
        ensure_can_post(author)
        if thread.locked and not author.is_staff:
            raise ForumError(_("This thread is locked: no new replies."), code="locked")
    when = created_at or timezone.now()
    post = Post.objects.create(
        thread=thread,
        author=author,
        external_author=external_author,
        reply_to=reply_to if reply_to and reply_to.thread_id == thread.pk else None,
        body=body,
        body_html=_render(body, thread.pk),
        search_body=textsearch.document_terms(body),
        firmware=firmware.strip(),
        is_official=bool(author and author.is_staff),
        created_at=when,
        external_id=external_id or None,
        source_url=source_url,
    )
    _attach(thread, post, screenshots)
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1)
    Thread.objects.filter(pk=thread.pk, last_activity_at__lt=when).update(last_activity_at=when)
    if author is not None:
        follow(user=author, thread=thread)
    if notify_followers:
        # The followers are told now even while the broker is down: nothing else would.
        transaction.on_commit(lambda: publish(tasks.fan_out_reply, post.pk, run_here_if_down=True))
    announce(thread_activity, thread.pk, change=REPLY)
    return post


def can_edit(user: User, item: Thread | Post) -> bool:
    """Whether ``user`` may still edit ``item`` (own, visible, within the edit window)."""
    return (
        user.is_authenticated
        and item.author_id == user.pk
        and item.is_visible
        and timezone.now() - item.created_at <= EDIT_WINDOW
        and not user.is_suspended
    )


@transaction.atomic
def edit_thread(
    *, user: User, thread: Thread, title: str, body: str, firmware: str, kind: str
) -> Thread:
    """Change one's own opening post within the edit window; marks it edited."""
    if not can_edit(user, thread):
        raise ForumError(_("This post can no longer be edited."), code="edit_window")
    return _rewrite_thread(thread, title=title, body=body, firmware=firmware, kind=kind)


@transaction.atomic
def correct_thread(
    *, moderator: User, thread: Thread, title: str, body: str, firmware: str, kind: str
) -> Thread:
    """A moderator's correction of a thread's text (the admin's change form), at any
    time; marked edited and read again by triage like the author's own edit."""
    if not moderator.has_perm("forum.change_thread"):
        raise ForumError(_("You may not change threads."), code="permission")
    return _rewrite_thread(thread, title=title, body=body, firmware=firmware, kind=kind)


def _rewrite_thread(thread: Thread, *, title: str, body: str, firmware: str, kind: str) -> Thread:
    """Store a thread's new text with its HTML and search terms, mark it edited and,
    after commit, send ``thread_edited`` (triage reads it again)."""
    thread.title, thread.body, thread.firmware, thread.kind = title.strip(), body, firmware, kind
    thread.body_html = _render(body, thread.pk)
    thread.search_title = textsearch.document_terms(thread.title)
    thread.search_body = textsearch.document_terms(body)
    thread.edited_at = timezone.now()
    thread.save(
        update_fields=[
            "title", "body", "body_html", "search_title", "search_body", "firmware", "kind",
            "edited_at",
        ]
    )  # fmt: skip
    announce(thread_edited, thread.pk)
    return thread


@transaction.atomic
def edit_post(*, user: User, post: Post, body: str) -> Post:
    """Change one's own reply within the edit window; marks it edited."""
    if not can_edit(user, post):
        raise ForumError(_("This post can no longer be edited."), code="edit_window")
    return _rewrite_post(post, body=body)


@transaction.atomic
def correct_post(*, moderator: User, post: Post, body: str, firmware: str) -> Post:
    """A moderator's correction of a reply's text and firmware (the admin's change form);
    marked edited, with its HTML, mentions and search terms stored as for the author's
    edit."""
    if not moderator.has_perm("forum.change_post"):
        raise ForumError(_("You may not change replies."), code="permission")
    post.firmware = firmware.strip()
    return _rewrite_post(post, body=body, also=["firmware"])


def _rewrite_post(post: Post, *, body: str, also: Sequence[str] = ()) -> Post:
    post.body, post.body_html, post.edited_at = body, _render(body, post.thread_id), timezone.now()
    post.search_body = textsearch.document_terms(body)
    post.save(update_fields=["body", "body_html", "search_body", "edited_at", *also])
    return post


def refresh_search_terms(*, threads=None, posts=None, batch: int = 2000) -> int:
    """Store every thread's and reply's search terms again (after the analyser changed,
    e.g. a new engine release). ``threads``/``posts`` are managers of those models (a
    migration passes its historical ones). Returns how many rows were written."""
    written = 0
    plan = ((threads or Thread.objects, ("title", "body")), (posts or Post.objects, ("body",)))
    for manager, fields in plan:
        last = 0
        while rows := list(manager.filter(pk__gt=last).order_by("pk").only("pk", *fields)[:batch]):
            for row in rows:
                if "title" in fields:
                    row.search_title = textsearch.document_terms(row.title)
                row.search_body = textsearch.document_terms(row.body)
            targets = ["search_title", "search_body"] if "title" in fields else ["search_body"]
            manager.bulk_update(rows, targets)
            written += len(rows)
            last = rows[-1].pk
    return written


@transaction.atomic
def delete_thread(*, user: User, thread: Thread) -> None:
    """Soft-delete one's own thread: it leaves lists and search; its page and the
    replies stay readable with a placeholder for the opening post."""
    if thread.author_id != user.pk:
        raise ForumError(_("You can only delete your own posts."), code="not_author")
    Thread.objects.filter(pk=thread.pk).update(is_deleted=True)
    thread.is_deleted = True
    _taken_down(thread.pk)


@transaction.atomic
def delete_post(*, user: User, post: Post) -> None:
    """Soft-delete one's own reply: a placeholder keeps the conversation readable."""
    if post.author_id != user.pk:
        raise ForumError(_("You can only delete your own posts."), code="not_author")
    changed = Post.objects.filter(pk=post.pk, is_deleted=False).update(is_deleted=True)
    if changed and not post.is_hidden:
        Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") - 1)
    post.is_deleted = True
    _taken_down(post.thread_id)


@transaction.atomic
def toggle_me_too(*, user: User, thread: Thread) -> tuple[bool, int]:
    """Add or remove ``user``'s "me too" on a problem or suggestion; adding also follows it.

    Returns (has "me too" now, the thread's new count). One per fan: a second tap
    removes it. The author's own thread already counts them, so they cannot add one.
    """
    # On a suggestion it is a vote: the most wanted ideas rise in the triage queue.
    if thread.kind not in (Kind.PROBLEM, Kind.SUGGESTION):
        raise ForumError(
            _("Only problem reports and suggestions take a “me too”."), code="not_votable"
        )
    if thread.author_id == user.pk:
        raise ForumError(_("You reported this problem yourself."), code="own_thread")
    deleted, _rows = MeToo.objects.filter(thread=thread, user=user).delete()
    if deleted:
        Thread.objects.filter(pk=thread.pk).update(me_too_count=F("me_too_count") - 1)
        added = False
    else:
        try:
            with transaction.atomic():
                MeToo.objects.create(thread=thread, user=user)
        except IntegrityError:  # a double tap raced us: it is there already
            added = True
        else:
            Thread.objects.filter(pk=thread.pk).update(me_too_count=F("me_too_count") + 1)
            follow(user=user, thread=thread)
            added = True
    count = Thread.objects.filter(pk=thread.pk).values_list("me_too_count", flat=True).get()
    thread.me_too_count = count
    announce(thread_activity, thread.pk, change=ME_TOO)
    return added, count


def follow(*, user: User, thread: Thread) -> bool:
    """Watch a thread one takes part in (idempotent). A level the fan chose themselves
    (normal, muted) is kept. Returns True if the user was not following yet."""
    _follow, created = Follow.objects.get_or_create(thread=thread, user=user)
    return created


def set_follow_level(*, user: User, thread: Thread, level: str | None) -> str | None:
    """Choose how closely to follow a thread: a ``Follow.Level`` or None to stop
    following (then only mentions reach the fan). Returns the level now in force."""
    if level is None:
        Follow.objects.filter(thread=thread, user=user).delete()
        return None
    if level not in Follow.Level.values:
        raise ForumError(_("Choose how to follow this thread."), code="level")
    Follow.objects.update_or_create(thread=thread, user=user, defaults={"level": level})
    return level


def unfollow(*, user: User, thread: Thread) -> bool:
    """Stop following a thread. Returns True if the user was following it."""
    deleted, _rows = Follow.objects.filter(thread=thread, user=user).delete()
    return bool(deleted)


def notify_followers(
    *,
    thread_ids: Iterable[int],
    verb: str,
    actor: User | None = None,
    extra: dict | None = None,
    text: Callable[[Thread, str], str] | None = None,
    email: bool = False,
) -> int:
    """One notification per follower (watching or normal) of any of these threads,
    about the first one they follow (a cluster's status reaches each fan once),
    skipping the actor and folding repeats (see ``_fold``).

    ``text(thread, language)``, when given, writes a ready-made sentence in each
    reader's preferred language. ``email`` also mails it to those who want status mail
    (after commit, from a task). Returns how many rows were created.
    """
    follows = Follow.objects.filter(thread_id__in=list(thread_ids), level__in=HEARS_STATUS)
    if actor is not None:
        follows = follows.exclude(user=actor)
    first: dict[int, tuple[int, str]] = {}
    for thread_id, user_id, language in follows.order_by("thread_id").values_list(
        "thread_id", "user_id", "user__preferred_language"
    ):
        first.setdefault(user_id, (thread_id, language or settings.LANGUAGE_CODE))
    threads = Thread.objects.only("id", "title").in_bulk({t for t, _ in first.values()})
    now = timezone.now()
    rows = []
    for user_id, (thread_id, language) in sorted(first.items()):
        if text is not None:
            with translation.override(language):
                sentence = str(text(threads[thread_id], language))
        rows.append(
            Notification(
                recipient_id=user_id,
                verb=verb,
                thread=threads[thread_id],
                actor=actor,
                text=sentence[:300] if text is not None else "",
                extra=dict(extra or {}),
                created_at=now,
            )
        )
    created = create_notifications(rows)
    if email and created:
        _mail_after_commit([n.pk for n in created])
    return len(rows)


def _mail_after_commit(notification_ids: list[int]) -> None:
    # Through publish() like every task: a broker outage must not turn the manager's or
    # fan's saved action into an error page; the mail is then sent from here.
    transaction.on_commit(
        lambda: publish(tasks.email_notifications, notification_ids, run_here_if_down=True)
    )


def mark_notifications_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    read = qs.update(read_at=timezone.now())
    forget_unread_counts([user.pk])
    return read


@transaction.atomic
def set_thread_status(
    *,
    thread: Thread,
    status: str,
    actor: User | None = None,
    fixed_in: str = "",
    reason: str = "",
) -> bool:
    """Change a thread's status and notify its followers (also the triage write-back).

    ``actor`` None means the triage pipeline or engineering feed changed it; a staff
    actor's change is logged as a moderation action. Returns False when nothing changed.
    """
    old = thread.status
    if old == status and thread.fixed_in == (fixed_in or thread.fixed_in):
        return False
    thread.status = status
    thread.fixed_in = fixed_in or thread.fixed_in
    show_status(thread_ids=[thread.pk], status=status, fixed_in=thread.fixed_in)
    if actor is not None:
        ModerationAction.objects.create(
            moderator=actor,
            action=ModerationAction.Action.STATUS,
            thread=thread,
            reason=reason or "-",
            extra={"old": old, "new": status, "fixed_in": fixed_in},
        )
    notify_followers(
        thread_ids=[thread.pk],
        verb=Notification.Verb.STATUS,
        actor=actor,
        extra={"old": old, "new": status, "fixed_in": thread.fixed_in},
        email=True,
    )
    return True


def show_status(*, thread_ids: Iterable[int], status: str, fixed_in: str) -> int:
    """Show this status and fixed-in version on these threads, in one UPDATE: how a
    problem's status (a triage cluster's) reaches every thread that reports it. Tells
    nobody: ``notify_followers`` does, once per fan. Returns how many threads changed."""
    if status not in Status.values:
        raise ForumError(_("Unknown status: %(status)s"), code="status", params={"status": status})
    return Thread.objects.filter(pk__in=list(thread_ids)).update(status=status, fixed_in=fixed_in)


def fill_in_product(*, thread: Thread, product_id: int) -> bool:
    """Give a thread filed without a product (an import) the product its text names, as
    triage detected it. A product someone chose is never changed. Returns whether it was
    set."""
    return bool(
        Thread.objects.filter(pk=thread.pk, product__isnull=True).update(product_id=product_id)
    )


def flag(*, reporter: User, thread: Thread, post: Post | None, reason: str, detail: str) -> Flag:
    """Report a thread or reply to the moderators; a repeat report is folded into the
    reporter's open one."""
    if reason not in Flag.Reason.values:
        raise ForumError(_("Choose a reason."), code="reason")
    existing = Flag.objects.filter(
        reporter=reporter, thread=thread, post=post, status=Flag.FlagStatus.OPEN
    ).first()
    if existing:
        existing.reason, existing.detail = reason, detail
        existing.save(update_fields=["reason", "detail"])
        return existing
    return Flag.objects.create(
        reporter=reporter, thread=thread, post=post, reason=reason, detail=detail
    )


# --- moderation: each one writes a ModerationAction with who, when and why ----------


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ForumError(_("Give a reason: it goes into the moderation log."), code="reason")
    return reason


@transaction.atomic
def set_hidden(*, moderator: User, item: Thread | Post, hidden: bool, reason: str) -> None:
    """Hide a thread or reply from fans (or restore it), keeping counters right."""
    reason = _require_reason(reason)
    model = type(item)
    changed = model.objects.filter(pk=item.pk, is_hidden=not hidden).update(is_hidden=hidden)
    if changed and isinstance(item, Post) and not item.is_deleted:
        delta = -1 if hidden else 1
        Thread.objects.filter(pk=item.thread_id).update(reply_count=F("reply_count") + delta)
    item.is_hidden = hidden
    post = item if isinstance(item, Post) else None
    thread_id = post.thread_id if post is not None else item.pk
    if changed:
        _taken_down(thread_id)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.HIDE if hidden else ModerationAction.Action.RESTORE,
        thread_id=thread_id,
        post=post,
        target_user_id=item.author_id,
        reason=reason,
    )


@transaction.atomic
def set_locked(*, moderator: User, thread: Thread, locked: bool, reason: str) -> None:
    """Lock a thread against new replies from fans, or unlock it."""
    reason = _require_reason(reason)
    Thread.objects.filter(pk=thread.pk).update(locked=locked)
    thread.locked = locked
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.LOCK if locked else ModerationAction.Action.UNLOCK,
        thread=thread,
        reason=reason,
    )


@transaction.atomic
def move_thread(*, moderator: User, thread: Thread, product: Product, reason: str) -> None:
    """Move a thread to another product."""
    reason = _require_reason(reason)
    old = thread.product_id
    Thread.objects.filter(pk=thread.pk).update(product=product)
    thread.product = product
    announce(thread_edited, thread.pk)  # what triage reads of it changed
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.MOVE,
        thread=thread,
        reason=reason,
        extra={"from_product": old, "to_product": product.pk},
    )


@transaction.atomic
def suspend_user(*, moderator: User, user: User, days: int, reason: str) -> None:
    """Suspend a user from posting for ``days`` days (0 lifts a suspension).

    Only a superuser suspends a staff account: managers moderate fans, not each other."""
    reason = _require_reason(reason)
    if (user.is_staff or user.is_superuser) and not moderator.is_superuser:
        raise ForumError(
            _("Only an administrator can suspend a staff account."), code="staff_target"
        )
    until = timezone.now() + timedelta(days=days) if days > 0 else None
    User.objects.filter(pk=user.pk).update(suspended_until=until)
    user.suspended_until = until
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.SUSPEND if until else ModerationAction.Action.UNSUSPEND,
        target_user=user,
        reason=reason,
        extra={"days": days, "until": until.isoformat() if until else None},
    )


@transaction.atomic
def close_flag(*, moderator: User, flag: Flag, resolved: bool, reason: str) -> None:
    """Close a flag as resolved (action taken) or dismissed."""
    reason = _require_reason(reason)
    flag.status = Flag.FlagStatus.RESOLVED if resolved else Flag.FlagStatus.DISMISSED
    flag.resolved_by, flag.resolved_at = moderator, timezone.now()
    flag.save(update_fields=["status", "resolved_by", "resolved_at"])
    ModerationAction.objects.create(
        moderator=moderator,
        action=(
            ModerationAction.Action.RESOLVE_FLAG
            if resolved
            else ModerationAction.Action.DISMISS_FLAG
        ),
        thread_id=flag.thread_id,
        post_id=flag.post_id,
        flag=flag,
        reason=reason,
    )


@transaction.atomic
def pin_answer(*, moderator: User, thread: Thread, post: Post | None, reason: str = "") -> None:
    """Pin an official reply to the top of its thread (``post`` None unpins)."""
    if post is not None and (post.thread_id != thread.pk or not post.is_official):
        raise ForumError(_("Only an official reply in this thread can be pinned."), code="pin")
    Thread.objects.filter(pk=thread.pk).update(pinned_post=post)
    thread.pinned_post = post
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.PIN if post else ModerationAction.Action.UNPIN,
        thread=thread,
        post=post,
        reason=reason or "-",
    )


__all__ = [
    "EDIT_WINDOW",
    "ForumError",
    "Status",
    "can_edit",
    "ensure_can_post",
    "close_flag",
    "create_post",
    "create_thread",
    "delete_post",
    "delete_thread",
    "edit_post",
    "edit_thread",
    "flag",
    "follow",
    "set_follow_level",
    "correct_post",
    "correct_thread",
    "encode_screenshots",
    "fill_in_product",
    "mark_notifications_read",
    "move_thread",
    "notify",
    "notify_followers",
    "pin_answer",
    "refresh_search_terms",
    "set_hidden",
    "set_locked",
    "set_thread_status",
    "show_status",
    "suspend_user",
    "thread_activity",
    "thread_created",
    "thread_edited",
    "toggle_me_too",
    "unfollow",
]
