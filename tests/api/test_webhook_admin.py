"""Managers register webhooks in the admin; the secret is generated and shown once."""

import pytest

from triage.models import Webhook, WebhookDelivery, WebhookEvent

pytestmark = pytest.mark.django_db


def test_a_manager_registers_a_webhook_and_sees_its_secret_once(client, manager, dns):
    dns["tracker.example.com"] = ["93.184.215.14"]
    client.force_login(manager)
    response = client.post(
        "/admin/triage/webhook/add/",
        {
            "url": "https://tracker.example.com/hooks/tanggap",
            "events": [WebhookEvent.CLUSTER_FORWARDED, WebhookEvent.ALERT_OPENED],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    hook = Webhook.objects.get()
    assert hook.events == ["cluster.forwarded", "alert.opened"]
    assert hook.created_by == manager and len(hook.secret) >= 40
    assert hook.secret in client.get(response["Location"]).content.decode()

    page = client.get(f"/admin/triage/webhook/{hook.pk}/change/").content.decode()
    assert hook.secret not in page and hook.secret[:4] in page
    assert 'type="checkbox" name="events" value="cluster.status_changed"' in page


def test_a_new_secret_replaces_the_old_one(client, manager, dns):
    dns["x.example.com"] = ["93.184.215.14"]
    hook = Webhook.objects.create(url="https://x.example.com/", secret="old", events=[])
    client.force_login(manager)
    response = client.post(
        f"/admin/triage/webhook/{hook.pk}/change/",
        {"url": hook.url, "events": ["cluster.status_changed"], "is_active": "on",
         "new_secret": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.secret != "old"


def test_managers_see_deliveries_and_can_send_failed_ones_again(
    client, manager, django_capture_on_commit_callbacks
):
    hook = Webhook.objects.create(url="http://127.0.0.1:9/", secret="s", events=[])
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event="cluster.forwarded", payload={}, status="failed", attempts=8
    )
    client.force_login(manager)
    assert client.get("/admin/triage/webhookdelivery/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/triage/webhookdelivery/",
            {"action": "resend", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    # Loopback is not a public address: one fresh attempt, refused, recorded.
    assert delivery.attempts == 1 and delivery.status == "pending" and delivery.error
