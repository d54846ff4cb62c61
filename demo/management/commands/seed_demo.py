"""``python manage.py seed_demo``: the demo forum (see ``demo.seed``)."""

from django.core.management.base import BaseCommand, CommandError

from demo.seed import EAGER_TRIAGE_MAX, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo logins, the phone catalog and a realistic forum of fans, "
        "threads, replies and 'me too' (Indonesian and English). "
        "--threads 0 creates only the logins and the catalog."
    )

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=300, help="threads to create")
        parser.add_argument(
            "--posts", type=int, default=None, help="replies in all (default: 3 per thread)"
        )
        parser.add_argument("--fans", type=int, default=None, help="fan accounts (default N/3)")
        parser.add_argument(
            "--seed", type=int, default=0, help="corpus seed (same seed, same forum)"
        )
        parser.add_argument(
            "--triage",
            choices=["auto", "yes", "no"],
            default="auto",
            help="send the new threads to triage like posted ones (auto: when a broker "
            f"takes the work, or for at most {EAGER_TRIAGE_MAX} threads in-process)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Create no threads when the forum already has some (make run).",
        )

    def handle(self, *args, threads, posts, fans, seed, if_empty, triage, **options):
        if threads < 0 or (posts is not None and posts < 0):
            raise CommandError("--threads and --posts must not be negative.")
        seed_demo(
            self.stdout.write, threads=threads, posts=posts, fans=fans, seed=seed,
            if_empty=if_empty, triage=triage,
        )  # fmt: skip
