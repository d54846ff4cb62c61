"""The demo forum as `make run` builds it, measured against the generator's labels.

Builds a fresh SQLite database in a temporary folder, migrates it, seeds it with
``seed_demo`` (threads triaged in-process, as `make run` does) and reports the clusters
against the problems the generator wrote them from: B-cubed precision, recall and F1,
clusters and labels, right after posting (online assignment) and after the batch pass
that Celery beat runs every hour. The last line is one JSON object.

    .venv/bin/python bench/engine/demo_forum.py [--threads 300] [--seed 0]
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update(
            DATABASE_URL=f"sqlite:///{folder}/demo.sqlite3",
            DJANGO_DEBUG="true",
            DJANGO_SETTINGS_MODULE="config.settings",
        )
        os.environ.pop("CELERY_BROKER_URL", None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        from demo import corpus as demo_corpus
        from forum.models import Thread
        from triage import services
        from triage.engine.evaluate import bcubed
        from triage.models import ThreadTriage

        call_command("migrate", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", threads=args.threads, seed=args.seed, stdout=quiet)
        corpus = demo_corpus.generate(args.threads, args.seed)
        labels = {r["external_id"]: r["label"] for r in corpus}

        def figures() -> dict:
            rows = ThreadTriage.objects.values_list("thread__external_id", "cluster_id")
            pairs = [(labels[ext], cluster) for ext, cluster in rows if ext in labels]
            gold, predicted = [g for g, _ in pairs], [c for _, c in pairs]
            return {
                "threads": len(pairs),
                **bcubed(predicted, gold),
                "clusters": len(set(predicted)),
                "labels": len(set(gold)),
            }

        online = figures()
        services.consolidate_clusters()
        result = {
            "threads_in_forum": Thread.objects.count(),
            "online": online,
            "after_batch_pass": figures(),
        }
        print(json.dumps(result))


if __name__ == "__main__":
    main()
