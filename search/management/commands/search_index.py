"""`manage.py search_index --rebuild`: rebuild the whole search index.

The database index is rebuilt in one transaction and Elasticsearch into fresh
versioned indexes behind an alias swap, so readers never see it empty.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search.backends.base import SearchUnavailable
from search.documents import all_documents
from search.indexer import writers


class Progress:
    """A one-line progress display on stderr: count, rate, elapsed time."""

    def __init__(self, label: str, stream=sys.stderr):
        self.label, self.stream, self.started = label, stream, time.monotonic()

    def __call__(self, count: int):
        elapsed = time.monotonic() - self.started
        rate = count / elapsed if elapsed else 0
        self.stream.write(f"\r  {self.label}: {count:,} documents, {rate:,.0f}/s")
        self.stream.flush()

    def done(self, count: int) -> float:
        self(count)
        self.stream.write("\n")
        return time.monotonic() - self.started


class Command(BaseCommand):
    help = "Rebuild the search index (database, and Elasticsearch when configured)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild everything")

    def handle(self, *args, rebuild=False, **options):
        if not rebuild:
            raise CommandError("Say --rebuild to rebuild the whole index.")
        for backend in writers():
            progress = Progress(backend.name, stream=self.stderr._out)
            try:
                total = backend.rebuild(all_documents(), progress=progress)
            except SearchUnavailable as error:
                raise CommandError(f"{backend.name} is unavailable: {error}") from error
            elapsed = progress.done(total)
            rate = total / elapsed if elapsed else total
            self.stdout.write(
                self.style.SUCCESS(
                    f"{backend.name}: {total:,} documents in {elapsed:.1f} s "
                    f"({rate:,.0f} documents/s)"
                )
            )
