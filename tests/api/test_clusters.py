"""Reading the feed: filters, incremental sync, ordering, cursors, detail, threads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ProductFactory
from triage import services
from triage.models import Cluster, ClusterStatus

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def walk(client, url):
    """Every row of a feed, following next links; also returns the pages seen."""
    rows, pages = [], 0
    while url:
        body = client.get(url).json()
        rows += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    return rows, pages


def test_filters_by_product_severity_status_and_kind(engineer_api, make_cluster):
    other = ProductFactory(marketing_name="Galaxy A55")
    critical = make_cluster(severity="critical", status=ClusterStatus.CONFIRMED)
    minor = make_cluster(severity="minor")
    elsewhere = make_cluster(product=other, severity="critical", kind="suggestion")

    assert set(ids(engineer_api.get(f"/api/v1/clusters/?product={other.pk}"))) == {elsewhere.pk}
    assert set(ids(engineer_api.get("/api/v1/clusters/?severity=critical"))) == {
        critical.pk,
        elsewhere.pk,
    }
    both = engineer_api.get("/api/v1/clusters/?severity=critical&severity=minor")
    assert set(ids(both)) == {critical.pk, minor.pk, elsewhere.pk}
    assert ids(engineer_api.get("/api/v1/clusters/?status=confirmed")) == [critical.pk]
    assert ids(engineer_api.get("/api/v1/clusters/?kind=suggestion")) == [elsewhere.pk]


def test_forwarded_means_engineering_has_it_or_had_it(engineer_api, make_cluster, manager):
    """docs/api.md: a manager's forward, a status of forwarded or acknowledged, or any
    write-back through the API hands a cluster to engineering for good."""

    def patch(cluster, **body):
        response = engineer_api.patch(f"/api/v1/clusters/{cluster.pk}/", body, format="json")
        assert response.status_code == 200, response.content

    forwarded = make_cluster()
    services.forward_cluster(forwarded, actor=manager, note="please look")
    forwarded_then_fixed = make_cluster()
    services.forward_cluster(forwarded_then_fixed, actor=manager)
    patch(forwarded_then_fixed, status="acknowledged")
    patch(forwarded_then_fixed, status="fixed", fixed_in="OS2.0.6.0")
    # Engineering found it in the feed and worked it without a manager's forward.
    engineering_own = make_cluster(status=ClusterStatus.CONFIRMED)
    patch(engineering_own, status="acknowledged")
    patch(engineering_own, status="fixed", fixed_in="OS2.0.6.0")
    ticket_only = make_cluster()
    patch(ticket_only, ticket_url="https://jira.example.com/browse/CAM-1")
    regressed = make_cluster()
    patch(regressed, status="fixed", fixed_in="1.0")
    services.set_status(regressed, ClusterStatus.REGRESSED)
    # A manager closing a cluster in the console does not hand it to engineering.
    manager_fixed = make_cluster(status=ClusterStatus.CONFIRMED)
    services.set_status(manager_fixed, ClusterStatus.FIXED, actor=manager, fixed_in="1.0")
    never = make_cluster(status=ClusterStatus.CONFIRMED)

    got = engineer_api.get("/api/v1/clusters/?forwarded=true")
    handed = {forwarded, forwarded_then_fixed, engineering_own, ticket_only, regressed}
    assert set(ids(got)) == {c.pk for c in handed}
    assert all(row["forwarded"] for row in got.json()["results"])
    assert set(ids(engineer_api.get("/api/v1/clusters/?forwarded=false"))) == {
        manager_fixed.pk,
        never.pk,
    }
    detail = engineer_api.get(f"/api/v1/clusters/{engineering_own.pk}/").json()
    assert (detail["forwarded"], detail["status"]) == (True, "fixed")
    assert engineer_api.get(f"/api/v1/clusters/{never.pk}/").json()["forwarded"] is False


def test_the_readme_sync_keeps_engineering_own_work(engineer_api, make_cluster):
    """The README's incremental sync (?forwarded=true&updated_since=...) sees a cluster
    engineering acknowledged and then fixed without a manager's forward."""
    cluster = make_cluster(status=ClusterStatus.CONFIRMED)
    mark = (timezone.now() - timedelta(seconds=1)).isoformat()
    url = f"/api/v1/clusters/{cluster.pk}/"
    engineer_api.patch(url, {"status": "acknowledged"}, format="json")
    engineer_api.patch(url, {"status": "fixed", "fixed_in": "OS2.0.6.0"}, format="json")
    rows = engineer_api.get(
        "/api/v1/clusters/",
        {"forwarded": "true", "ordering": "updated_at", "updated_since": mark},
    ).json()["results"]
    assert [(r["id"], r["status"], r["forwarded"]) for r in rows] == [(cluster.pk, "fixed", True)]


def test_bad_filter_values_are_400_with_the_reason(engineer_api):
    for query, field in [
        ("updated_since=yesterday", "updated_since"),
        ("severity=apocalyptic", "severity"),
        ("product=0", "product"),
        ("product=phone", "product"),
        ("forwarded=yes", "forwarded"),
        ("ordering=label", "ordering"),
        ("page_size=0", "page_size"),
        ("page_size=many", "page_size"),
        ("cursor=bm9wZQ", "cursor"),
    ]:
        response = engineer_api.get(f"/api/v1/clusters/?{query}")
        assert response.status_code == 400, query
        assert field in response.json(), (query, response.json())


def test_incremental_sync_returns_only_what_changed_since(engineer_api, make_cluster):
    now = timezone.now()
    old, recent = make_cluster(), make_cluster()
    Cluster.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=3))
    Cluster.objects.filter(pk=recent.pk).update(updated_at=now - timedelta(hours=1))
    since = (now - timedelta(days=1)).isoformat()

    first = engineer_api.get("/api/v1/clusters/", {"updated_since": since})
    assert ids(first) == [recent.pk]

    # Engineering fixes the old one; the next sync from the newest updated_at sees it.
    newest = first.json()["results"][0]["updated_at"]
    services.set_status(old, ClusterStatus.FIXED, fixed_in="HyperOS 1.0.6")
    second = engineer_api.get(
        "/api/v1/clusters/", {"updated_since": newest, "ordering": "updated_at"}
    )
    assert ids(second) == [recent.pk, old.pk]
    assert second.json()["results"][1]["status"] == "fixed"
    assert second.json()["results"][1]["fixed_in"] == "HyperOS 1.0.6"


def test_ordering_by_heat_last_seen_and_first_seen(engineer_api, make_cluster):
    now = timezone.now()
    a = make_cluster(heat=5.0, last_seen=now - timedelta(hours=3), first_seen=now - timedelta(9))
    b = make_cluster(heat=9.0, last_seen=now - timedelta(hours=9), first_seen=now - timedelta(2))
    c = make_cluster(heat=1.0, last_seen=now - timedelta(hours=1), first_seen=now - timedelta(5))
    assert ids(engineer_api.get("/api/v1/clusters/")) == [b.pk, a.pk, c.pk]
    assert ids(engineer_api.get("/api/v1/clusters/?ordering=heat")) == [c.pk, a.pk, b.pk]
    assert ids(engineer_api.get("/api/v1/clusters/?ordering=-last_seen")) == [c.pk, a.pk, b.pk]
    assert ids(engineer_api.get("/api/v1/clusters/?ordering=first_seen")) == [a.pk, c.pk, b.pk]


@pytest.mark.parametrize(
    "ordering", ["-heat", "heat", "-last_seen", "last_seen", "first_seen", "-updated_at"]
)
def test_cursor_pages_cover_every_cluster_once_with_ties_and_nulls(
    engineer_api, make_cluster, ordering
):
    now = timezone.now()
    clusters = [
        make_cluster(threads=0, heat=float(i % 3), last_seen=None if i % 4 == 0 else now)
        for i in range(11)
    ]
    url = f"/api/v1/clusters/?ordering={ordering}&page_size=3"
    rows, pages = walk(engineer_api, url)
    assert sorted(rows) == sorted(c.pk for c in clusters)
    assert len(rows) == len(set(rows)) and pages == 4
    single_page = ids(engineer_api.get(f"/api/v1/clusters/?ordering={ordering}&page_size=100"))
    assert rows == single_page


def test_previous_links_walk_back_to_the_first_page(engineer_api, make_cluster):
    for i in range(7):
        make_cluster(threads=0, heat=float(i // 2))
    first = engineer_api.get("/api/v1/clusters/?page_size=3").json()
    assert first["previous"] is None
    second = engineer_api.get(first["next"]).json()
    third = engineer_api.get(second["next"]).json()
    assert third["next"] is None and len(third["results"]) == 1
    back = engineer_api.get(third["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in second["results"]]
    again = engineer_api.get(back["previous"]).json()
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    assert again["previous"] is None


def test_detail_shows_spread_severity_reason_and_sample_threads(engineer_api, make_cluster):
    cluster = make_cluster(
        threads=7,
        severity="critical",
        severity_evidence={
            "count": 5,
            "total": 7,
            "reasons": ["'kembung' (battery_swelling): critical"],
        },
        firmware={"HyperOS 1.0.5.0": 6, "HyperOS 1.0.4.0": 1},
        daily=[["2025-01-30", 2], ["2025-01-31", 5]],
        reports_24h=5,
        reports_prev_24h=2,
        growth=1.5,
        per_100k_devices=0.7,
        thread_kwargs={"external_id": None},
    )
    imported = cluster.members.first().thread
    imported.external_id = "kaskus:123"
    imported.me_too_count = 9
    imported.save()

    body = engineer_api.get(f"/api/v1/clusters/{cluster.pk}/").json()
    assert body["severity"] == "critical"
    assert body["severity_reason"] == "5 of 7 reports are critical: swollen battery (“kembung”)."
    assert body["firmware"] == {"HyperOS 1.0.5.0": 6, "HyperOS 1.0.4.0": 1}
    assert body["daily"] == [
        {"date": "2025-01-30", "reports": 2},
        {"date": "2025-01-31", "reports": 5},
    ]
    assert (body["reports_24h"], body["growth"], body["per_100k_devices"]) == (5, 1.5, 0.7)
    assert body["product_name"] == "Redmi Note 13 Pro"
    sample = body["sample_threads"]
    assert len(sample) == 5
    top = sample[0]
    assert top["id"] == imported.pk and top["external_id"] == "kaskus:123"
    assert top["url"] == "http://testserver" + imported.get_absolute_url()
    assert top["excerpt"].startswith("Sejak update terakhir")
    assert set(top) >= {"title", "excerpt", "firmware", "created_at", "url", "external_id"}
    assert body["threads_url"].endswith(f"/api/v1/clusters/{cluster.pk}/threads/")


def test_no_email_or_author_leaves_through_the_api(engineer_api, make_cluster):
    cluster = make_cluster(threads=3)
    emails = [m.thread.author.email for m in cluster.members.select_related("thread__author")]
    for path in [
        f"/api/v1/clusters/{cluster.pk}/",
        f"/api/v1/clusters/{cluster.pk}/threads/",
        "/api/v1/clusters/",
    ]:
        text = engineer_api.get(path).content.decode()
        assert "@example.com" not in text and not any(e in text for e in emails)
        assert "author" not in text


def test_threads_of_a_cluster_are_paginated_newest_first(engineer_api, make_cluster):
    cluster = make_cluster(threads=5)
    hidden = cluster.members.first().thread
    hidden.is_hidden = True
    hidden.save()
    rows, pages = walk(engineer_api, f"/api/v1/clusters/{cluster.pk}/threads/?page_size=2")
    assert len(rows) == 4 and pages == 2 and hidden.pk not in rows
    assert engineer_api.get("/api/v1/clusters/999999/threads/").status_code == 404


def test_an_unknown_cluster_is_404(engineer_api):
    assert engineer_api.get("/api/v1/clusters/999999/").status_code == 404


def test_the_migration_counts_engineers_earlier_writes_as_forwarded(
    make_cluster, manager, engineer
):
    """Clusters engineering wrote to before its writes set forwarded_at: an engineer's
    status event hands them over from that moment; a manager's does not."""
    from importlib import import_module

    from django.apps import apps

    from triage.models import TriageEvent

    migration = import_module("triage.migrations.0006_forwarded_includes_engineering_writes")
    by_engineer, by_manager = make_cluster(status="fixed"), make_cluster(status="fixed")
    for cluster, actor in [(by_engineer, engineer), (by_manager, manager)]:
        TriageEvent.objects.create(
            action="status", cluster=cluster, actor=actor, data={"old": "new", "new": "fixed"}
        )
    first = TriageEvent.objects.get(cluster=by_engineer).created_at

    migration.engineers_writes_hand_over(apps, None)

    assert Cluster.objects.get(pk=by_engineer.pk).forwarded_at == first
    assert Cluster.objects.get(pk=by_manager.pk).forwarded_at is None
