"""Alerts for community managers: spikes in a cluster's or a product's reports, an
escalating post, a regression. Opened once while open, mailed to every manager in their
language, told to engineering's webhooks, closed by a manager with an audit entry."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncHour
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from accounts.roles import COMMUNITY_MANAGER
from forum.models import VISIBLE, MeToo, Product, Thread
from triage import engine, wording
from triage.engine.spread import detect_spike
from triage.models import Alert, Cluster, TriageEvent, WebhookEvent
from triage.services.audit import emit, log_event

# Escalation risk at which a cluster is flagged in the queue and an alert is opened.
ESCALATING = engine.ALERT_SCORE


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
    emit(
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


def _hourly(rows: QuerySet, key: str, start: datetime, hours: int) -> dict:
    """Counts of ``rows`` per ``key`` value and hour since ``start``: one grouped query."""
    utc = timezone.get_fixed_timezone(0)
    series: dict = defaultdict(lambda: [0] * hours)
    grouped = (
        rows.annotate(hour=TruncHour("created_at", tzinfo=utc))
        .values(key, "hour")
        .annotate(n=Count("id"))
    )
    for r in grouped:
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
        series = _hourly(threads.filter(**{f"{thread_key}__in": hot}), thread_key, start, hours)
        me_too_rows = me_toos.filter(**{f"{me_too_key}__in": hot})
        for key, counts in _hourly(me_too_rows, me_too_key, start, hours).items():
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


def close_alerts(alerts: QuerySet[Alert], *, actor: User) -> int:
    """Close these alerts (those still open) as ``actor``, one audit entry each.
    Returns how many were closed."""
    now = timezone.now()
    with transaction.atomic():
        open_ones = list(
            alerts.filter(closed_at=None).select_related("cluster").select_for_update(of=("self",))
        )
        for alert in open_ones:
            alert.closed_at, alert.closed_by = now, actor
            log_event(
                TriageEvent.Action.ALERT_CLOSED,
                cluster=alert.cluster,
                actor=actor,
                alert=alert.pk,
                kind=alert.kind,
            )
        Alert.objects.bulk_update(open_ones, ["closed_at", "closed_by"])
    return len(open_ones)
