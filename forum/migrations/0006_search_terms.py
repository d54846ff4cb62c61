"""Search matches the engine's normalisation: stored terms, and a `simple` tsvector of them.

Threads and replies get ``search_title`` / ``search_body``, the terms of
``forum.textsearch.document_terms`` (filled by the services; here for existing rows). On
PostgreSQL the triggers now build ``search_vector`` from those terms with the ``simple``
configuration (no stemming of its own: the terms are stemmed already), titles weighing A
and bodies B, so a query matches the same threads as on SQLite. The language
configurations of 0003 are dropped: they stemmed the raw text differently from the
engine, so a query matched different threads on the two databases.
"""

import importlib

from django.db import migrations, models

SEARCH_SQL = """
CREATE OR REPLACE FUNCTION forum_thread_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := setweight(to_tsvector('simple'::regconfig, NEW.search_title), 'A')
                    || setweight(to_tsvector('simple'::regconfig, NEW.search_body), 'B');
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION forum_post_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := setweight(to_tsvector('simple'::regconfig, NEW.search_body), 'B');
  RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS forum_thread_search_vector_trg ON forum_thread;
CREATE TRIGGER forum_thread_search_vector_trg
  BEFORE INSERT OR UPDATE OF search_title, search_body ON forum_thread
  FOR EACH ROW EXECUTE FUNCTION forum_thread_search_vector();

DROP TRIGGER IF EXISTS forum_post_search_vector_trg ON forum_post;
CREATE TRIGGER forum_post_search_vector_trg
  BEFORE INSERT OR UPDATE OF search_body ON forum_post
  FOR EACH ROW EXECUTE FUNCTION forum_post_search_vector();

DROP FUNCTION IF EXISTS forum_bilingual_tsvector(text, "char");
"""

def fill_terms(apps, schema_editor):
    from forum.services import refresh_search_terms

    refresh_search_terms(
        threads=apps.get_model("forum", "Thread").objects,
        posts=apps.get_model("forum", "Post").objects,
    )


def new_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_SQL)


def old_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("forum.migrations.0003_search_triggers")
        schema_editor.execute(previous.SEARCH_SQL)


class Migration(migrations.Migration):
    dependencies = [("forum", "0005_screenshot_original")]

    operations = [
        migrations.AddField(
            model_name="thread",
            name="search_title",
            field=models.TextField(
                blank=True, db_default="", default="", editable=False, verbose_name="search terms of the title"
            ),
        ),
        migrations.AddField(
            model_name="thread",
            name="search_body",
            field=models.TextField(
                blank=True, db_default="", default="", editable=False, verbose_name="search terms of the post"
            ),
        ),
        migrations.AddField(
            model_name="post",
            name="search_body",
            field=models.TextField(
                blank=True, db_default="", default="", editable=False, verbose_name="search terms of the post"
            ),
        ),
        migrations.RunPython(new_triggers, old_triggers),
        migrations.RunPython(fill_terms, migrations.RunPython.noop),
    ]
