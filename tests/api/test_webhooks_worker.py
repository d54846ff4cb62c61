"""Webhook retries on the real parts: a status change queues the delivery, a Celery
worker on the Redis broker posts it, and a failing receiver is retried with backoff until
it answers. PostgreSQL only: the worker is another process and must see the same rows."""

import time

import pytest

from tests.api.test_webhooks import Receiver, hook, verify_like_a_receiver
from tests.conftest import run_worker
from triage import services, webhooks
from triage.models import ClusterStatus, WebhookDelivery

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_worker_retries_a_failing_receiver_with_backoff(make_cluster, engineer):
    cluster = make_cluster()
    # The receiver listens on loopback: the worker allows it like an on-premise network.
    loopback = {"WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8"}
    with run_worker(env=loopback), Receiver([500, 503, 200]) as receiver:
        hook(receiver.url)
        services.set_status(cluster, ClusterStatus.FIXED, actor=engineer, fixed_in="2.0.1")
        delivery = WebhookDelivery.objects.get()
        deadline = time.monotonic() + 60
        while delivery.status == "pending":
            assert time.monotonic() < deadline, (delivery.attempts, delivery.error)
            time.sleep(0.2)
            delivery.refresh_from_db()
        arrivals = receiver.arrivals
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)
    assert len(receiver.received) == 3
    # One delivery, signed afresh at every attempt, each verifiable by the receiver.
    assert {h["X-Tanggap-Delivery"] for h, _ in receiver.received} == {str(delivery.pk)}
    assert all(verify_like_a_receiver(h, b) for h, b in receiver.received)
    # The worker waited for the countdowns (2 s, then 4 s) between attempts.
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    assert gaps[0] >= webhooks.backoff(1) - 0.5 and gaps[1] >= webhooks.backoff(2) - 0.5
