"""Full-text search vectors on PostgreSQL, kept by triggers (nothing on SQLite).

Triggers rather than application code so that bulk loads (seed_demo, imports) are
indexed too. Each text is indexed with both the 'english' and the 'indonesian'
configurations (their stems differ: "charging" -> "charg", "mengisi" -> "isi"), and
forum.selectors.search ORs the two parsed queries, so words of either language match.
Titles weigh A, bodies B.
"""

from django.db import migrations

SEARCH_SQL = """
CREATE OR REPLACE FUNCTION forum_bilingual_tsvector(txt text, w "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english'::regconfig, coalesce(txt, '')), w)
      || setweight(to_tsvector('indonesian'::regconfig, coalesce(txt, '')), w)
$$;

CREATE OR REPLACE FUNCTION forum_thread_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := forum_bilingual_tsvector(NEW.title, 'A')
                    || forum_bilingual_tsvector(NEW.body, 'B');
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION forum_post_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := forum_bilingual_tsvector(NEW.body, 'B');
  RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS forum_thread_search_vector_trg ON forum_thread;
CREATE TRIGGER forum_thread_search_vector_trg
  BEFORE INSERT OR UPDATE OF title, body ON forum_thread
  FOR EACH ROW EXECUTE FUNCTION forum_thread_search_vector();

DROP TRIGGER IF EXISTS forum_post_search_vector_trg ON forum_post;
CREATE TRIGGER forum_post_search_vector_trg
  BEFORE INSERT OR UPDATE OF body ON forum_post
  FOR EACH ROW EXECUTE FUNCTION forum_post_search_vector();

UPDATE forum_thread SET title = title;
UPDATE forum_post SET body = body;
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS forum_thread_search_vector_trg ON forum_thread;
DROP TRIGGER IF EXISTS forum_post_search_vector_trg ON forum_post;
DROP FUNCTION IF EXISTS forum_thread_search_vector();
DROP FUNCTION IF EXISTS forum_post_search_vector();
DROP FUNCTION IF EXISTS forum_bilingual_tsvector(text, "char");
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("forum", "0002_threads_posts")]

    operations = [migrations.RunPython(_on_postgres(SEARCH_SQL), _on_postgres(DROP_SQL))]
