"""What the batch pass and the admin do is in the audit log, and the batch pass's merges
can be undone like a manager's."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests.factories import ManagerFactory
from tests.triage.reports import A55
from triage import index, services
from triage.models import Alert, Cluster, ClusterStatus, MergeRecord, ThreadTriage, TriageEvent

pytestmark = pytest.mark.django_db


def _split_apart(thread):
    """Put ``thread`` in a cluster of its own, as an earlier online pass might have."""
    alone = Cluster.objects.create(key=thread.pk, product=thread.product, label=thread.title)
    ThreadTriage.objects.filter(thread=thread).update(cluster=alone)
    index.bump_generation()
    return alone


def test_the_batch_pass_links_every_move_it_logs_to_its_thread(post):
    camera = post("Kamera force close", "aplikasi kamera force close terus", product=A55)
    post("Baterai boros", "baterai boros parah setelah update", product=A55)
    battery = post("Baterai boros banget", "baterai cepat habis setelah update", product=A55)
    battery_cluster = ThreadTriage.objects.get(thread=battery).cluster
    ThreadTriage.objects.filter(thread=camera).update(cluster=battery_cluster)
    services.consolidate_clusters()  # the camera thread does not fit: it is moved out
    moved = TriageEvent.objects.get(action=TriageEvent.Action.MOVED)
    assert moved.thread_id == camera.pk
    assert "thread_id" not in moved.data


def test_an_automatic_merge_is_recorded_and_a_manager_can_undo_it(post):
    first = post("Kamera force close", "aplikasi kamera force close saat dibuka", product=A55)
    second = post("Kamera force close terus", "aplikasi kamera force close saat dibuka")
    kept = ThreadTriage.objects.get(thread=first).cluster
    apart = _split_apart(second)

    services.consolidate_clusters()

    record = MergeRecord.objects.get()
    assert {record.kept_id, record.absorbed_id} == {kept.pk, apart.pk}
    assert record.merged_by is None and record.thread_ids
    event = TriageEvent.objects.get(action=TriageEvent.Action.MERGED)
    assert event.data["record"] == record.pk and event.data["batch"]

    manager = ManagerFactory()
    restored = services.unmerge(record, actor=manager, note="two problems")
    assert restored.merged_into is None and restored.status != ClusterStatus.DUPLICATE
    assert set(record.thread_ids) == set(
        ThreadTriage.objects.filter(cluster=restored).values_list("thread_id", flat=True)
    )
    services.consolidate_clusters()  # the manager's decision stands
    assert Cluster.objects.get(pk=restored.pk).merged_into is None


def test_closing_alerts_in_the_admin_writes_an_audit_entry(client, post):
    thread = post("Kamera force close", "aplikasi kamera force close", product=A55)
    alert = services.open_alert(Alert.Kind.SPIKE, cluster=thread.triage.cluster, data={})
    manager = ManagerFactory()
    client.force_login(manager)
    client.post(
        reverse("admin:triage_alert_changelist"),
        {"action": "close", ACTION_CHECKBOX_NAME: [str(alert.pk)]},
    )
    alert.refresh_from_db()
    assert alert.closed_by == manager and alert.closed_at
    closed = TriageEvent.objects.get(action=TriageEvent.Action.ALERT_CLOSED)
    assert (closed.actor, closed.cluster_id, closed.data["alert"]) == (
        manager,
        thread.triage.cluster_id,
        alert.pk,
    )
    page = client.get(reverse("admin:triage_triageevent_changelist")).content.decode()
    assert "Alert closed." in page
