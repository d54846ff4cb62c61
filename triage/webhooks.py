"""Signed webhooks: triage events delivered to engineering's endpoints, with retries.

``dispatch`` is called by the triage services after a change commits
(``triage.services.audit.emit``): for every active webhook subscribed to the event it
stores a ``WebhookDelivery`` and queues the ``triage.deliver_webhook`` task (declared
here, beside the attempts it makes), so no request ever waits on a receiver. This module
imports no other triage module but the models.

Each attempt POSTs the JSON payload with these headers::

    X-Tanggap-Event: cluster.status_changed
    X-Tanggap-Delivery: 42
    X-Tanggap-Timestamp: 1767225600
    X-Tanggap-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>

A receiver recomputes the HMAC over the raw body it received and compares in constant
time, and rejects timestamps older than a few minutes (replays). Attempts that fail
(no answer in ``TIMEOUT`` seconds, or a status other than 2xx) are retried after
2, 4, 8 ... seconds, ``MAX_ATTEMPTS`` in all; every attempt's outcome is kept.

Where a delivery may go: http or https, to public addresses only, plus the networks an
operator lists in ``WEBHOOK_ALLOWED_NETWORKS`` (an on-premise tracker). A webhook is a
request the server makes on a manager's say, so without this it would reach loopback
services, the private network and the cloud's metadata endpoint (169.254.169.254).
The URL is checked when it is saved (``check_url``) and again at every attempt, after
resolving its host: the attempt connects to the very address it checked, so a DNS
answer that changes in between (DNS rebinding) cannot send it elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from config.celery import publish
from triage.models import Cluster, Webhook, WebhookDelivery

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


def dispatch(event: str, cluster_id: int | None, data: dict) -> list[int]:
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
    for delivery_id in delivery_ids:
        # Broker down: the delivery stays pending, resendable in the admin.
        publish(deliver_webhook, delivery_id)


@shared_task(bind=True, name="triage.deliver_webhook", acks_late=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> None:
    """POST one webhook delivery; after a failed attempt, retry after 2, 4, 8 ... seconds
    (``attempt`` keeps count and gives up after MAX_ATTEMPTS)."""
    wait = attempt(delivery_id)
    if wait is None:
        return
    if self.request.is_eager:
        # No broker (embedded mode): retrying in-process would hold the request through
        # the backoff. The delivery stays pending, with its error, resendable in the admin.
        log.warning("webhook delivery %s failed; not retried without a broker", delivery_id)
        return
    raise self.retry(countdown=wait)


# --- where a delivery may go ---------------------------------------------------------------

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeURL(ValueError):
    """A webhook URL Tanggap will not call; ``message`` says why, for the manager."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _embedded_ipv4(ip: Address) -> Address:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, NAT64), else itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        if embedded := ip.ipv4_mapped or ip.sixtofour:
            return embedded
        if ip in _NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_allowed(ip: Address) -> bool:
    """Public (globally routable unicast), or inside WEBHOOK_ALLOWED_NETWORKS."""
    ip = _embedded_ipv4(ip)
    networks = [ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOK_ALLOWED_NETWORKS]
    if any(ip in network for network in networks if network.version == ip.version):
        return True
    special = ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
    return ip.is_global and not (special or ip.is_reserved or ip.is_unspecified)


def _target(url: str) -> tuple[str, str, int]:
    """(scheme, ASCII host, port) of a URL we may call at all, else UnsafeURL."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except (ValueError, UnicodeError):
        raise UnsafeURL(_("This is not a valid URL.")) from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeURL(_("Webhook URLs start with https:// or http://."))
    if not host:
        raise UnsafeURL(_("This URL has no host."))
    return parts.scheme, host, port


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(url: str) -> list[Address]:
    """The addresses a delivery to ``url`` may connect to, after resolving its host.

    Raises UnsafeURL when the scheme is not http(s), the host does not resolve, or any
    of its addresses is neither public nor in WEBHOOK_ALLOWED_NETWORKS (one bad
    answer spoils the lot: an attacker controls every answer of their own name).
    """
    _scheme, host, port = _target(url)
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeURL(_("The host %(host)s could not be found.") % {"host": host}) from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(a[4][0].split("%")[0]) for a in answers))
    refused = [ip for ip in addresses if not address_allowed(ip)]
    if refused:
        where = {"host": host, "address": refused[0]}
        if _literal(host) == refused[0]:
            reason = _("%(address)s is not a public address.") % {"address": host.strip("[]")}
        else:
            reason = _("%(host)s is at %(address)s, which is not a public address.") % where
        raise UnsafeURL(
            _(
                "%(reason)s Webhooks go to public addresses only (the server can allow an "
                "on-premise tracker's network: WEBHOOK_ALLOWED_NETWORKS)."
            )
            % {"reason": reason}
        )
    return addresses


def check_url(url: str) -> None:
    """Raise UnsafeURL (with the reason) unless deliveries to ``url`` may be made now."""
    resolve(url)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the checked address, with the URL's host in the Host header."""

    def __init__(self, host: str, port: int, address: Address, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked address; the certificate is verified for the URL's host."""

    def __init__(self, host: str, port: int, address: Address, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((str(self.address), self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict) -> tuple[int, str]:
    """POST once to a checked address of ``url``; the status code and reason (a
    redirect is an answer we record, never follow). Raises UnsafeURL or OSError."""
    scheme, host, port = _target(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    error: OSError | None = None
    for address in resolve(url):
        connection = connection_class(host, port, address, TIMEOUT)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.reason
        except ConnectionRefusedError as exc:  # try the host's next address
            error = exc
        finally:
            connection.close()
    raise error or OSError("no address to connect to")


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
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Tanggap-Event": delivery.event,
        "X-Tanggap-Delivery": str(delivery.pk),
        "X-Tanggap-Timestamp": timestamp,
        SIGNATURE_HEADER: sign(webhook.secret, timestamp, body),
    }
    code, error = None, ""
    try:
        with translation.override("en"):  # the delivery log is English, like its errors
            code, reason = _post(webhook.url, body, headers)
    except UnsafeURL as exc:
        error = f"refused: {exc.message}"
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
    if code is not None and not 200 <= code < 300:
        error = f"HTTP {code} {reason}"
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
