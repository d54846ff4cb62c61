"""``manage.py triage_eval duplicates|clusters --data FILE.jsonl``: measure the engine.

A thin wrapper: the evaluation lives in ``triage.engine.evaluate`` so it also runs without
Django (``python -m triage.engine.evaluate``). The figures are the last line of output, one
JSON object.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from triage.engine.evaluate import read_jsonl, run_clusters, run_duplicates


class Command(BaseCommand):
    help = "Evaluate the triage engine on a labelled JSON Lines file (figures on the last line)."

    def add_arguments(self, parser):
        parser.add_argument("task", choices=("duplicates", "clusters"))
        parser.add_argument("--data", required=True, help="JSON Lines file of labelled reports")

    def handle(self, *args, **options):
        try:
            rows = read_jsonl(options["data"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {options['data']}: {exc}") from exc
        run = run_duplicates if options["task"] == "duplicates" else run_clusters
        self.stdout.write(json.dumps(run(rows), ensure_ascii=False))
