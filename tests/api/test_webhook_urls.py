"""Webhook URLs go to http(s) on public addresses only, checked when saved and again at
every delivery after DNS resolution, connecting to the address checked (issue 12, item 9).
"""

import socket
import ssl

import pytest

from tests.api.test_webhooks import SECRET, Receiver
from triage import services, webhooks
from triage.models import ClusterStatus, Webhook, WebhookDelivery, WebhookEvent

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"

REFUSED = [
    ("http://127.0.0.1/hook", "127.0.0.1 is not a public address"),
    ("http://127.1.2.3:8080/hook", "127.1.2.3 is not a public address"),
    ("http://localhost/hook", "localhost is at 127.0.0.1"),
    ("http://[::1]/hook", "::1 is not a public address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is not a public address"),
    ("http://metadata.google.internal/", "metadata.google.internal is at 169.254.169.254"),
    ("http://10.0.0.5/hook", "10.0.0.5 is not a public address"),
    ("http://172.16.3.4/hook", "172.16.3.4 is not a public address"),
    ("http://192.168.1.10/hook", "192.168.1.10 is not a public address"),
    ("http://100.64.0.1/hook", "100.64.0.1 is not a public address"),
    ("http://0.0.0.0/hook", "0.0.0.0 is not a public address"),
    ("http://224.0.0.1/hook", "224.0.0.1 is not a public address"),
    ("http://[fd12:3456::1]/hook", "fd12:3456::1 is not a public address"),
    ("http://[fe80::1]/hook", "fe80::1 is not a public address"),
    ("http://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1 is not a public address"),
    ("http://[64:ff9b::a00:1]/hook", "64:ff9b::a00:1 is not a public address"),  # NAT64
    ("http://[2002:7f00:1::]/hook", "2002:7f00:1:: is not a public address"),  # 6to4
    ("http://rebind.example.com/hook", "rebind.example.com is at 10.1.1.1"),
    ("ftp://tracker.example.com/hook", "start with https:// or http://"),
    ("file:///etc/passwd", "Enter a valid URL"),  # Django's URL field refuses it first
    ("gopher://tracker.example.com:70/", "Enter a valid URL"),
    ("https://nowhere.invalid/hook", "could not be found"),
]


@pytest.fixture
def names(dns):
    dns["tracker.example.com"] = [PUBLIC]
    dns["localhost"] = ["127.0.0.1"]
    dns["metadata.google.internal"] = ["169.254.169.254"]
    dns["rebind.example.com"] = [PUBLIC, "10.1.1.1"]  # one bad answer spoils the lot
    dns["tracker.example.id"] = ["2606:4700::1111"]
    return dns


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_the_admin_refuses_urls_that_are_not_public_http(client, manager, names, url, reason):
    client.force_login(manager)
    response = client.post(
        "/admin/triage/webhook/add/",
        {"url": url, "events": [WebhookEvent.STATUS_CHANGED], "is_active": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200  # the form again, with the reason
    assert reason in response.content.decode()
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://tracker.example.com/hooks/tanggap",
        "http://tracker.example.com:8080/hooks?token=1",
        f"https://{PUBLIC}/hook",
        "https://tracker.example.id/hook",
        "https://[2606:4700::1111]/hook",
    ],
)
def test_public_https_and_http_urls_are_accepted(client, manager, names, url):
    client.force_login(manager)
    response = client.post(
        "/admin/triage/webhook/add/",
        {"url": url, "events": [WebhookEvent.STATUS_CHANGED], "is_active": "on"},
    )
    assert response.status_code == 302, response.content
    assert Webhook.objects.get().url == url


def test_the_refusal_reads_in_indonesian(client, manager, names):
    client.force_login(manager)
    response = client.post(
        "/admin/triage/webhook/add/",
        {"url": "http://10.0.0.5/", "events": [WebhookEvent.STATUS_CHANGED]},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert "10.0.0.5 bukan alamat publik" in response.content.decode()


def test_allowed_networks_open_an_on_premise_tracker_and_nothing_else(names, settings):
    names["jira.corp"] = ["10.20.3.4"]
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    webhooks.check_url("https://jira.corp/rest/webhooks")
    webhooks.check_url("http://10.20.255.1:8080/")
    for url in ("http://10.21.0.1/", "http://127.0.0.1/", "http://169.254.169.254/"):
        with pytest.raises(webhooks.UnsafeURL):
            webhooks.check_url(url)


def _deliver(cluster, engineer, url, django_capture_on_commit_callbacks):
    Webhook.objects.create(url=url, secret=SECRET, events=[WebhookEvent.STATUS_CHANGED])
    with django_capture_on_commit_callbacks(execute=True):
        services.set_status(cluster, ClusterStatus.FIXED, actor=engineer, fixed_in="2.0")
    return WebhookDelivery.objects.get()


def test_delivery_rechecks_after_dns_changed_to_a_private_address(
    make_cluster, engineer, dns, settings, django_capture_on_commit_callbacks
):
    """Saved while the name was public; at delivery it resolves to loopback (DNS
    rebinding): the attempt is refused and nothing reaches the loopback receiver."""
    with Receiver([200]) as receiver:
        dns["hooks.example.com"] = [PUBLIC]
        url = f"http://hooks.example.com:{receiver.server.server_port}/hooks/tanggap"
        webhooks.check_url(url)
        dns["hooks.example.com"] = ["127.0.0.1"]
        delivery = _deliver(make_cluster(), engineer, url, django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.error.startswith("refused: hooks.example.com is at 127.0.0.1")


def test_delivery_connects_to_the_address_it_checked(
    make_cluster, engineer, dns, settings, django_capture_on_commit_callbacks
):
    """One lookup per attempt, and the connection goes to its answer: a resolver that
    answers an allowed address first and another one next is never asked twice."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])
    dns["hooks.example.com"] = lambda: next(answers)
    with Receiver([200]) as receiver:
        url = f"http://hooks.example.com:{receiver.server.server_port}/hooks/tanggap"
        delivery = _deliver(make_cluster(), engineer, url, django_capture_on_commit_callbacks)
    assert delivery.status == "delivered", delivery.error
    assert dns.asked == ["hooks.example.com"]
    headers, _body = receiver.received[0]
    assert headers["Host"] == f"hooks.example.com:{receiver.server.server_port}"


def test_https_verifies_the_certificate_for_the_name_not_the_address(monkeypatch):
    """The TLS handshake goes to the checked address with the URL's host as SNI and as
    the name the certificate must carry."""
    seen = {}

    class Context:
        def wrap_socket(self, sock, server_hostname):
            seen["server_hostname"], seen["peer"] = server_hostname, sock
            raise ssl.SSLError("stop here")

    monkeypatch.setattr(socket, "create_connection", lambda address, timeout: address)
    connection = webhooks._PinnedHTTPSConnection(
        "tracker.example.com", 443, webhooks.ipaddress.ip_address(PUBLIC), 5
    )
    assert connection._context.verify_mode == ssl.CERT_REQUIRED
    assert connection._context.check_hostname
    connection._context = Context()
    with pytest.raises(ssl.SSLError):
        connection.connect()
    assert seen == {"server_hostname": "tracker.example.com", "peer": (PUBLIC, 443)}


def test_a_redirect_to_a_private_address_is_not_followed(
    make_cluster, engineer, dns, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with Receiver([307]) as receiver:
        url = f"http://127.0.0.1:{receiver.server.server_port}/hooks/tanggap"
        delivery = _deliver(make_cluster(), engineer, url, django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1
    assert (delivery.response_code, delivery.error) == (307, "HTTP 307 Temporary Redirect")
