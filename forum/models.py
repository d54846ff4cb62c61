"""The forum: the product catalog, threads and replies, "me too", follows,
notifications, and moderation (flags and the log of moderators' actions)."""

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 150
BODY_MAX_LENGTH = 20_000


class Product(models.Model):
    """A device model in the catalog, e.g. Xiaomi · Redmi Note · Redmi Note 13 Pro."""

    brand = models.CharField(_("brand"), max_length=60)
    series = models.CharField(_("series"), max_length=60, blank=True)
    model = models.CharField(
        _("model number"), max_length=60, blank=True, help_text=_("e.g. 23117RA68G")
    )
    marketing_name = models.CharField(_("marketing name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other names fans use, one per line, e.g. RN13 Pro."),
    )
    release_year = models.PositiveSmallIntegerField(_("release year"), null=True, blank=True)
    active_devices = models.PositiveBigIntegerField(
        _("active devices (estimate)"),
        null=True,
        blank=True,
        help_text=_("Optional; lets spread be shown per 100,000 devices."),
    )

    class Meta:
        # Case-insensitive: makers write "realme" and "vivo" in lower case.
        ordering = [Lower("brand"), Lower("marketing_name")]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.marketing_name

    def get_absolute_url(self) -> str:
        return reverse("forum:product", args=[self.slug])

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


def screenshot_path(instance: "Screenshot", filename: str) -> str:
    # Names are generated (never the uploader's): they reveal nothing and never collide.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"screenshots/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Kind(models.TextChoices):
    PROBLEM = "problem", _("Problem")
    QUESTION = "question", _("Question")
    SUGGESTION = "suggestion", _("Suggestion")


class Status(models.TextChoices):
    """Where a thread stands; triage and staff move it, fans see it on their threads."""

    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Investigating")
    FIXED = "fixed", _("Fixed")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


VISIBLE = Q(is_deleted=False, is_hidden=False)
# Columns only search reads, per model (see ForumManager).
SEARCH_FIELDS = {
    "Thread": ("search_vector", "search_title", "search_body"),
    "Post": ("search_vector", "search_body"),
}


def _search_terms_field(label):
    # Filled by the services through forum.textsearch; see Thread's docstring. The
    # database default lets rows written without it (older code, raw loaders) in.
    return models.TextField(label, blank=True, default="", db_default="", editable=False)


class ForumQuerySet(models.QuerySet):
    def visible(self):
        """Rows neither deleted by their author nor hidden by a moderator."""
        return self.filter(VISIBLE)


class ForumManager(models.Manager.from_queryset(ForumQuerySet)):
    """Never loads the search columns: they are large, only search reads them (in the
    database), and a save of a loaded-but-stale vector would undo the trigger's work."""

    def get_queryset(self):
        return super().get_queryset().defer(*SEARCH_FIELDS.get(self.model.__name__, ()))


class Thread(models.Model):
    """A topic a fan opened about a product, with its opening post.

    The opening post IS this row (``title``, ``body``, ``author``, ``created_at``):
    there is no first ``Post``. ``Post`` rows are replies only, so a list page reads one
    table and an import writes one row per thread. Create threads only through
    ``forum.services.create_thread``; it keeps the counters below and queues the
    triage hook.

    Counters are denormalised and maintained by the services with F() expressions:
    ``reply_count`` (visible replies), ``me_too_count`` (MeToo rows) and
    ``last_activity_at`` (creation, then each reply). A bulk loader that bypasses the
    services must set them itself. ``search_title`` and ``search_body`` hold the terms
    search matches on (``forum.textsearch.document_terms`` of the title and the opening
    post): the services fill them, and a loader must too. ``search_vector`` is built
    from them by a database trigger on PostgreSQL and stays NULL on SQLite.
    ``body_html`` caches the sanitised rendering of ``body``; when empty it is rendered
    on read, so loaders may leave it blank.
    """

    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="threads",
        # Required in the fan's form, but imported complaints often name no product:
        # triage detects it later.
        null=True,
        blank=True,
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    body_html = models.TextField(_("rendered body"), blank=True, editable=False)
    firmware = models.CharField(
        _("firmware / OS version"), max_length=80, blank=True, help_text=_("e.g. HyperOS 1.0.5")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PROBLEM)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    fixed_in = models.CharField(_("fixed in version"), max_length=80, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="threads",
    )
    external_author = models.CharField(
        _("external author"),
        max_length=100,
        blank=True,
        help_text=_("Name at the source, for imported threads without an account."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    external_id = models.CharField(
        _("external id"), max_length=200, unique=True, null=True, blank=True
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    is_deleted = models.BooleanField(_("deleted by author"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    me_too_count = models.PositiveIntegerField(_("me too"), default=0)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    pinned_post = models.ForeignKey(
        "Post",
        verbose_name=_("pinned answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    search_title = _search_terms_field(_("search terms of the title"))
    search_body = _search_terms_field(_("search terms of the post"))
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ForumManager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            # Every list is "visible threads, [of one product], newest/most active first".
            models.Index(
                fields=["-last_activity_at", "-id"], name="thread_active_idx", condition=VISIBLE
            ),
            models.Index(fields=["-created_at", "-id"], name="thread_new_idx", condition=VISIBLE),
            models.Index(
                fields=["product", "-last_activity_at", "-id"],
                name="thread_product_active_idx",
                condition=VISIBLE,
            ),
            models.Index(
                fields=["product", "-created_at", "-id"],
                name="thread_product_new_idx",
                condition=VISIBLE,
            ),
            # The hot list: the hottest of the threads active this week (selectors.hot_threads
            # reads the first few entries instead of sorting every thread of the week:
            # 47 ms -> 0.06 ms at 100,000 threads).
            models.Index(
                (F("me_too_count") * 2 + F("reply_count")).desc(),
                F("last_activity_at").desc(),
                name="thread_hot_idx",
                condition=VISIBLE,
            ),
            models.Index(fields=["product", "firmware"], name="thread_product_firmware_idx"),
            models.Index(fields=["author", "-created_at"], name="thread_author_idx"),
            GinIndex(fields=["search_vector"], name="thread_search_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:thread", args=[self.pk])

    @property
    def is_visible(self) -> bool:
        return not (self.is_deleted or self.is_hidden)


class Post(models.Model):
    """A reply in a thread (the opening post is the ``Thread`` row itself).

    Create replies only through ``forum.services.create_post``, which bumps the
    thread's ``reply_count`` and ``last_activity_at`` and notifies followers.
    ``is_official`` is copied from the author at posting time (staff answer for the
    brand), so the badge stays true to when it was written. Deleted or hidden replies
    keep their row and show as a placeholder, so the conversation stays readable.
    """

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
    )
    external_author = models.CharField(_("external author"), max_length=100, blank=True)
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("body"), help_text=_("Markdown."))
    body_html = models.TextField(_("rendered body"), blank=True, editable=False)
    firmware = models.CharField(_("firmware / OS version"), max_length=80, blank=True)
    is_official = models.BooleanField(_("official"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    external_id = models.CharField(
        _("external id"), max_length=200, unique=True, null=True, blank=True
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    is_deleted = models.BooleanField(_("deleted by author"), default=False)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    search_body = _search_terms_field(_("search terms of the post"))
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ForumManager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="post_thread_idx"),
            models.Index(fields=["author", "-created_at"], name="post_author_idx"),
            GinIndex(fields=["search_vector"], name="post_search_idx"),
        ]

    def __str__(self) -> str:
        return Truncator(self.body).chars(60)

    def get_absolute_url(self) -> str:
        return reverse("forum:post", args=[self.pk])

    @property
    def is_visible(self) -> bool:
        return not (self.is_deleted or self.is_hidden)


class Screenshot(models.Model):
    """An image attached to a thread's opening post (``post`` empty) or to a reply.

    Stored re-encoded (no EXIF, no GPS) under MEDIA_ROOT by ``forum.uploads``. A fan's
    upload is kept in ``original`` (checked from its header only, never served) until a
    task re-encodes it into ``image``: decoding is the costly part and stays out of the
    web request. ``thread`` is always set so one query fetches every screenshot of a
    thread page.
    """

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="screenshots"
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="screenshots",
    )
    image = models.ImageField(
        _("image"),
        upload_to=screenshot_path,
        width_field="width",
        height_field="height",
        blank=True,  # empty until the upload is re-encoded
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    original = models.BinaryField(_("upload waiting to be re-encoded"), null=True, editable=False)
    alt_text = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("screenshot")
        verbose_name_plural = _("screenshots")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="screenshot_pending_idx",
                condition=models.Q(original__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.alt_text or self.image.name or f"#{self.pk}"


class MeToo(models.Model):
    """A fan saying "I have this problem too": one per fan and thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="me_toos")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="me_toos"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("me too")
        verbose_name_plural = _("me too")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="metoo_once_per_user")
        ]
        indexes = [models.Index(fields=["thread", "-created_at"], name="metoo_thread_idx")]

    def __str__(self) -> str:
        return f"{self.user} → {self.thread_id}"


class Follow(models.Model):
    """How closely a fan follows a thread (no row: only mentions reach them).

    Watching: every reply and every status change. Normal: status changes, and replies
    to their own posts or mentions. Muted: nothing at all, not even mentions. Reporting,
    replying and "me too" make a fan watch a thread; they choose another level on it.
    """

    class Level(models.TextChoices):
        WATCHING = "watching", _("Watching")
        NORMAL = "normal", _("Normal")
        MUTED = "muted", _("Muted")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    level = models.CharField(
        _("notifications"),
        max_length=10,
        choices=Level.choices,
        default=Level.WATCHING,
        db_default=Level.WATCHING,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="follow_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.thread_id}"


class Notification(models.Model):
    """Something a user should see in their bell and daily digest.

    Generic on purpose: ``verb`` says what happened, ``thread``/``post``/``actor`` are
    optional, ``text`` is an optional ready-made sentence and ``extra`` carries data
    for the template (e.g. ``{"old": "open", "new": "fixed"}`` for a status change).
    Repeats fold into one row while unread: the newest replaces the older ones about
    the same thread and verb, keeping ``extra["count"]`` and ``extra["actors"]`` (names,
    newest first). Create them only through ``forum.services``.
    """

    class Verb(models.TextChoices):
        REPLY = "reply", _("New reply")
        STATUS = "status", _("Status changed")
        OFFICIAL = "official", _("Official answer")
        MODERATION = "moderation", _("Moderation")
        SCREENSHOT = "screenshot", _("Screenshot removed")
        MENTION = "mention", _("Mention")
        QUOTE = "quote", _("Reply to your post")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(max_length=20, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=300, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The bell counts unread rows on every page: keep that index small.
            models.Index(
                fields=["recipient"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} → {self.recipient}"


class Flag(models.Model):
    """A fan reporting a thread (``post`` empty) or a reply to the moderators."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Rude or abusive")
        OFF_TOPIC = "off_topic", _("Off topic or wrong product")
        PERSONAL = "personal", _("Personal data (phone number, IMEI, address)")
        OTHER = "other", _("Something else")

    class FlagStatus(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved: action taken")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.CASCADE,
        related_name="flags",
    )
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="flags"
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="flags",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    detail = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        indexes = [models.Index(fields=["status", "-created_at"], name="flag_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.post or self.thread}"


class ModerationAction(models.Model):
    """The log of every moderation step: who did what to which target, when and why."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hide")
        RESTORE = "restore", _("Restore")
        LOCK = "lock", _("Lock thread")
        UNLOCK = "unlock", _("Unlock thread")
        MOVE = "move", _("Move thread")
        SUSPEND = "suspend", _("Suspend user")
        UNSUSPEND = "unsuspend", _("Lift suspension")
        RESOLVE_FLAG = "resolve_flag", _("Resolve flag")
        DISMISS_FLAG = "dismiss_flag", _("Dismiss flag")
        PIN = "pin", _("Pin answer")
        UNPIN = "unpin", _("Unpin answer")
        STATUS = "status", _("Change status")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.PROTECT,
        related_name="moderation_actions",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.SET_NULL, null=True, blank=True
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.SET_NULL, null=True, blank=True
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    flag = models.ForeignKey(
        Flag, verbose_name=_("flag"), on_delete=models.SET_NULL, null=True, blank=True
    )
    reason = models.TextField(_("reason"))
    extra = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.moderator} · {self.created_at:%Y-%m-%d %H:%M}"
