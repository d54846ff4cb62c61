"""Re-render stored posts whose tables were aligned with inline style attributes: the
Content-Security-Policy blocks those, so alignment is now a class (forum.markdown)."""

from django.db import migrations

CHUNK = 500


def rerender(apps, schema_editor):
    from forum.markdown import render

    for name in ("Thread", "Post"):
        model = apps.get_model("forum", name)
        rows = model.objects.filter(body_html__contains='style="text-align').only("body")
        batch = []
        for row in rows.iterator(chunk_size=CHUNK):
            row.body_html = render(row.body)
            batch.append(row)
            if len(batch) == CHUNK:
                model.objects.bulk_update(batch, ["body_html"])
                batch = []
        model.objects.bulk_update(batch, ["body_html"])


class Migration(migrations.Migration):
    dependencies = [("forum", "0003_search_triggers")]

    operations = [migrations.RunPython(rerender, migrations.RunPython.noop)]
