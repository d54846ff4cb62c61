"""Store the search terms of every thread and reply again (after the analyser changed)."""

from django.core.management.base import BaseCommand

from forum.services import refresh_search_terms


class Command(BaseCommand):
    help = (
        "Recompute the stored search terms of every thread and reply, e.g. after an "
        "engine release changed how text is normalised."
    )

    def handle(self, *args, **options):
        written = refresh_search_terms()
        self.stdout.write(f"Search terms stored again for {written} threads and replies.")
