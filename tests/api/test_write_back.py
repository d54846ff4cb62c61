"""Engineering writes status back: the same service as the console, seen by fans."""

import pytest

from forum import services as forum_services
from forum.models import Notification, Status
from tests.factories import ProductFactory, UserFactory
from triage.models import ClusterStatus, ThreadTriage, TriageEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(django_capture_on_commit_callbacks):
    """Two fans post the same problem; the pipeline puts both threads in one cluster."""
    phone = ProductFactory(marketing_name="Redmi Note 13 Pro", aliases="RN13 Pro")
    fans = [UserFactory(), UserFactory()]
    threads = []
    for fan in fans:
        with django_capture_on_commit_callbacks(execute=True):
            threads.append(
                forum_services.create_thread(
                    author=fan,
                    title="Baterai cepat habis setelah update",
                    body="Sejak update HyperOS baterai cepat habis, 5 jam saja sudah 10%.",
                    product=phone,
                    firmware="HyperOS 1.0.5.0",
                )
            )
    cluster = ThreadTriage.objects.get(thread=threads[0]).cluster
    assert ThreadTriage.objects.get(thread=threads[1]).cluster == cluster
    return cluster, fans, threads


def test_a_fix_written_back_shows_on_the_fans_thread_and_notifies_them(
    engineer, engineer_api, posted, client, django_capture_on_commit_callbacks
):
    cluster, fans, threads = posted
    with django_capture_on_commit_callbacks(execute=True):
        response = engineer_api.patch(
            f"/api/v1/clusters/{cluster.pk}/",
            {
                "status": "fixed",
                "fixed_in": "HyperOS 1.0.6.0",
                "ticket_url": "https://jira.example.com/browse/BAT-42",
                "note": "Wakelock in the modem driver",
            },
            format="json",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["fixed_in"]) == ("fixed", "HyperOS 1.0.6.0")
    assert body["ticket_url"] == "https://jira.example.com/browse/BAT-42"

    event = TriageEvent.objects.get(cluster=cluster, action=TriageEvent.Action.STATUS)
    assert event.actor == engineer and event.note == "Wakelock in the modem driver"
    assert (event.data["old"], event.data["new"]) == ("new", "fixed")

    for thread in threads:
        thread.refresh_from_db()
        assert (thread.status, thread.fixed_in) == (Status.FIXED, "HyperOS 1.0.6.0")
    client.force_login(fans[0])
    page = client.get(threads[0].get_absolute_url())
    assert page.status_code == 200 and "HyperOS 1.0.6.0" in page.content.decode()
    told = Notification.objects.filter(verb=Notification.Verb.STATUS)
    assert {n.recipient_id for n in told} == {f.pk for f in fans}


def test_only_engineering_statuses_are_accepted(engineer_api, make_cluster):
    cluster = make_cluster()
    for status in ["new", "forwarded", "duplicate", "regressed", "done"]:
        response = engineer_api.patch(
            f"/api/v1/clusters/{cluster.pk}/", {"status": status}, format="json"
        )
        assert response.status_code == 400
        assert "acknowledged" in response.json()["status"][0]
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.NEW
    assert not TriageEvent.objects.filter(action=TriageEvent.Action.STATUS).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "fixed"}, "fixed_in"),
        ({"note": "only a note"}, "non_field_errors"),
        ({}, "non_field_errors"),
        ({"ticket_url": "not a link"}, "ticket_url"),
        ({"fixed_in": "x" * 81}, "fixed_in"),
    ],
)
def test_bad_write_backs_are_400_with_the_reason(engineer_api, make_cluster, payload, field):
    cluster = make_cluster()
    response = engineer_api.patch(f"/api/v1/clusters/{cluster.pk}/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_ticket_link_alone_keeps_the_status(engineer_api, make_cluster):
    cluster = make_cluster(status=ClusterStatus.FORWARDED)
    response = engineer_api.patch(
        f"/api/v1/clusters/{cluster.pk}/",
        {"ticket_url": "https://jira.example.com/browse/BAT-7"},
        format="json",
    )
    assert response.status_code == 200
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.FORWARDED
    assert cluster.ticket_url == "https://jira.example.com/browse/BAT-7"


def test_a_merged_cluster_refuses_writes_and_names_where_it_went(engineer_api, make_cluster):
    kept = make_cluster()
    gone = make_cluster(status=ClusterStatus.DUPLICATE, merged_into=kept)
    response = engineer_api.patch(
        f"/api/v1/clusters/{gone.pk}/", {"status": "acknowledged"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["merged_into"] == kept.pk
    gone.refresh_from_db()
    assert gone.status == ClusterStatus.DUPLICATE
