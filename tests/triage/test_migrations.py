"""Migration 0004 keeps what stored sentences said as data and fills the response-time
moments of clusters that existed before it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("triage", "0003_product_source_length")]
AFTER = [("triage", "0004_console_sentences_and_response_times")]


def migrate(targets=None):
    """Migrate to ``targets`` (the latest state when None); the models as they were there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_stored_sentences_become_data_and_response_times_are_filled():
    apps = migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    Product = apps.get_model("forum", "Product")
    Thread = apps.get_model("forum", "Thread")
    Post = apps.get_model("forum", "Post")
    Cluster = apps.get_model("triage", "Cluster")
    ThreadTriage = apps.get_model("triage", "ThreadTriage")
    Alert = apps.get_model("triage", "Alert")
    Forward = apps.get_model("triage", "Forward")
    TriageEvent = apps.get_model("triage", "TriageEvent")
    now = timezone.now()
    fan = User.objects.create(email="fan@example.com", display_name="Fan")
    staff = User.objects.create(email="cm@example.com", display_name="CM", is_staff=True)
    phone = Product.objects.create(brand="X", series="Y", marketing_name="Phone", slug="phone")
    thread = Thread.objects.create(product=phone, author=fan, title="HP MATI", body="mati",
                                   created_at=now - timedelta(days=2))  # fmt: skip
    cluster = Cluster.objects.create(key=thread.pk, product=phone, label="HP MATI",
                                     status="fixed", severity_reason="1 dari 1 laporan: critical.",
                                     first_seen=thread.created_at)  # fmt: skip
    ThreadTriage.objects.create(thread=thread, cluster=cluster, severity="critical",
                                escalation_reasons=["legal: 'ylki'"], terms={},
                                content_hash="h", triaged_at=now)  # fmt: skip
    Post.objects.create(thread=thread, author=staff, body="ok", is_official=True,
                        created_at=now - timedelta(days=1))  # fmt: skip
    Forward.objects.create(cluster=cluster, forwarded_by=staff)
    fixed = {"old": "forwarded", "new": "fixed", "fixed_in": "V2"}
    TriageEvent.objects.create(cluster=cluster, action="status", actor=staff, data=fixed)
    alert = Alert.objects.create(kind="escalation", cluster=cluster, data={"thread": thread.pk},
                                 message="Mau dibawa ke publik? “HP MATI”: ylki")  # fmt: skip
    TriageEvent.objects.create(cluster=cluster, action="alert", note=alert.message,
                               data={"kind": "escalation"})  # fmt: skip
    TriageEvent.objects.create(cluster=cluster, action="merged", data={"absorbed": 99},
                               note="Digabung otomatis oleh proses batch")  # fmt: skip

    apps = migrate(AFTER)
    Cluster = apps.get_model("triage", "Cluster")
    Alert = apps.get_model("triage", "Alert")
    TriageEvent = apps.get_model("triage", "TriageEvent")
    cluster = Cluster.objects.get()
    assert cluster.severity_reason == ""  # the engine's words come back as evidence
    assert cluster.first_answered_at == now - timedelta(days=1)
    assert cluster.forwarded_at is not None and cluster.fixed_at is not None
    assert Alert.objects.get().data == {"thread": thread.pk, "title": "HP MATI",
                                        "reasons": ["legal: 'ylki'"]}  # fmt: skip
    event = TriageEvent.objects.get(action="alert")
    assert event.note == "" and event.data["figures"]["title"] == "HP MATI"
    merge = TriageEvent.objects.get(action="merged")
    assert merge.note == "" and merge.data == {"absorbed": 99, "kept": cluster.pk, "batch": True}
    migrate()
