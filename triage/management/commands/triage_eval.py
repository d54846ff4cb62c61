"""``manage.py triage_eval duplicates|clusters --data FILE [--baseline tfidf]``: measure the engine.

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
        parser.add_argument(
            "--baseline",
            choices=("tfidf",),
            help="duplicates only: rank with plain TF-IDF instead of the engine",
        )

    def handle(self, *args, **options):
        try:
            rows = read_jsonl(options["data"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {options['data']}: {exc}") from exc
        if options["task"] == "duplicates":
            result = run_duplicates(rows, baseline=options["baseline"])
        elif options["baseline"]:
            raise CommandError("--baseline applies to duplicates only")
        else:
            result = run_clusters(rows)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
