"""Webhooks against a real HTTP server on loopback: signed, retried, logged."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.exceptions import Retry

from triage import services, tasks, webhooks
from triage.models import ClusterStatus, Webhook, WebhookDelivery, WebhookEvent

pytestmark = pytest.mark.django_db
SECRET = "s3cret-shared-with-engineering"


class Receiver:
    """A webhook receiver: answers the status codes it is given, in turn, and keeps
    what it got (headers, raw body) and when (monotonic clock)."""

    def __init__(self, codes):
        self.codes, self.received, self.arrivals = list(codes), [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                receiver.arrivals.append(time.monotonic())
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                """Keep the test output free of the server's request log."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/tanggap"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def verify_like_a_receiver(headers, body, secret=SECRET):
    """What docs/api.md tells receivers to do."""
    import hashlib
    import hmac

    timestamp = headers["X-Tanggap-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    fresh = abs(time.time() - int(timestamp)) < 300
    return fresh and hmac.compare_digest(
        f"sha256={expected.hexdigest()}", headers["X-Tanggap-Signature"]
    )


@pytest.fixture(autouse=True)
def _receivers_on_loopback(settings):
    """These receivers listen on 127.0.0.1: allowed like an on-premise tracker's network
    (tests/api/test_webhook_urls.py checks that loopback is refused otherwise)."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]


def hook(url, events=(WebhookEvent.STATUS_CHANGED,), **kwargs):
    return Webhook.objects.create(url=url, secret=SECRET, events=list(events), **kwargs)


def test_a_status_change_is_delivered_signed(
    make_cluster, engineer, django_capture_on_commit_callbacks
):
    cluster = make_cluster()
    with Receiver([200]) as receiver:
        hook(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.set_status(cluster, ClusterStatus.FIXED, actor=engineer, fixed_in="2.0.1")
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert verify_like_a_receiver(headers, body)
    assert not verify_like_a_receiver(headers, body, secret="wrong")
    assert not verify_like_a_receiver(headers, body.replace(b"2.0.1", b"2.0.2"))
    payload = json.loads(body)
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Tanggap-Event"] == "cluster.status_changed"
    assert headers["X-Tanggap-Delivery"] == str(delivery.pk) == str(payload["id"])
    assert payload["event"] == "cluster.status_changed"
    assert payload["cluster"]["id"] == cluster.pk and payload["cluster"]["status"] == "fixed"
    assert payload["data"]["new"] == "fixed" and payload["data"]["fixed_in"] == "2.0.1"
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)
    assert delivery.delivered_at is not None


def test_only_active_webhooks_subscribed_to_the_event_get_it(
    make_cluster, manager, django_capture_on_commit_callbacks
):
    cluster = make_cluster()
    with Receiver([]) as receiver:
        forwards = hook(receiver.url, events=[WebhookEvent.CLUSTER_FORWARDED])
        hook(receiver.url, events=[WebhookEvent.ALERT_OPENED])
        hook(receiver.url, events=[WebhookEvent.CLUSTER_FORWARDED], is_active=False)
        with django_capture_on_commit_callbacks(execute=True):
            services.forward_cluster(cluster, actor=manager, note="battery drain")
    assert [h["X-Tanggap-Event"] for h, _ in receiver.received] == ["cluster.forwarded"]
    assert WebhookDelivery.objects.get().webhook == forwards
    assert json.loads(receiver.received[0][1])["data"]["note"] == "battery drain"


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(make_cluster):
    with Receiver([500, 503, 200]) as receiver:
        delivery = WebhookDelivery.objects.create(
            webhook=hook(receiver.url), event=WebhookEvent.STATUS_CHANGED, payload={"x": 1}
        )
        # Each call is one attempt, as a worker would run it after each countdown.
        with pytest.raises(Retry):
            tasks.deliver_webhook.run(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
        assert "500" in delivery.error
        with pytest.raises(Retry):
            tasks.deliver_webhook.run(delivery.pk)
        tasks.deliver_webhook.run(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)
    assert len(receiver.received) == 3
    assert all(verify_like_a_receiver(h, b) for h, b in receiver.received)
    assert [webhooks.backoff(n) for n in (1, 2, 3, 7)] == [2, 4, 8, 128]


def test_the_task_asks_celery_for_an_exponential_countdown(monkeypatch, make_cluster):
    asked = []

    def retry(*args, countdown=None, **kwargs):
        asked.append(countdown)
        return Retry()

    monkeypatch.setattr(tasks.deliver_webhook, "retry", retry)
    with Receiver([500, 500]) as receiver:
        delivery = WebhookDelivery.objects.create(
            webhook=hook(receiver.url), event=WebhookEvent.STATUS_CHANGED, payload={}
        )
        for _ in range(2):
            with pytest.raises(Retry):
                tasks.deliver_webhook.run(delivery.pk)
    assert asked == [2, 4]


def test_a_receiver_that_never_answers_right_fails_after_the_last_attempt(make_cluster):
    with Receiver([500] * webhooks.MAX_ATTEMPTS) as receiver:
        delivery = WebhookDelivery.objects.create(
            webhook=hook(receiver.url), event=WebhookEvent.STATUS_CHANGED, payload={}
        )
        waits = [webhooks.attempt(delivery.pk) for _ in range(webhooks.MAX_ATTEMPTS)]
        assert webhooks.attempt(delivery.pk) is None  # nothing more to do
    delivery.refresh_from_db()
    assert waits[:-1] == [2**n for n in range(1, webhooks.MAX_ATTEMPTS)] and waits[-1] is None
    assert (delivery.status, delivery.attempts) == ("failed", webhooks.MAX_ATTEMPTS)
    assert len(receiver.received) == webhooks.MAX_ATTEMPTS


def test_an_unreachable_receiver_never_breaks_the_request(
    engineer_api, make_cluster, django_capture_on_commit_callbacks
):
    with Receiver([]) as receiver:
        url = receiver.url  # the server stops at the end of this block: nothing listens
    hook(url)
    cluster = make_cluster()
    with django_capture_on_commit_callbacks(execute=True):
        response = engineer_api.patch(
            f"/api/v1/clusters/{cluster.pk}/", {"status": "acknowledged"}, format="json"
        )
    assert response.status_code == 200
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.response_code is None and "Connection refused" in delivery.error


def test_a_redirect_is_recorded_not_followed(make_cluster):
    with Receiver([302, 200]) as receiver:
        delivery = WebhookDelivery.objects.create(
            webhook=hook(receiver.url), event=WebhookEvent.STATUS_CHANGED, payload={}
        )
        assert webhooks.attempt(delivery.pk) == 2
    delivery.refresh_from_db()
    assert delivery.response_code == 302 and len(receiver.received) == 1


def test_resend_puts_a_failed_delivery_back_with_fresh_attempts(
    make_cluster, django_capture_on_commit_callbacks
):
    with Receiver([200]) as receiver:
        delivery = WebhookDelivery.objects.create(
            webhook=hook(receiver.url),
            event=WebhookEvent.STATUS_CHANGED,
            payload={},
            status="failed",
            attempts=8,
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert webhooks.resend([delivery.pk]) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
