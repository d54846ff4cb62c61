"""Build Spirit's Whoosh search index in one pass, for the benchmark's bulk load.

``manage.py rebuild_index`` indexes 100,000 topics at about 20 a second here (every
topic's comments fetched by one query each, every document written with
``update_document``, a commit every batch), which would take well over an hour. This
writes the same documents, prepared by Spirit's own ``TopicIndex`` from the same
template, but with each batch's comments fetched in one query, ``add_document`` into
the fresh index and a single commit. Runs with Spirit's virtualenv and settings.
"""

import shutil
import sys
import time

import django

django.setup()

from django.conf import settings  # noqa: E402
from haystack import connections  # noqa: E402
from spirit.comment.models import Comment  # noqa: E402
from spirit.topic.models import Topic  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402

BATCH = 5000


def main() -> None:
    started = time.monotonic()
    path = settings.HAYSTACK_CONNECTIONS["default"]["PATH"]
    shutil.rmtree(path, ignore_errors=True)
    backend = connections["default"].get_backend()
    backend.setup()  # creates the empty index with Spirit's schema
    topic_index = connections["default"].get_unified_index().get_index(Topic)
    ix = whoosh_index.open_dir(path)
    writer = ix.writer(limitmb=256)
    comments: dict[int, list[str]] = {}
    # The index template reads object.get_all_comments_html: serve it from the batch.
    Topic.get_all_comments_html = lambda self: comments.get(self.pk, [])
    queryset = topic_index.index_queryset().order_by("pk")
    last, done = 0, 0
    while True:
        topics = list(queryset.filter(pk__gt=last)[:BATCH])
        if not topics:
            break
        comments.clear()
        rows = (
            Comment.objects.filter(topic_id__in=[t.pk for t in topics])
            .order_by("topic_id", "pk")
            .values_list("topic_id", "comment_html")
        )
        for topic_id, html in rows:
            comments.setdefault(topic_id, []).append(html)
        for topic in topics:
            doc = topic_index.full_prepare(topic)
            doc.pop("boost", None)
            writer.add_document(**{key: backend._from_python(value) for key, value in doc.items()})
        last, done = topics[-1].pk, done + len(topics)
        print(f"indexed {done} topics ({time.monotonic() - started:.0f}s)", flush=True)
    writer.commit()
    print(f"Spirit index: {ix.doc_count()} topics in {time.monotonic() - started:.1f}s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
