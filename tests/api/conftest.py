"""Clients for each role and a builder of clusters with member threads."""

import ipaddress
import itertools
import socket
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import (
    EngineerFactory,
    ManagerFactory,
    ProductFactory,
    ThreadFactory,
    UserFactory,
)
from triage.models import Cluster, ThreadTriage

_keys = itertools.count(1_000_000)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def engineer(db):
    return EngineerFactory()


@pytest.fixture
def manager(db):
    return ManagerFactory()


@pytest.fixture
def fan(db):
    return UserFactory()


@pytest.fixture
def engineer_api(engineer):
    return token_client(engineer)


@pytest.fixture
def manager_api(manager):
    return token_client(manager)


@pytest.fixture
def fan_api(fan):
    return token_client(fan)


@pytest.fixture
def anonymous_api():
    return APIClient()


@pytest.fixture
def product(db):
    return ProductFactory(marketing_name="Redmi Note 13 Pro", active_devices=1_000_000)


@pytest.fixture
def make_cluster(db, product):
    """A cluster with ``threads`` member threads, as the pipeline would leave it."""

    def _make(threads=1, *, product=product, thread_kwargs=None, **fields):
        now = timezone.now()
        fields.setdefault("label", "Baterai cepat habis setelah update")
        fields.setdefault("first_seen", now - timedelta(days=2))
        fields.setdefault("last_seen", now)
        cluster = Cluster.objects.create(
            key=next(_keys), product=product, threads=threads, reporters=threads, **fields
        )
        for _ in range(threads):
            thread = ThreadFactory(product=product, **(thread_kwargs or {}))
            ThreadTriage.objects.create(
                thread=thread,
                cluster=cluster,
                severity=cluster.severity,
                terms={"baterai": 1.0},
                content_hash="x",
                triaged_at=now,
            )
        return cluster

    return _make


@pytest.fixture
def dns(monkeypatch):
    """A resolver the test controls: ``dns["tracker.example.com"] = ["203.0.113.7"]``.
    IP literals resolve to themselves, other names fail; ``dns.asked`` lists the names
    (not literals) looked up, in order. No test depends on the network's DNS."""

    class Resolver(dict):
        asked: list[str] = []

        def getaddrinfo(self, host, port, *args, **kwargs):
            try:
                addresses = [str(ipaddress.ip_address(host.strip("[]")))]
            except ValueError:
                self.asked.append(host)
                if host not in self:
                    raise socket.gaierror(socket.EAI_NONAME, "unknown name") from None
                addresses = self[host]
                if callable(addresses):  # a name whose answer changes between lookups
                    addresses = addresses()
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port, 0, 0) if ":" in a else (a, port),
                )
                for a in addresses
            ]

    resolver = Resolver()
    resolver.asked = []
    monkeypatch.setattr(socket, "getaddrinfo", resolver.getaddrinfo)
    return resolver
