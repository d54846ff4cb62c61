"""Labelled reports through the real pipeline, measured against their labels.

What `triage_eval clusters` measures on the engine alone, done the way production does
it, on a fresh SQLite database in a temporary folder, with threads triaged by the Celery
task in-process and then the batch pass that beat runs every hour. Two sources:

- ``--data FILE``: a labelled JSON Lines file; a catalog product for every product the
  file names (its other spellings as aliases), then ``import_threads`` (every thread
  through ``forum.services.create_thread``). Prints B-cubed figures of the stored
  clusters, severity accuracy of the stored thread severities and the "going public?"
  alerts opened, against the file's labels.
- ``--demo``: the demo forum as `make run` builds it (``seed_demo``), against the
  problems the generator wrote it from, right after posting (online assignment) and after
  the batch pass.

The last line is one JSON object.

    .venv/bin/python bench/engine/pipeline_eval.py --data bench/data/devset-prdect.jsonl
    .venv/bin/python bench/engine/pipeline_eval.py --demo [--threads 300] [--seed 0]
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def labelled_file(data: Path) -> dict:
    from django.core.management import call_command
    from django.utils.text import slugify

    from forum.models import Product, Thread
    from triage import services
    from triage.engine.evaluate import bcubed, escalation_figures, read_jsonl
    from triage.engine.products import Catalog
    from triage.models import Alert, ThreadTriage

    rows = read_jsonl(str(data))
    catalog = Catalog.from_names(r["product"] for r in rows if r.get("product"))
    spellings: dict[str, set[str]] = {}
    for row in rows:
        if row.get("product"):
            spellings.setdefault(catalog.resolve(row["product"]), set()).add(row["product"])
    for key, names in spellings.items():
        name = max(names, key=len)
        Product.objects.create(
            brand=name.split()[0],
            marketing_name=name,
            slug=slugify(name)[:100] or key,
            aliases="\n".join(sorted(names - {name})),
        )
    with open(os.devnull, "w") as quiet:
        call_command("import_threads", str(data), stdout=quiet, stderr=quiet)
    services.consolidate_clusters()

    by_external = {str(r["external_id"]): r for r in rows}
    stored = ThreadTriage.objects.values_list(
        "thread__external_id", "thread_id", "cluster_id", "severity"
    )
    pairs = [(by_external[ext], tid, c, sev) for ext, tid, c, sev in stored]
    alerted = set(
        Alert.objects.filter(kind=Alert.Kind.ESCALATION).values_list("data__thread", flat=True)
    )
    gold = [str(r.get("label", r["external_id"])) for r, *_ in pairs]
    result = {
        "reports": len(rows),
        "threads": Thread.objects.count(),
        **bcubed([c for _, _, c, _ in pairs], gold),
        "clusters": len({c for _, _, c, _ in pairs}),
        "labels": len(set(gold)),
    }
    severities = [(sev, r["severity"]) for r, _, _, sev in pairs if r.get("severity")]
    if severities:
        result["severity_accuracy"] = round(
            100.0 * sum(p == g for p, g in severities) / len(severities), 1
        )
    escalations = [
        (tid in alerted, r["escalation"])
        for r, tid, _, _ in pairs
        if isinstance(r.get("escalation"), bool)
    ]
    if escalations:
        result["escalation_alerts_opened"] = Alert.objects.filter(
            kind=Alert.Kind.ESCALATION
        ).count()
        result.update(escalation_figures(escalations))
    return result


def demo_forum(threads: int, seed: int) -> dict:
    from django.core.management import call_command

    from demo import corpus as demo_corpus
    from forum.models import Thread
    from triage import services
    from triage.engine.evaluate import bcubed
    from triage.models import ThreadTriage

    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", threads=threads, seed=seed, stdout=quiet)
    labels = {r["external_id"]: r["label"] for r in demo_corpus.generate(threads, seed)}

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
    return {
        "threads_in_forum": Thread.objects.count(),
        "online": online,
        "after_batch_pass": figures(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, help="JSON Lines file of labelled reports")
    source.add_argument("--demo", action="store_true", help="the demo forum of make run")
    parser.add_argument("--threads", type=int, default=300, help="with --demo")
    parser.add_argument("--seed", type=int, default=0, help="with --demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.update(
            DATABASE_URL=f"sqlite:///{folder}/pipeline.sqlite3",
            DJANGO_DEBUG="true",
            DJANGO_SETTINGS_MODULE="config.settings",
        )
        os.environ.pop("CELERY_BROKER_URL", None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if args.demo:
            result = demo_forum(args.threads, args.seed)
        else:
            result = labelled_file(args.data.resolve())
        print(json.dumps(result))


if __name__ == "__main__":
    main()
