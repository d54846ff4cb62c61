"""Triage in the database: clusters of threads, what the engine decided, alerts, forwards.

The database is the source of truth. Each thread's engine output (terms, severity,
escalation, product guess) is kept in ``ThreadTriage``; any worker rebuilds the engine's
in-memory index from those rows. Writes go through ``triage.services``.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forum.models import Kind, Product, Thread
from triage.engine import scale


class Severity(models.TextChoices):
    """The engine's scale (``triage.engine.scale``), worst first, with its labels."""

    CRITICAL = scale.CRITICAL, _("Critical")
    MAJOR = scale.MAJOR, _("Major")
    MINOR = scale.MINOR, _("Minor")
    SUGGESTION = scale.SUGGESTION, _("Suggestion")


class ClusterStatus(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed")
    FORWARDED = "forwarded", _("Forwarded to engineering")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by engineering")
    FIXED = "fixed", _("Fixed")
    WONT_FIX = "wont_fix", _("Won't fix")
    DUPLICATE = "duplicate", _("Duplicate")
    REGRESSED = "regressed", _("Regressed")


class Source(models.TextChoices):
    ENGINE = "engine", _("Engine")
    MANAGER = "manager", _("Community manager")


class Cluster(models.Model):
    """One problem (or suggestion) of one product, reported in one or more threads.

    ``key`` is the engine's name for the cluster: the id of the thread that opened it.
    It stays when the cluster grows, shrinks or absorbs another, so links and
    engineering tickets keep pointing at the same row. A cluster without a product is
    in the "unassigned" queue: the engine could not tell which product it is about.

    Spread figures are recomputed from the member threads by
    ``triage.services.refresh_figures``; ``heat`` ranks the queue (see
    ``triage.engine.spread.HEAT_FORMULA``).
    """

    key = models.BigIntegerField(_("engine key"), unique=True, editable=False)
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clusters",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PROBLEM)
    label = models.CharField(_("label"), max_length=300, blank=True)
    top_terms = models.JSONField(_("top terms"), default=list, blank=True)

    severity = models.CharField(
        _("severity"), max_length=12, choices=Severity.choices, default=Severity.MINOR
    )
    severity_source = models.CharField(
        _("severity set by"), max_length=8, choices=Source.choices, default=Source.ENGINE
    )
    # A manager's reason in their own words; the engine's is ``severity_evidence``:
    # ``{"count", "total", "reasons"}`` (how many threads hold the level, of how many,
    # and the engine's reasons among them), put into words where it is read.
    severity_reason = models.TextField(_("why this severity"), blank=True)
    severity_evidence = models.JSONField(_("the engine's evidence"), default=dict, blank=True)
    severity_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("severity set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    status = models.CharField(
        _("status"), max_length=12, choices=ClusterStatus.choices, default=ClusterStatus.NEW
    )
    fixed_in = models.CharField(_("fixed in version"), max_length=80, blank=True)
    ticket_url = models.URLField(_("engineering ticket"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="absorbed",
    )

    heat = models.FloatField(_("heat"), default=0.0)
    escalation = models.FloatField(_("escalation risk"), default=0.0)
    escalation_reasons = models.JSONField(_("escalation words"), default=list, blank=True)
    threads = models.PositiveIntegerField(_("threads"), default=0)
    reporters = models.PositiveIntegerField(_("people affected"), default=0)
    me_too = models.PositiveIntegerField(_("me too"), default=0)
    replies = models.PositiveIntegerField(_("replies"), default=0)
    reports_24h = models.PositiveIntegerField(_("reports, last 24 h"), default=0)
    reports_prev_24h = models.PositiveIntegerField(_("reports, 24 h before"), default=0)
    reports_per_hour = models.FloatField(_("reports an hour, last 24 h"), default=0.0)
    growth = models.FloatField(_("growth against the previous 24 h"), default=0.0)
    per_100k_devices = models.FloatField(_("people per 100,000 devices"), null=True, blank=True)
    firmware = models.JSONField(_("firmware versions"), default=dict, blank=True)
    products = models.JSONField(_("products affected"), default=list, blank=True)
    daily = models.JSONField(_("reports per day"), default=list, blank=True)

    first_seen = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    # Response times are measured from ``first_seen`` to these moments. ``forwarded_at``:
    # the first forward, status of forwarded or acknowledged, or write-back of
    # engineering's through the feed; it stays (the feed's ``forwarded``).
    first_answered_at = models.DateTimeField(_("first official answer"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("first handed to engineering"), null=True, blank=True)
    fixed_at = models.DateTimeField(_("marked fixed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        indexes = [
            models.Index(fields=["-heat", "id"], name="cluster_heat_idx"),
            models.Index(fields=["product", "-heat"], name="cluster_product_heat_idx"),
            models.Index(fields=["status", "-heat"], name="cluster_status_heat_idx"),
            models.Index(fields=["-last_seen", "id"], name="cluster_last_seen_idx"),
        ]

    def __str__(self) -> str:
        return self.label or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("admin:triage_cluster_change", args=[self.pk])

    @property
    def is_forwarded(self) -> bool:
        """Engineering has it or had it (the feed's ``forwarded``)."""
        return self.forwarded_at is not None


class ThreadTriage(models.Model):
    """What the engine decided about one thread, and the cluster it is a member of.

    ``content_hash`` is the hash of what the engine read (title, body, product,
    firmware, kind): a task that finds it unchanged does nothing, so running it twice
    changes nothing. ``assignment`` says whether the engine or a manager put the thread
    in its cluster; the batch pass never moves a thread a manager placed.
    """

    thread = models.OneToOneField(
        Thread, on_delete=models.CASCADE, primary_key=True, related_name="triage"
    )
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    similarity = models.FloatField(_("similarity"), default=0.0)
    assignment = models.CharField(
        _("assigned by"), max_length=8, choices=Source.choices, default=Source.ENGINE
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)

    product = models.ForeignKey(
        Product,
        verbose_name=_("product (as triaged)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    product_confidence = models.FloatField(_("product confidence"), default=0.0)
    product_source = models.CharField(_("product from"), max_length=60, blank=True)
    severity = models.CharField(_("severity"), max_length=12, choices=Severity.choices)
    severity_reasons = models.JSONField(_("severity reasons"), default=list, blank=True)
    escalation = models.FloatField(_("escalation risk"), default=0.0)
    escalation_reasons = models.JSONField(_("escalation words"), default=list, blank=True)
    concepts = models.JSONField(_("symptoms"), default=list, blank=True)
    firmware_parts = models.JSONField(_("firmware parts"), default=list, blank=True)
    terms = models.JSONField(_("terms"), default=dict)
    content_hash = models.CharField(max_length=64)
    triaged_at = models.DateTimeField(_("triaged"), db_index=True)

    class Meta:
        verbose_name = _("thread triage")
        verbose_name_plural = _("thread triage")

    def __str__(self) -> str:
        return f"{self.thread_id} → {self.cluster_id}"


class Forward(models.Model):
    """A cluster handed to engineering, by whom, with what note and ticket."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="forwards"
    )
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    ticket_url = models.URLField(_("engineering ticket"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("forwarded"), auto_now_add=True)

    class Meta:
        verbose_name = _("forward")
        verbose_name_plural = _("forwards")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("%(cluster)s → engineering") % {"cluster": self.cluster}


class Alert(models.Model):
    """Something managers must look at now: a spike, a regression, a post going public."""

    class Kind(models.TextChoices):
        SPIKE = "spike", _("Spike")
        PRODUCT_SPIKE = "product_spike", _("Spike across a product")
        REGRESSION = "regression", _("Regression")
        ESCALATION = "escalation", _("Escalation")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
    )
    # What happened, as figures and words of the posts (see ``triage.wording.alert_text``);
    # the sentence is written in the reader's language when it is read.
    data = models.JSONField(_("figures"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    mailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(
                fields=["-opened_at"], name="alert_open_idx", condition=models.Q(closed_at=None)
            )
        ]

    def __str__(self) -> str:
        from triage.wording import alert_text

        return alert_text(self)


class TriageEvent(models.Model):
    """The audit log: every triage action, by the engine (no actor) or by a person."""

    class Action(models.TextChoices):
        CREATED = "created", _("Cluster opened")
        ASSIGNED = "assigned", _("Thread assigned")
        MOVED = "moved", _("Thread moved")
        MERGED = "merged", _("Clusters merged")
        UNMERGED = "unmerged", _("Merge undone")
        SPLIT = "split", _("Cluster split")
        SEVERITY = "severity", _("Severity set")
        STATUS = "status", _("Status changed")
        FORWARDED = "forwarded", _("Forwarded to engineering")
        REGRESSED = "regressed", _("Reopened as regressed")
        PRODUCT = "product", _("Product set")
        ALERT = "alert", _("Alert opened")
        ALERT_CLOSED = "alert_closed", _("Alert closed")
        REPLIED = "replied", _("Official reply posted")
        LEARNED = "learned", _("Engine taught")
        UNLEARNED = "unlearned", _("Lesson withdrawn")

    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    thread = models.ForeignKey(
        Thread,
        verbose_name=_("thread"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    # A person's note in their own words; what happened is ``data``, put into words
    # where it is read (``triage.wording.event_text``).
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class EngineState(models.Model):
    """One row: a counter bumped whenever clusters change wholesale (batch pass, a
    manager's merge or move), so every worker knows to rebuild its in-memory index."""

    generation = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("engine state")
        verbose_name_plural = _("engine state")

    def __str__(self) -> str:
        return f"generation {self.generation}"


class ReplyTemplate(models.Model):
    """An official answer managers post to every thread of a cluster at once.

    Written in both languages: each fan gets the text in their own language. ``{fixed_in}``
    and ``{product}`` in the text are filled in from the cluster.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    body_id = models.TextField(_("text in Indonesian"), help_text=_("Markdown."))
    body_en = models.TextField(_("text in English"), help_text=_("Markdown."))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MergeRecord(models.Model):
    """A merge of one cluster into another, kept so that it can be undone exactly."""

    kept = models.ForeignKey(
        Cluster, verbose_name=_("kept cluster"), on_delete=models.CASCADE, related_name="+"
    )
    absorbed = models.ForeignKey(
        Cluster, verbose_name=_("merged cluster"), on_delete=models.CASCADE, related_name="+"
    )
    thread_ids = models.JSONField(_("moved threads"), default=list)
    absorbed_status = models.CharField(
        _("status before the merge"), max_length=12, choices=ClusterStatus.choices
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.absorbed_id} → {self.kept_id}"


class Lesson(models.Model):
    """What one manager's correction taught the engine about one product's threads.

    A merge or a move ties the most distinctive word of each side (``ties``: ``[a, b]``
    pairs) and lowers the product's link threshold toward the similarity the manager
    joined (``joined_at``); a split raises it above the one the manager separated
    (``apart_at``). Every worker's index applies the lessons that are not withdrawn, in
    order (``triage.engine.Lesson``); undoing the merge that taught one withdraws it.
    """

    class Source(models.TextChoices):
        MERGE = "merge", _("merge")
        MOVE = "move", _("move")
        SPLIT = "split", _("split")

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("taught by"), max_length=8, choices=Source.choices)
    merge = models.ForeignKey(
        MergeRecord,
        verbose_name=_("merge"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lessons",
    )
    ties = models.JSONField(_("words tied"), default=list, blank=True)
    joined_at = models.FloatField(_("similarity joined"), null=True, blank=True)
    apart_at = models.FloatField(_("similarity separated"), null=True, blank=True)
    taught_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("taught"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return ", ".join(f"{a} = {b}" for a, b in self.ties) or str(self.get_source_display())


class WebhookEvent(models.TextChoices):
    CLUSTER_FORWARDED = "cluster.forwarded", _("Cluster forwarded to engineering")
    STATUS_CHANGED = "cluster.status_changed", _("Cluster status changed")
    ALERT_OPENED = "alert.opened", _("Alert opened (spike, regression, escalation)")


class Webhook(models.Model):
    """An engineering endpoint told of triage events, signed with its secret."""

    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("secret"), max_length=200, help_text=_("Shared with the receiver to sign deliveries.")
    )
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one webhook, with every attempt's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("last response code"), null=True,
                                                     blank=True)  # fmt: skip
    error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.webhook}"
