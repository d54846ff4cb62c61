"""Every triage write: one function per change of state, called by tasks, admin and API.

The per-thread pipeline (``triage_thread``) asks the engine about a thread, puts it in a
cluster and refreshes that cluster's figures; periodic jobs recompute heat
(``refresh_figures``), look for spikes (``detect_spikes``) and consolidate clusters
(``consolidate_clusters``). Every change lands in the audit log (``TriageEvent``).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import TruncDate, TruncHour
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.roles import COMMUNITY_MANAGER
from forum import services as forum_services
from forum.models import VISIBLE, Kind, MeToo, Notification, Post, Product, Status, Thread
from triage import engine, index, selectors, wording
from triage.engine.spread import SpreadFigures, detect_spike, heat
from triage.models import (
    SEVERITY_RANK,
    Alert,
    Cluster,
    ClusterStatus,
    Forward,
    Lesson,
    MergeRecord,
    ReplyTemplate,
    Severity,
    Source,
    ThreadTriage,
    TriageEvent,
    WebhookEvent,
)

log = logging.getLogger(__name__)

# Sent after commit with ``event`` (a WebhookEvent value), ``cluster_id`` and ``data``
# whenever something engineering follows happens; webhooks deliver it.
triage_event = Signal()


def _emit(event: str, cluster_id: int | None, **data) -> None:
    transaction.on_commit(
        lambda: triage_event.send(sender=Cluster, event=event, cluster_id=cluster_id, data=data)
    )


# Bump when the engine's decisions change, so the sweeper re-triages every thread.
ENGINE_VERSION = "2"
# Below this the engine's product guess is not trusted and the thread waits, unassigned.
PRODUCT_CONFIDENCE = 0.6
# A level must be held by this share of a cluster's threads to be the cluster's severity.
SEVERITY_SHARE = 0.25
# The engine's reasons kept with a cluster's severity: the commonest among its threads.
EVIDENCE_REASONS = 5
DAILY_DAYS = 30
# Similar threads whose severity a thread without symptom words may borrow.
NEIGHBOURS = 5
# Where the sweeper stopped (a thread id), so the next sweep goes on from there.
SWEEP_CURSOR = "triage:sweep-cursor"
# Escalation risk at which a cluster is flagged in the queue and an alert is opened.
ESCALATING = engine.ALERT_SCORE

# Statuses that mean engineering has the problem: the first one ends "time to forward".
ENGINEERING_HAS_IT = (ClusterStatus.FORWARDED, ClusterStatus.ACKNOWLEDGED)

# What fans see on their threads for each cluster status.
THREAD_STATUS = {
    ClusterStatus.NEW: Status.OPEN,
    ClusterStatus.CONFIRMED: Status.ACKNOWLEDGED,
    ClusterStatus.FORWARDED: Status.INVESTIGATING,
    ClusterStatus.ACKNOWLEDGED: Status.INVESTIGATING,
    ClusterStatus.FIXED: Status.FIXED,
    ClusterStatus.WONT_FIX: Status.CLOSED,
    ClusterStatus.REGRESSED: Status.INVESTIGATING,
}


def content_hash(thread: Thread) -> str:
    """What the engine reads of a thread; unchanged means there is nothing to redo."""
    source = "\x1f".join(
        [
            ENGINE_VERSION,
            thread.title,
            thread.body,
            str(thread.product_id or ""),
            thread.firmware,
            thread.kind,
        ]
    )
    return hashlib.sha256(source.encode()).hexdigest()


def log_event(action: str, *, cluster=None, thread=None, actor=None, note="", **data) -> None:
    """Append one line to the audit log."""
    TriageEvent.objects.create(
        action=action, cluster=cluster, thread=thread, actor=actor, note=note, data=data
    )


# --- the per-thread pipeline -------------------------------------------------------------


def triage_thread(thread_id: int) -> ThreadTriage | None:
    """Analyse one thread, place it in a cluster and refresh that cluster's figures.

    Idempotent: a thread whose content did not change since it was triaged is left
    alone, so a task that runs twice (acks_late, the sweeper) changes nothing. A thread
    already in a cluster stays there when edited (the batch pass moves it if it
    drifted). Returns the thread's triage row, or None for a deleted thread.
    """
    thread = Thread.objects.filter(pk=thread_id).select_related("product").first()
    if thread is None:
        return None
    digest = content_hash(thread)
    existing = ThreadTriage.objects.filter(thread=thread).first()
    if existing and existing.content_hash == digest and existing.cluster_id:
        if thread.edited_at and thread.edited_at > existing.triaged_at:
            # An edit that changed nothing the engine reads: note that it was read, or
            # the sweeper would find the thread "edited since triage" forever.
            existing.triaged_at = timezone.now()
            existing.save(update_fields=["triaged_at"])
        return existing

    analysis = engine.analyse(
        thread.title,
        thread.body,
        product=str(thread.product_id) if thread.product_id else None,
        firmware=thread.firmware or None,
        catalog=index.catalog(),
    )
    product_id = _decide_product(thread, analysis.product)
    now = timezone.now()
    row = existing or ThreadTriage(thread=thread)
    row.product_id = product_id
    row.product_confidence = analysis.product.confidence
    row.product_source = analysis.product.source[:60]
    row.severity = _thread_severity(thread, analysis)
    row.severity_reasons = list(analysis.severity.reasons)
    row.escalation = analysis.escalation.score
    row.escalation_reasons = list(analysis.escalation.reasons)
    row.concepts = analysis.concept_ids
    row.firmware_parts = [p.__dict__ for p in analysis.firmware]
    row.terms = dict(analysis.terms)
    row.content_hash = digest
    row.triaged_at = now

    with transaction.atomic():
        cluster = row.cluster if row.cluster_id else _assign(thread, row, product_id)
        if thread.kind != Kind.SUGGESTION and not analysis.severity.from_words:
            decision = _severity_from_neighbours(thread.pk, analysis.severity)
            row.severity, row.severity_reasons = decision.level, list(decision.reasons)
        row.save()
    index.note_assignment(now)
    refresh_figures([cluster.pk])
    relabel([cluster.pk])
    _check_regression(cluster, thread)
    if row.escalation >= ESCALATING:
        open_alert(
            Alert.Kind.ESCALATION,
            cluster=cluster,
            data={
                "thread": thread.pk,
                "title": thread.title[:120],
                "reasons": row.escalation_reasons[:4],
                "score": row.escalation,
            },
        )
    return row


def _decide_product(thread: Thread, guess: engine.ProductGuess) -> int | None:
    sure = guess.key is not None and guess.confidence >= PRODUCT_CONFIDENCE
    if thread.product_id:
        if sure and int(guess.key) != thread.product_id:
            # The fan picked one phone but writes only about another: cluster it with
            # the phone it is about; the thread stays where it was filed until a
            # manager moves it.
            log_event(TriageEvent.Action.PRODUCT, thread=thread, note=", ".join(guess.matched),
                      product=int(guess.key), chosen=thread.product_id,
                      confidence=guess.confidence)  # fmt: skip
            return int(guess.key)
        return thread.product_id
    if not sure:
        return None  # waits in the unassigned queue for a manager
    product_id = int(guess.key)
    # An imported complaint that names its phone gets that product, for fans too.
    Thread.objects.filter(pk=thread.pk, product__isnull=True).update(product_id=product_id)
    log_event(
        TriageEvent.Action.PRODUCT,
        thread=thread,
        note=", ".join(guess.matched),
        product=product_id,
        confidence=guess.confidence,
    )
    return product_id


def _thread_severity(thread: Thread, analysis: engine.Analysis) -> str:
    if thread.kind == Kind.SUGGESTION:
        return Severity.SUGGESTION
    return analysis.severity.level


def _severity_from_neighbours(thread_id: int, own: engine.SeverityDecision):
    """A thread whose words name no symptom borrows the severity of its most similar
    reports whose words did (``engine.severity.from_neighbours``); one query."""
    cluster_index = index.current_index()
    if thread_id not in cluster_index.index:
        return own
    similar = dict(cluster_index.similar_to(thread_id, k=NEIGHBOURS))
    stored = ThreadTriage.objects.filter(thread_id__in=list(similar)).values_list(
        "thread_id", "severity", "severity_reasons"
    )
    return engine.severity.from_neighbours(
        own,
        [(engine.SeverityDecision(level, tuple(why)), similar[tid]) for tid, level, why in stored],
    )


def _assign(thread: Thread, row: ThreadTriage, product_id: int | None) -> Cluster:
    cluster_index = index.current_index()
    placed = cluster_index.add(
        thread.pk, row.terms, index.partition(product_id, thread.kind), thread.title
    )
    if placed.created:
        cluster = _open_cluster(placed.cluster, thread, product_id, row)
    else:
        cluster = Cluster.objects.get(key=placed.cluster)
    row.cluster = cluster
    row.similarity = round(placed.similarity, 4)
    row.assignment = Source.ENGINE
    row.assigned_at = row.triaged_at
    log_event(
        TriageEvent.Action.ASSIGNED, cluster=cluster, thread=thread, similarity=row.similarity
    )
    return cluster


def _open_cluster(key: int, thread: Thread, product_id: int | None, row: ThreadTriage) -> Cluster:
    try:
        with transaction.atomic():
            cluster = Cluster.objects.create(
                key=key,
                product_id=product_id,
                kind=Kind.SUGGESTION if thread.kind == Kind.SUGGESTION else Kind.PROBLEM,
                label=thread.title[:300],
                severity=row.severity,
                first_seen=thread.created_at,
                last_seen=thread.created_at,
            )
    except IntegrityError:  # the same task ran twice at once; the other one won
        return Cluster.objects.get(key=key)
    log_event(TriageEvent.Action.CREATED, cluster=cluster, thread=thread)
    return cluster


# --- figures and heat --------------------------------------------------------------------


def _cluster_severity(votes: Counter, total: int) -> tuple[str, int]:
    """The worst level held by at least SEVERITY_SHARE of the threads, and its count."""
    for level in sorted(votes, key=lambda s: SEVERITY_RANK.get(s, 9)):
        if votes[level] >= max(1.0, SEVERITY_SHARE * total):
            return level, votes[level]
    level = votes.most_common(1)[0][0] if votes else Severity.MINOR
    return level, votes[level]


def refresh_figures(cluster_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recompute spread, severity and heat of these clusters from their threads.

    A fixed number of grouped queries whatever the number of clusters, then one bulk
    update. Returns how many clusters were refreshed.
    """
    ids = list(set(cluster_ids))
    if not ids:
        return 0
    now = now or timezone.now()
    day_ago, two_days_ago = now - timedelta(hours=24), now - timedelta(hours=48)
    members = Thread.objects.filter(VISIBLE, triage__cluster_id__in=ids)
    stats = {
        r["triage__cluster_id"]: r
        for r in members.values("triage__cluster_id").annotate(
            threads=Count("id"),
            me_too=Sum("me_too_count"),
            replies=Sum("reply_count"),
            first=Min("created_at"),
            last=Max("created_at"),
            escalation=Max("triage__escalation"),
            recent=Count("id", filter=Q(created_at__gte=day_ago)),
            previous=Count("id", filter=Q(created_at__gte=two_days_ago, created_at__lt=day_ago)),
        )
    }
    me_toos = MeToo.objects.filter(thread__in=members)
    for r in me_toos.values("thread__triage__cluster_id").annotate(
        last=Max("created_at"),
        recent=Count("id", filter=Q(created_at__gte=day_ago)),
        previous=Count("id", filter=Q(created_at__gte=two_days_ago, created_at__lt=day_ago)),
    ):
        s = stats.get(r["thread__triage__cluster_id"])
        if s:
            s["last"] = max(s["last"], r["last"])
            s["recent"] += r["recent"]
            s["previous"] += r["previous"]

    people: dict[int, set] = defaultdict(set)
    for cid, author, external in members.values_list(
        "triage__cluster_id", "author_id", "external_author"
    ):
        people[cid].add(author or f"ext:{external}")
    for cid, user in me_toos.values_list("thread__triage__cluster_id", "user_id"):
        people[cid].add(user)

    daily: dict[int, dict[str, int]] = defaultdict(Counter)
    since = now - timedelta(days=DAILY_DAYS)
    tz = timezone.get_default_timezone()
    for qs, key in ((members, "triage__cluster_id"), (me_toos, "thread__triage__cluster_id")):
        for r in (
            qs.filter(created_at__gte=since)
            .annotate(day=TruncDate("created_at", tzinfo=tz))
            .values(key, "day")
            .annotate(n=Count("id"))
        ):
            daily[r[key]][r["day"].isoformat()] += r["n"]

    firmware: dict[int, dict[str, int]] = defaultdict(dict)
    for r in (
        members.exclude(firmware="")
        .values("triage__cluster_id", "firmware")
        .annotate(n=Count("id"))
    ):
        firmware[r["triage__cluster_id"]][r["firmware"]] = r["n"]
    products: dict[int, list[int]] = defaultdict(list)
    for cid, pid in (
        members.exclude(product=None).values_list("triage__cluster_id", "product_id").distinct()
    ):
        products[cid].append(pid)
    votes: dict[int, Counter] = defaultdict(Counter)
    for r in members.values("triage__cluster_id", "triage__severity").annotate(n=Count("id")):
        votes[r["triage__cluster_id"]][r["triage__severity"]] = r["n"]
    reasons: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for cid, level, thread_reasons in ThreadTriage.objects.filter(
        cluster_id__in=ids, thread__is_deleted=False, thread__is_hidden=False
    ).values_list("cluster_id", "severity", "severity_reasons"):
        reasons[cid, level].update(set(thread_reasons))
    answered = dict(
        Post.objects.filter(VISIBLE, is_official=True, thread__in=members)
        .values("thread__triage__cluster_id")
        .annotate(first=Min("created_at"))
        .values_list("thread__triage__cluster_id", "first")
    )
    escalation_words = dict(
        ThreadTriage.objects.filter(cluster_id__in=ids, escalation__gt=0)
        .order_by("cluster_id", "escalation")
        .values_list("cluster_id", "escalation_reasons")
    )

    clusters = list(Cluster.objects.filter(pk__in=ids).select_related("product"))
    for c in clusters:
        before = _synced_figures(c)
        s = stats.get(c.pk)
        if s is None:  # emptied by a merge or a move
            c.threads = c.reporters = c.me_too = c.replies = c.reports_24h = 0
            c.reports_prev_24h, c.heat, c.growth, c.reports_per_hour = 0, 0.0, 0.0, 0.0
            if _synced_figures(c) != before:
                c.updated_at = now
            continue
        c.threads, c.me_too, c.replies = s["threads"], s["me_too"] or 0, s["replies"] or 0
        c.first_answered_at = answered.get(c.pk)
        c.reporters = len(people[c.pk])
        c.first_seen, c.last_seen = s["first"], s["last"]
        c.reports_24h, c.reports_prev_24h = s["recent"], s["previous"]
        c.reports_per_hour = round(s["recent"] / 24, 3)
        c.growth = round(engine.spread.growth(s["recent"], s["previous"]), 3)
        c.escalation = round(s["escalation"] or 0.0, 3)
        c.escalation_reasons = escalation_words.get(c.pk, [])
        c.firmware = dict(sorted(firmware[c.pk].items(), key=lambda kv: -kv[1]))
        c.products = sorted(products[c.pk])
        c.daily = sorted(daily[c.pk].items())
        devices = c.product.active_devices if c.product else None
        c.per_100k_devices = (
            round(engine.spread.per_100k(c.reporters, devices), 2) if devices else None
        )
        if c.severity_source == Source.ENGINE:
            level, count = _cluster_severity(votes[c.pk], c.threads)
            c.severity = level
            c.severity_reason = ""
            c.severity_evidence = {
                "count": count,
                "total": c.threads,
                "reasons": [r for r, _n in reasons[c.pk, level].most_common(EVIDENCE_REASONS)],
            }
        c.heat = heat(
            SpreadFigures(
                severity=c.severity,
                reporters=c.reporters,
                me_too=c.me_too,
                replies=c.replies,
                reports_last_24h=c.reports_24h,
                reports_previous_24h=c.reports_prev_24h,
                days_since_last_report=(now - c.last_seen).total_seconds() / 86400,
                escalation=c.escalation,
                active_devices=devices,
            )
        )
        # Heat decays by the hour; only a change engineers sync on moves updated_at.
        if _synced_figures(c) != before:
            c.updated_at = now
    Cluster.objects.bulk_update(
        clusters,
        [
            "threads",
            "reporters",
            "me_too",
            "replies",
            "first_seen",
            "last_seen",
            "reports_24h",
            "reports_prev_24h",
            "reports_per_hour",
            "growth",
            "escalation",
            "escalation_reasons",
            "firmware",
            "products",
            "daily",
            "per_100k_devices",
            "severity",
            "severity_reason",
            "severity_evidence",
            "first_answered_at",
            "heat",
            "updated_at",
        ],
    )
    return len(clusters)


SYNCED_FIGURES = ("threads", "reporters", "me_too", "replies", "severity", "firmware", "products")


def _synced_figures(cluster: Cluster) -> tuple:
    return tuple(getattr(cluster, name) for name in SYNCED_FIGURES)


def refresh_all_figures(batch: int = 500) -> int:
    """Recompute every live cluster (the periodic heat job), a batch at a time."""
    ids = list(Cluster.objects.filter(merged_into=None).values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        refresh_figures(ids[start : start + batch])
    return len(ids)


# --- status, regressions ------------------------------------------------------------------


_VERSION = re.compile(r"\d+(?:\.\d+)+")


def _version(text: str) -> tuple[str, tuple[int, ...]] | None:
    parts = engine.parse_firmware(text)
    if parts is not None:
        return parts.family, tuple(int(x) for x in re.findall(r"\d+", parts.version))
    match = _VERSION.search(text)
    return ("", tuple(int(x) for x in match.group(0).split("."))) if match else None


def firmware_at_or_after(firmware: str, fixed_in: str) -> bool:
    """Is ``firmware`` the version ``fixed_in`` names, or later? False when unknown."""
    mine, fixed = _version(firmware or ""), _version(fixed_in or "")
    if not mine or not fixed or (mine[0] and fixed[0] and mine[0] != fixed[0]):
        return False
    return mine[1] >= fixed[1]


def _check_regression(cluster: Cluster, thread: Thread) -> None:
    cluster.refresh_from_db(fields=["status", "fixed_in"])
    if cluster.status != ClusterStatus.FIXED or not firmware_at_or_after(
        thread.firmware, cluster.fixed_in
    ):
        return
    versions = {"firmware": thread.firmware, "fixed_in": cluster.fixed_in}
    log_event(TriageEvent.Action.REGRESSED, cluster=cluster, thread=thread, **versions)
    set_status(cluster, ClusterStatus.REGRESSED)
    open_alert(Alert.Kind.REGRESSION, cluster=cluster, data={"thread": thread.pk, **versions})


def set_status(
    cluster: Cluster,
    status: str,
    *,
    actor: User | None = None,
    fixed_in: str | None = None,
    ticket_url: str | None = None,
    note: str = "",
    by_engineering: bool = False,
) -> bool:
    """Change a cluster's status; every member thread shows it and its followers hear.

    The one path for the admin's action, the engineering feed's write-back
    (``by_engineering``) and the pipeline's regression check. A status of forwarded or
    acknowledged, or any write-back of engineering's, hands the cluster to engineering
    for good: ``forwarded_at`` (the feed's ``forwarded``). Returns False when nothing
    changed.
    """
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
        old = (cluster.status, cluster.fixed_in, cluster.ticket_url)
        cluster.status = status
        if fixed_in is not None:
            cluster.fixed_in = fixed_in.strip()
        if ticket_url is not None:
            cluster.ticket_url = ticket_url.strip()
        handed_over = cluster.forwarded_at is None and (
            by_engineering or status in ENGINEERING_HAS_IT
        )
        if old == (cluster.status, cluster.fixed_in, cluster.ticket_url) and not handed_over:
            return False
        now = timezone.now()
        if handed_over:
            cluster.forwarded_at = now
        if status != ClusterStatus.FIXED:
            cluster.fixed_at = None
        elif old[0] != ClusterStatus.FIXED:
            cluster.fixed_at = now
        cluster.save(
            update_fields=[
                "status", "fixed_in", "ticket_url", "forwarded_at", "fixed_at", "updated_at"
            ]
        )  # fmt: skip
        log_event(
            TriageEvent.Action.STATUS,
            cluster=cluster,
            actor=actor,
            note=note,
            old=old[0],
            new=status,
            fixed_in=cluster.fixed_in,
            ticket_url=cluster.ticket_url,
        )
        _emit(
            WebhookEvent.STATUS_CHANGED,
            cluster.pk,
            old=old[0],
            new=status,
            fixed_in=cluster.fixed_in,
            ticket_url=cluster.ticket_url,
            note=note,
        )
        thread_status = THREAD_STATUS.get(status)
        if thread_status:
            thread_ids = list(cluster.members.values_list("thread_id", flat=True))
            Thread.objects.filter(pk__in=thread_ids).update(
                status=thread_status, fixed_in=cluster.fixed_in
            )
            _notify_followers(
                thread_ids,
                actor=actor,
                extra={
                    "old": old[0],
                    "new": status,
                    # The English label; the forum translates it into each reader's language.
                    "label": _untranslated(ClusterStatus(status).label),
                    "fixed_in": cluster.fixed_in,
                    "cluster": cluster.pk,
                },
            )
    return True


def _untranslated(label) -> str:
    with translation.override(None):
        return str(label)


def _notify_followers(thread_ids: list[int], *, actor: User | None, extra: dict) -> None:
    """One status notification per follower of the cluster's threads, for their first one,
    also mailed to those who want status mail."""
    forum_services.notify_followers(
        thread_ids=thread_ids, verb=Notification.Verb.STATUS, actor=actor, extra=extra, email=True
    )


def forward_cluster(
    cluster: Cluster, *, actor: User | None, note: str = "", ticket_url: str = ""
) -> Forward:
    """Hand a cluster to engineering: a Forward row, status "forwarded", fans told."""
    with transaction.atomic():
        forward = Forward.objects.create(
            cluster=cluster, forwarded_by=actor, note=note, ticket_url=ticket_url
        )
        log_event(
            TriageEvent.Action.FORWARDED,
            cluster=cluster,
            actor=actor,
            note=note,
            ticket_url=ticket_url,
        )
        set_status(
            cluster, ClusterStatus.FORWARDED, actor=actor, ticket_url=ticket_url or None, note=note
        )
        _emit(
            WebhookEvent.CLUSTER_FORWARDED,
            cluster.pk,
            forward=forward.pk,
            note=note,
            ticket_url=ticket_url,
        )
    return forward


# --- alerts and spikes --------------------------------------------------------------------


def open_alert(kind: str, *, cluster=None, product=None, data=None) -> Alert | None:
    """Open an alert unless the same one is already open; mail community managers.

    ``data`` holds what happened as figures and the posts' own words (see
    ``triage.wording.alert_text``), so every reader gets it in their language.
    """
    if Alert.objects.filter(kind=kind, cluster=cluster, product=product, closed_at=None).exists():
        return None
    alert = Alert.objects.create(kind=kind, cluster=cluster, product=product, data=data or {})
    log_event(
        TriageEvent.Action.ALERT,
        cluster=cluster,
        alert=alert.pk,
        kind=kind,
        product=product.marketing_name if product else "",
        figures=alert.data,
    )
    transaction.on_commit(lambda: _mail_managers(alert.pk))
    with translation.override("en"):  # engineering's language, as in the feed
        message = wording.alert_text(alert)
    _emit(
        WebhookEvent.ALERT_OPENED,
        cluster.pk if cluster else None,
        alert=alert.pk,
        kind=kind,
        message=message,
        product=product.pk if product else None,
    )
    return alert


def _mail_managers(alert_id: int) -> None:
    """Mail the alert to every community manager, each in their own language."""
    alert = Alert.objects.select_related("cluster", "product", "cluster__product").get(pk=alert_id)
    by_language: dict[str, list[str]] = defaultdict(list)
    for email, language in (
        User.objects.filter(groups__name=COMMUNITY_MANAGER, is_active=True)
        .exclude(email="")
        .values_list("email", "preferred_language")
    ):
        by_language[language or settings.LANGUAGE_CODE].append(email)
    for language, recipients in sorted(by_language.items()):
        with translation.override(language):
            context = {"alert": alert, "text": wording.alert_text(alert)}
            send_mail(
                subject=render_to_string("triage/email/alert_subject.txt", context).strip(),
                message=render_to_string("triage/email/alert.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
    Alert.objects.filter(pk=alert_id).update(mailed_at=timezone.now())


HISTORY_HOURS = 24 * 7


def _hourly(rows: Iterable[dict], key: str, start: datetime, hours: int) -> dict:
    series: dict = defaultdict(lambda: [0] * hours)
    for r in rows:
        slot = int((r["hour"] - start).total_seconds() // 3600)
        if 0 <= slot < hours:
            series[r[key]][slot] += r["n"]
    return series


def detect_spikes(now: datetime | None = None) -> list[Alert]:
    """Open an alert for every cluster and product whose report rate just jumped.

    Reports are new threads and "me too" votes. Only series with at least
    ``MIN_REPORTS`` in the last three hours are tested, against their own past week
    (``triage.engine.spread.detect_spike``). A fixed number of queries.
    """
    now = now or timezone.now()
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    hours = HISTORY_HOURS + 1
    start = end - timedelta(hours=hours)
    recent = end - timedelta(hours=3)
    threads = Thread.objects.filter(VISIBLE, created_at__gte=start)
    me_toos = MeToo.objects.filter(created_at__gte=start)
    utc = timezone.get_fixed_timezone(0)
    opened: list[Alert] = []
    for group, thread_key, me_too_key in (
        ("cluster", "triage__cluster_id", "thread__triage__cluster_id"),
        ("product", "product_id", "thread__product_id"),
    ):
        hot = {
            r[thread_key]
            for r in threads.filter(created_at__gte=recent)
            .exclude(**{f"{thread_key}": None})
            .values(thread_key)
            .annotate(n=Count("id"))
            .filter(n__gte=1)
        } | {
            r[me_too_key]
            for r in me_toos.filter(created_at__gte=recent)
            .exclude(**{f"{me_too_key}": None})
            .values(me_too_key)
            .annotate(n=Count("id"))
        }
        if not hot:
            continue
        series = _hourly(
            threads.filter(**{f"{thread_key}__in": hot})
            .annotate(hour=TruncHour("created_at", tzinfo=utc))
            .values(thread_key, "hour")
            .annotate(n=Count("id")),
            thread_key,
            start,
            hours,
        )
        for key, counts in _hourly(
            me_toos.filter(**{f"{me_too_key}__in": hot})
            .annotate(hour=TruncHour("created_at", tzinfo=utc))
            .values(me_too_key, "hour")
            .annotate(n=Count("id")),
            me_too_key,
            start,
            hours,
        ).items():
            series[key] = [a + b for a, b in zip(series[key], counts, strict=True)]
        for key, counts in series.items():
            spike = detect_spike(counts)
            if not spike.is_spike:
                continue
            figures = {
                "observed": spike.observed,
                "expected": spike.expected,
                "window_hours": spike.window_hours,
                "p_value": spike.p_value,
            }
            if group == "cluster":
                alert = open_alert(
                    Alert.Kind.SPIKE, cluster=Cluster.objects.get(pk=key), data=figures
                )
            else:
                alert = open_alert(
                    Alert.Kind.PRODUCT_SPIKE, product=Product.objects.get(pk=key), data=figures
                )
            if alert:
                opened.append(alert)
    return opened


# --- the batch pass -------------------------------------------------------------------


def consolidate_clusters() -> engine.Consolidation:
    """Merge clusters that drifted together and move out threads that drifted apart.

    Never undoes a manager: threads a manager placed are not moved, and clusters holding
    such threads are not merged automatically. The larger cluster of a merge keeps its
    id; the absorbed one points to it (``merged_into``) so old links still resolve.
    """
    cluster_index = index.rebuild()
    result = cluster_index.consolidate()
    pinned = set(
        ThreadTriage.objects.filter(assignment=Source.MANAGER).values_list("thread_id", flat=True)
    )
    curated_keys = set(
        Cluster.objects.filter(members__assignment=Source.MANAGER).values_list("key", flat=True)
    )
    by_key = {
        c.key: c
        for c in Cluster.objects.filter(
            key__in={k for pair in result.merges for k in pair}
            | {m[1] for m in result.moves}
            | {m[2] for m in result.moves}
        )
    }
    touched: set[int] = set()
    with transaction.atomic():
        for kept_key, gone_key in result.merges:
            kept, gone = by_key.get(kept_key), by_key.get(gone_key)
            if not kept or not gone or {kept_key, gone_key} & curated_keys:
                continue
            ThreadTriage.objects.filter(cluster=gone).update(cluster=kept)
            gone.merged_into = kept
            gone.status = ClusterStatus.DUPLICATE
            gone.save(update_fields=["merged_into", "status", "updated_at"])
            log_event(
                TriageEvent.Action.MERGED,
                cluster=kept,
                kept=kept.pk,
                absorbed=gone.pk,
                batch=True,
            )
            touched |= {kept.pk, gone.pk}
        for thread_key, old_key, new_key in result.moves:
            if thread_key in pinned:
                continue
            new = by_key.get(new_key)
            if new is None:
                old = by_key.get(old_key)
                new = Cluster.objects.create(
                    key=new_key,
                    product_id=old.product_id if old else None,
                    kind=old.kind if old else Kind.PROBLEM,
                    label=Thread.objects.values_list("title", flat=True).get(pk=thread_key),
                )
                by_key[new_key] = new
                log_event(TriageEvent.Action.SPLIT, cluster=new, thread_id=thread_key)
            elif new.merged_into_id:
                # The key is a thread's id, and that thread's first cluster was merged
                # away: the engine opens it again rather than filling a duplicate.
                new.merged_into = None
                new.status = ClusterStatus.NEW
                new.save(update_fields=["merged_into", "status", "updated_at"])
                log_event(TriageEvent.Action.SPLIT, cluster=new, thread_id=thread_key)
            ThreadTriage.objects.filter(thread_id=thread_key).update(cluster=new)
            log_event(TriageEvent.Action.MOVED, cluster=new, thread_id=thread_key, old=old_key)
            touched.add(new.pk)
            if old_key in by_key:
                touched.add(by_key[old_key].pk)
        index.bump_generation()
    refresh_figures(touched)
    relabel(touched)
    index.forget()
    return result


def relabel(cluster_ids: Iterable[int]) -> None:
    """Give clusters their engine label: top terms and the most central thread's title.

    Only visible threads speak for a cluster: a hidden or deleted thread's title and
    words never become its public label (hiding a thread relabels its cluster).
    """
    cluster_index = index.current_index()
    clusters = list(Cluster.objects.filter(pk__in=list(cluster_ids), merged_into=None))
    hidden = set(
        Thread.objects.filter(triage__cluster__in=clusters)
        .exclude(VISIBLE)
        .values_list("pk", flat=True)
    )
    known = cluster_index.clusters
    for c in clusters:
        if c.key in known:
            label = cluster_index.label(c.key, hidden=hidden)
            c.top_terms = list(label.terms)
            c.label = label.title[:300]
    Cluster.objects.bulk_update(clusters, ["top_terms", "label"])


# --- the sweeper ---------------------------------------------------------------------


def untriaged_threads(limit: int = 500, after: int = 0) -> list[int]:
    """Threads never triaged, or edited since, older than the grace period (task is late).

    Round robin by id: the first ``limit`` after thread ``after``, then from the start,
    so a backlog (or threads that keep failing) cannot starve the ones behind it.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.TRIAGE_SWEEP_GRACE_SECONDS)
    due = (
        Thread.objects.filter(created_at__lte=cutoff)
        .filter(Q(triage__isnull=True) | Q(edited_at__gt=F("triage__triaged_at")))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(due.filter(pk__gt=after)[:limit])
    if len(ids) < limit and after:
        ids += list(due.filter(pk__lte=after)[: limit - len(ids)])
    return ids


def sweep(limit: int = 500) -> int:
    """Triage what the per-thread tasks missed (broker down, worker lost), ``limit`` at a
    time, continuing where the last sweep stopped. A thread that fails is logged and
    left for a later sweep; it never stops the others. Returns how many were triaged."""
    after = cache.get(SWEEP_CURSOR) or 0
    ids = untriaged_threads(limit, after=after)
    done = 0
    for thread_id in ids:
        try:
            triage_thread(thread_id)
            done += 1
        except OperationalError:
            raise  # the database is away: the task retries with backoff
        except Exception:
            log.exception("sweeper could not triage thread %s; it is retried later", thread_id)
    if ids:
        cache.set(SWEEP_CURSOR, ids[-1] if len(ids) == limit else 0, None)
    return done


def refresh_thread_cluster(thread_id: int) -> None:
    """Refresh the figures of a thread's cluster after a reply, a "me too" or an edit."""
    cluster_id = (
        ThreadTriage.objects.filter(thread_id=thread_id)
        .values_list("cluster_id", flat=True)
        .first()
    )
    if cluster_id:
        refresh_figures([cluster_id])


def thread_visibility_changed(thread_id: int) -> None:
    """A thread (or one of its replies) was hidden, restored or deleted: its cluster's
    figures and label are recomputed from what is visible now."""
    cluster_id = (
        ThreadTriage.objects.filter(thread_id=thread_id)
        .values_list("cluster_id", flat=True)
        .first()
    )
    if cluster_id:
        refresh_figures([cluster_id])
        relabel([cluster_id])


# --- the community managers' console ---------------------------------------------------
# Every manager action below is one function: it checks what it must, writes, logs the
# event with its actor and, when clusters change wholesale, bumps the engine generation
# so every worker's in-memory index rebuilds.


class TriageError(ValidationError):
    """A console action refused for a reason the manager should read."""


def confirm_cluster(cluster: Cluster, *, actor: User | None, note: str = "") -> bool:
    """A manager confirms the problem is real: status "confirmed", fans told."""
    return set_status(cluster, ClusterStatus.CONFIRMED, actor=actor, note=note)


def set_severity(cluster: Cluster, level: str, *, actor: User | None, reason: str) -> bool:
    """Set a cluster's severity by hand, with the reason; the figures never override it.

    Returns False when the level, source and reason were already these.
    """
    if level not in Severity.values:
        raise TriageError(_("Unknown severity: %(level)s") % {"level": level}, code="severity")
    reason = (reason or "").strip()
    if not reason:
        raise TriageError(_("Give a reason for the severity."), code="reason")
    with transaction.atomic():
        cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
        old = cluster.severity
        if (old, cluster.severity_source, cluster.severity_reason) == (
            level,
            Source.MANAGER,
            reason,
        ):
            return False
        cluster.severity = level
        cluster.severity_source = Source.MANAGER
        cluster.severity_reason = reason
        cluster.severity_by = actor
        cluster.save(
            update_fields=[
                "severity",
                "severity_source",
                "severity_reason",
                "severity_by",
                "updated_at",
            ]
        )
        log_event(
            TriageEvent.Action.SEVERITY, cluster=cluster, actor=actor, note=reason, old=old,
            new=level,
        )  # fmt: skip
    refresh_figures([cluster.pk])  # heat follows the new severity
    return True


def _place(thread_ids: list[int], cluster: Cluster, actor: User | None, now: datetime) -> None:
    """Put these threads in ``cluster`` as a manager did; they show its status."""
    ThreadTriage.objects.filter(thread_id__in=thread_ids).update(
        cluster=cluster, assignment=Source.MANAGER, assigned_by=actor, assigned_at=now
    )
    thread_status = THREAD_STATUS.get(cluster.status)
    if thread_status:
        Thread.objects.filter(pk__in=thread_ids).update(
            status=thread_status, fixed_in=cluster.fixed_in
        )


def _notify_joined(thread_ids: list[int], cluster: Cluster, *, actor, joined: bool) -> None:
    """Tell followers (reporters, "me too" voters) of these threads where their report is,
    once each, in their own language."""

    # Say what happened: a problem nobody has confirmed yet is not "known" to anyone.
    # (Called before the figures are refreshed: ``threads`` are the reports already there.)
    others = cluster.threads
    known = cluster.status not in (ClusterStatus.NEW, ClusterStatus.DUPLICATE)

    def text(thread: Thread, language: str) -> str:
        values = {"title": thread.title, "label": cluster.label, "n": others}
        if not joined:
            return _("Your report “%(title)s” is again a problem of its own: %(label)s") % values
        if known:
            return _("Your report “%(title)s” joined a known problem: %(label)s") % values
        return (
            ngettext(
                "Your report “%(title)s” was grouped with %(n)d similar report: %(label)s",
                "Your report “%(title)s” was grouped with %(n)d similar reports: %(label)s",
                others,
            )
            % values
        )

    forum_services.notify_followers(
        thread_ids=thread_ids,
        verb=Notification.Verb.STATUS,
        actor=actor,
        text=text,
        extra={"cluster": cluster.pk, "new": THREAD_STATUS.get(cluster.status, "")},
    )


def _after_manual_change(cluster_ids: set[int]) -> None:
    refresh_figures(cluster_ids)
    relabel(cluster_ids)
    index.bump_generation()


def merge_clusters(
    kept: Cluster, absorbed: Cluster, *, actor: User | None, note: str = ""
) -> MergeRecord:
    """Merge ``absorbed`` into ``kept``, losslessly and reversibly (see ``unmerge``).

    Its threads move to ``kept`` as a manager's placement (the batch pass never moves
    them back), carrying their "me too" votes and followers; ``absorbed`` stays as a
    duplicate pointing to ``kept`` so links keep resolving. Their followers are told.
    """
    if kept.pk == absorbed.pk:
        raise TriageError(_("A cluster cannot be merged into itself."), code="same")
    now = timezone.now()
    with transaction.atomic():
        pair = Cluster.objects.select_for_update().filter(pk__in=[kept.pk, absorbed.pk])
        locked = {c.pk: c for c in pair}
        kept, absorbed = locked[kept.pk], locked[absorbed.pk]
        if absorbed.merged_into_id or kept.merged_into_id:
            raise TriageError(_("That cluster was already merged."), code="merged")
        thread_ids = list(absorbed.members.values_list("thread_id", flat=True))
        record = MergeRecord.objects.create(
            kept=kept,
            absorbed=absorbed,
            thread_ids=thread_ids,
            absorbed_status=absorbed.status,
            merged_by=actor,
        )
        lesson = index.current_index().lesson_for_merge(kept.key, absorbed.key)
        _teach(lesson, Lesson.Source.MERGE, cluster=kept, actor=actor, merge=record)
        _place(thread_ids, kept, actor, now)
        absorbed.merged_into = kept
        absorbed.status = ClusterStatus.DUPLICATE
        absorbed.save(update_fields=["merged_into", "status", "updated_at"])
        for cluster, other in ((kept, absorbed), (absorbed, kept)):
            log_event(
                TriageEvent.Action.MERGED, cluster=cluster, actor=actor, note=note,
                kept=kept.pk, absorbed=absorbed.pk, other=other.pk, record=record.pk,
                threads=len(thread_ids),
            )  # fmt: skip
        _notify_joined(thread_ids, kept, actor=actor, joined=True)
        _after_manual_change({kept.pk, absorbed.pk})
    return record


def unmerge(record: MergeRecord, *, actor: User | None, note: str = "") -> Cluster:
    """Undo a merge: exactly the threads it moved (those still in the kept cluster) go
    back with their votes and followers, the absorbed cluster gets its status back, and
    their followers are told. Returns the restored cluster."""
    now = timezone.now()
    with transaction.atomic():
        record = MergeRecord.objects.select_for_update().get(pk=record.pk)
        if record.undone_at:
            raise TriageError(_("This merge was already undone."), code="undone")
        absorbed = Cluster.objects.select_for_update().get(pk=record.absorbed_id)
        kept = Cluster.objects.get(pk=record.kept_id)
        thread_ids = list(
            ThreadTriage.objects.filter(
                thread_id__in=record.thread_ids, cluster_id=kept.pk
            ).values_list("thread_id", flat=True)
        )
        absorbed.merged_into = None
        absorbed.status = record.absorbed_status
        absorbed.save(update_fields=["merged_into", "status", "updated_at"])
        for lesson in record.lessons.filter(withdrawn_at=None):
            lesson.withdrawn_at = now
            lesson.save(update_fields=["withdrawn_at"])
            log_event(TriageEvent.Action.UNLEARNED, cluster=kept, actor=actor,
                      lesson=lesson.pk, ties=lesson.ties)  # fmt: skip
        _place(thread_ids, absorbed, actor, now)
        record.undone_at = now
        record.save(update_fields=["undone_at"])
        for cluster in (kept, absorbed):
            log_event(
                TriageEvent.Action.UNMERGED, cluster=cluster, actor=actor, note=note,
                kept=kept.pk, absorbed=absorbed.pk, record=record.pk, threads=len(thread_ids),
            )  # fmt: skip
        _notify_joined(thread_ids, absorbed, actor=actor, joined=False)
        _after_manual_change({kept.pk, absorbed.pk})
    return absorbed


def _free_key(thread_ids: list[int]) -> int:
    """An engine key for a cluster a manager opens: one of its threads' ids if free."""
    taken = set(Cluster.objects.filter(key__in=thread_ids).values_list("key", flat=True))
    for thread_id in sorted(thread_ids):
        if thread_id not in taken:
            return thread_id
    lowest = Cluster.objects.aggregate(m=Min("key"))["m"] or 0
    return min(lowest, 0) - 1  # below every thread id: never an engine key


def move_threads(
    thread_ids: Iterable[int], target: Cluster | None, *, actor: User | None, note: str = ""
) -> Cluster:
    """Move threads to ``target``, or out to a new cluster when it is None.

    The moves are a manager's placement: the batch pass never undoes them. Returns the
    cluster they are in now.
    """
    ids = sorted({int(t) for t in thread_ids})
    rows = list(
        ThreadTriage.objects.filter(thread_id__in=ids)
        .select_related("thread")
        .only("thread_id", "cluster_id", "thread__title", "thread__product_id", "thread__kind")
    )
    if not rows:
        raise TriageError(_("None of these threads has been triaged yet."), code="empty")
    ids = [r.thread_id for r in rows]
    now = timezone.now()
    with transaction.atomic():
        _learn_from_move(rows, target, actor)
        if target is None:
            first = rows[0].thread
            target = Cluster.objects.create(
                key=_free_key(ids),
                product_id=first.product_id,
                kind=Kind.SUGGESTION if first.kind == Kind.SUGGESTION else Kind.PROBLEM,
                label=first.title[:300],
                first_seen=now,
                last_seen=now,
            )
            log_event(TriageEvent.Action.SPLIT, cluster=target, actor=actor, note=note,
                      threads=ids)  # fmt: skip
        elif target.merged_into_id:
            raise TriageError(_("That cluster was merged into another."), code="merged")
        _place(ids, target, actor, now)
        TriageEvent.objects.bulk_create(
            TriageEvent(
                action=TriageEvent.Action.MOVED,
                cluster=target,
                thread_id=r.thread_id,
                actor=actor,
                note=note,
                data={"old": r.cluster_id, "new": target.pk},
            )
            for r in rows
        )
        _after_manual_change({target.pk, *(r.cluster_id for r in rows if r.cluster_id)})
    return target


def _learn_from_move(rows: list[ThreadTriage], target: Cluster | None, actor) -> None:
    """What moving these threads teaches the engine: into ``target``, a lesson of joining;
    out to a cluster of their own, one of separation from each cluster they left."""
    cluster_index = index.current_index()
    sources = Cluster.objects.filter(pk__in={r.cluster_id for r in rows})
    keys = dict(sources.values_list("pk", "key"))
    if target is not None:
        lesson = cluster_index.lesson_for_move([r.thread_id for r in rows], target.key)
        _teach(lesson, Lesson.Source.MOVE, cluster=target, actor=actor)
        return
    for cluster_id, key in keys.items():
        moved = [r.thread_id for r in rows if r.cluster_id == cluster_id]
        lesson = cluster_index.lesson_for_split(moved, key)
        _teach(lesson, Lesson.Source.SPLIT, cluster=Cluster(pk=cluster_id), actor=actor)


def _teach(
    lesson: engine.Lesson | None, source: str, *, cluster: Cluster, actor, merge=None
) -> None:
    """Keep what a correction taught (if anything) and say so in the cluster's audit
    trail, with the product's link threshold it leads to."""
    if lesson is None or not (lesson.ties or lesson.joined_at or lesson.apart_at):
        return
    product_id, kind = lesson.product
    row = Lesson.objects.create(
        product_id=product_id,
        kind=kind,
        source=source,
        merge=merge,
        ties=[[t.a, t.b] for t in lesson.ties],
        joined_at=round(lesson.joined_at, 4) if lesson.joined_at is not None else None,
        apart_at=round(lesson.apart_at, 4) if lesson.apart_at is not None else None,
        taught_by=actor,
    )
    link = engine.learned_link(index.stored_lessons(product_id=product_id, kind=kind))
    log_event(TriageEvent.Action.LEARNED, cluster=cluster, actor=actor, lesson=row.pk,
              ties=row.ties, joined_at=row.joined_at, apart_at=row.apart_at,
              link=round(link, 3))  # fmt: skip


def post_official_reply(cluster: Cluster, reply: ReplyTemplate, *, actor: User) -> int:
    """Post one official reply in every visible member thread of ``cluster``.

    ``reply`` is a saved template or an unsaved one written for this cluster alone.
    Each thread gets the text in its author's language (Indonesian unless they chose
    English), with ``{fixed_in}`` and ``{product}`` filled in (exactly what
    ``selectors.official_reply_preview`` showed); followers are notified by the forum as
    for any official answer. Two reads, then one ``create_post`` per thread. Returns
    how many threads were answered.
    """
    if not actor.is_staff:
        raise TriageError(_("Only staff post official replies."), code="not_staff")
    cluster = Cluster.objects.select_related("product").get(pk=cluster.pk)
    threads = list(
        selectors.reply_threads(cluster)
        .select_related("author")
        .only("id", "locked", "author__id", "author__preferred_language", "author__is_staff")
        .order_by("id")
    )
    bodies = selectors.reply_bodies(cluster, reply)
    languages: Counter = Counter()
    with transaction.atomic():
        for thread in threads:
            language = selectors.reply_language(
                thread.author.preferred_language if thread.author_id else ""
            )
            languages[language] += 1
            forum_services.create_post(author=actor, thread=thread, body=bodies[language])
        log_event(
            TriageEvent.Action.REPLIED, cluster=cluster, actor=actor, template=reply.pk,
            name=reply.name, threads=len(threads), languages=dict(languages),
        )  # fmt: skip
    return len(threads)
