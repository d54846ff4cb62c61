"""Polling clients get 304s; each token has its own rate limit."""

import pytest
from django.utils.http import http_date

from tests.api.conftest import token_client
from tests.factories import EngineerFactory
from triage import services
from triage.api.throttles import TokenRateThrottle, TokenWriteThrottle
from triage.models import Cluster, ClusterStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/clusters/", "/api/v1/clusters/{id}/"])
def test_an_unchanged_feed_answers_304_to_its_etag(engineer_api, make_cluster, path):
    cluster = make_cluster(threads=2)
    url = path.format(id=cluster.pk)
    first = engineer_api.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert first["Last-Modified"] == http_date(cluster.updated_at.timestamp())

    again = engineer_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag

    services.set_status(cluster, ClusterStatus.ACKNOWLEDGED)
    changed = engineer_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_if_modified_since_answers_304_until_something_changes(engineer_api, make_cluster):
    cluster = make_cluster()
    first = engineer_api.get("/api/v1/clusters/")
    since = first["Last-Modified"]
    assert engineer_api.get("/api/v1/clusters/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    Cluster.objects.filter(pk=cluster.pk).update(updated_at=cluster.updated_at.replace(year=2099))
    assert engineer_api.get("/api/v1/clusters/", HTTP_IF_MODIFIED_SINCE=since).status_code == 200


def test_heat_moving_changes_the_etag_though_updated_at_does_not(engineer_api, make_cluster):
    cluster = make_cluster(heat=3.0)
    etag = engineer_api.get("/api/v1/clusters/")["ETag"]
    Cluster.objects.filter(pk=cluster.pk).update(heat=2.5)  # hourly decay
    assert engineer_api.get("/api/v1/clusters/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_each_page_and_each_filter_has_its_own_etag(engineer_api, make_cluster):
    for _ in range(3):
        make_cluster(threads=0)
    first = engineer_api.get("/api/v1/clusters/?page_size=2")
    second = engineer_api.get(first.json()["next"])
    filtered = engineer_api.get("/api/v1/clusters/?severity=critical")
    assert len({first["ETag"], second["ETag"], filtered["ETag"]}) == 3
    assert (
        engineer_api.get(first.json()["next"], HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    )


def test_throttling_is_per_token_with_retry_after(monkeypatch, engineer_api, make_cluster):
    monkeypatch.setitem(TokenRateThrottle.THROTTLE_RATES, "triage_api", "3/minute")
    monkeypatch.setitem(TokenWriteThrottle.THROTTLE_RATES, "triage_api_write", "3/minute")
    for _ in range(3):
        assert engineer_api.get("/api/v1/products/").status_code == 200
    refused = engineer_api.get("/api/v1/products/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    other = token_client(EngineerFactory())
    assert other.get("/api/v1/products/").status_code == 200


def test_writes_have_their_own_tighter_limit(monkeypatch, engineer_api, make_cluster):
    monkeypatch.setitem(TokenWriteThrottle.THROTTLE_RATES, "triage_api_write", "1/minute")
    cluster = make_cluster()
    url = f"/api/v1/clusters/{cluster.pk}/"
    assert engineer_api.patch(url, {"status": "acknowledged"}, format="json").status_code == 200
    refused = engineer_api.patch(url, {"status": "wont_fix"}, format="json")
    assert refused.status_code == 429 and "Retry-After" in refused
    assert engineer_api.get(url).status_code == 200
