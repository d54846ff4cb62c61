from django.db import migrations


def engineers_writes_hand_over(apps, schema_editor):
    """The feed's ``forwarded`` is ``forwarded_at``; from now on engineering's own
    write-back through the feed also sets it. Clusters engineering already wrote to (a
    status event by an engineer) without a forward get the moment of that first write."""
    Cluster = apps.get_model("triage", "Cluster")
    TriageEvent = apps.get_model("triage", "TriageEvent")
    User = apps.get_model("accounts", "User")
    engineers = User.objects.filter(groups__name="engineer")
    first = {}
    writes = TriageEvent.objects.filter(action="status", actor__in=engineers).order_by("created_at")
    for cluster_id, moment in writes.values_list("cluster_id", "created_at"):
        first.setdefault(cluster_id, moment)
    for cluster_id, moment in first.items():
        Cluster.objects.filter(pk=cluster_id, forwarded_at=None).update(forwarded_at=moment)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_create_roles"),
        ("triage", "0005_lessons_from_managers"),
    ]

    operations = [migrations.RunPython(engineers_writes_hand_over, migrations.RunPython.noop)]
