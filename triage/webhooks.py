"""Signed webhooks: triage events delivered to engineering's endpoints, with retries.

``dispatch`` listens to ``triage.services.triage_event`` (sent after commit): for every
active webhook subscribed to the event it stores a ``WebhookDelivery`` and queues the
``triage.deliver_webhook`` task, so no request ever waits on a receiver.

Each attempt POSTs the JSON payload with these headers::

    X-Tanggap-Event: cluster.status_changed
    X-Tanggap-Delivery: 42
    X-Tanggap-Timestamp: 1767225600
    X-Tanggap-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>

A receiver recomputes the HMAC over the raw body it received and compares in constant
time, and rejects timestamps older than a few minutes (replays). Attempts that fail
(no answer in ``TIMEOUT`` seconds, or a status other than 2xx) are retried after
2, 4, 8 ... seconds, ``MAX_ATTEMPTS`` in all; every attempt's outcome is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from triage.models import Cluster, Webhook, WebhookDelivery
from triage.services import triage_event

log = logging.getLogger(__name__)

TIMEOUT = 5  # seconds a receiver has to answer
MAX_ATTEMPTS = 8
SIGNATURE_HEADER = "X-Tanggap-Signature"
USER_AGENT = "Tanggap-Webhooks/1.0"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for a body sent at ``timestamp`` (unix seconds)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, tolerance: int = 300) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


def backoff(attempts: int) -> int:
    """Seconds to wait before the next attempt after ``attempts`` failed ones."""
    return 2**attempts


def _cluster_summary(cluster_id: int | None) -> dict | None:
    if cluster_id is None:
        return None
    cluster = (
        Cluster.objects.filter(pk=cluster_id)
        .only(
            "id",
            "key",
            "label",
            "product_id",
            "severity",
            "status",
            "fixed_in",
            "ticket_url",
            "reporters",
            "threads",
            "heat",
            "merged_into_id",
            "updated_at",
        )  # fmt: skip
        .first()
    )
    if cluster is None:
        return None
    return {
        "id": cluster.pk,
        "key": cluster.key,
        "label": cluster.label,
        "product": cluster.product_id,
        "severity": cluster.severity,
        "status": cluster.status,
        "fixed_in": cluster.fixed_in,
        "ticket_url": cluster.ticket_url,
        "reporters": cluster.reporters,
        "threads": cluster.threads,
        "heat": cluster.heat,
        "merged_into": cluster.merged_into_id,
        "updated_at": cluster.updated_at.isoformat(),
        "api_path": reverse("triage_api:cluster-detail", args=[cluster.pk]),
    }


def dispatch(sender, event: str, cluster_id: int | None, data: dict, **kwargs) -> list[int]:
    """Store one delivery per active webhook subscribed to ``event`` and queue each.

    Never raises: a failure here must not break the change that sent the event.
    Returns the ids of the deliveries stored.
    """
    try:
        hooks = [h for h in Webhook.objects.filter(is_active=True) if event in (h.events or [])]
        if not hooks:
            return []
        payload = {
            "event": event,
            "occurred_at": timezone.now().isoformat(),
            "cluster": _cluster_summary(cluster_id),
            "data": data,
        }
        with transaction.atomic():
            ids = [
                WebhookDelivery.objects.create(webhook=h, event=event, payload=payload).pk
                for h in hooks
            ]
            transaction.on_commit(lambda: _queue(ids))
        return ids
    except Exception:
        log.exception("could not store webhook deliveries of %s (cluster %s)", event, cluster_id)
        return []


def _queue(delivery_ids: list[int]) -> None:
    from triage.tasks import deliver_webhook

    for delivery_id in delivery_ids:
        try:
            deliver_webhook.delay(delivery_id)
        except Exception:  # broker down: the delivery stays pending, resendable in the admin
            log.warning("could not queue webhook delivery %s", delivery_id, exc_info=True)


triage_event.connect(dispatch, weak=False, dispatch_uid="triage.webhooks.dispatch")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer we record, not one we follow (it would drop the body)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def attempt(delivery_id: int) -> int | None:
    """POST one delivery once and record the outcome.

    Returns the seconds to wait before trying again, or None when there is nothing more
    to do (delivered, out of attempts, or the delivery or its webhook is gone/disabled).
    """
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return None
    webhook = delivery.webhook
    if not webhook.is_active:
        _finish(delivery, WebhookDelivery.Status.FAILED, error="webhook disabled")
        return None
    body = json.dumps(
        {"id": delivery.pk, **delivery.payload}, separators=(",", ":"), sort_keys=True
    ).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (URLField: http or https only)
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Tanggap-Event": delivery.event,
            "X-Tanggap-Delivery": str(delivery.pk),
            "X-Tanggap-Timestamp": timestamp,
            SIGNATURE_HEADER: sign(webhook.secret, timestamp, body),
        },
    )
    code, error = None, ""
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code} {exc.reason}"
        exc.close()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    delivery.attempts += 1
    delivery.response_code = code
    if code is not None and 200 <= code < 300:
        _finish(delivery, WebhookDelivery.Status.DELIVERED)
        return None
    if delivery.attempts >= MAX_ATTEMPTS:
        _finish(delivery, WebhookDelivery.Status.FAILED, error=error)
        return None
    delivery.error = error[:300]
    delivery.save(update_fields=["attempts", "response_code", "error"])
    log.info("webhook delivery %s failed (%s), retrying", delivery.pk, error)
    return backoff(delivery.attempts)


def _finish(delivery: WebhookDelivery, status: str, error: str = "") -> None:
    delivery.status = status
    delivery.error = error[:300]
    if status == WebhookDelivery.Status.DELIVERED:
        delivery.delivered_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "response_code", "error", "delivered_at"])


def resend(delivery_ids: list[int]) -> int:
    """Put failed (or stuck) deliveries back in the queue with a fresh set of attempts."""
    undelivered = WebhookDelivery.objects.filter(pk__in=delivery_ids).exclude(
        status=WebhookDelivery.Status.DELIVERED
    )
    ids = list(undelivered.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=WebhookDelivery.Status.PENDING, attempts=0, error=""
    )
    transaction.on_commit(lambda: _queue(ids))
    return len(ids)
