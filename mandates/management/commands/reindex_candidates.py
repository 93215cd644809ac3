"""Rebuild the matching index for every manager (after bulk imports, or to repair it)."""

from django.core.management.base import BaseCommand

from mandates.matching import index


class Command(BaseCommand):
    help = "Baut den Such- und Matching-Index (CandidateIndex) für alle Interim Manager neu auf."

    def add_arguments(self, parser):
        parser.add_argument("--stale-only", action="store_true", help="Nur als veraltet markierte Einträge.")

    def handle(self, *args, stale_only=False, **options):
        if stale_only:
            done = index.reindex_stale()
        else:
            done = index.reindex_all(progress=lambda n: self.stdout.write(f"{n} …", ending="\r"))
        self.stdout.write(self.style.SUCCESS(f"{done} Profile indexiert."))
