"""Fill the database with demo accounts (and, as the forum grows, its catalog and threads)."""

from django.core.management.base import BaseCommand

from accounts.services import DEMO_PASSWORD, ensure_demo_accounts


class Command(BaseCommand):
    help = "Create the demo logins. Safe to run again: existing data is kept."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing beyond the demo logins when the forum already has content.",
        )

    def handle(self, *args, **options):
        rows = ensure_demo_accounts()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email, created in rows:
            self.stdout.write(f"  {role:<18} {email}{'' if created else '  (existing)'}")
