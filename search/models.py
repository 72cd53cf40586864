"""The database backend's index: one row per searchable thing.

`title_terms` and `body_terms` hold the analysed terms (search.analysis) as
space-padded strings. On PostgreSQL a tsvector over them, with a GIN index,
answers queries; SQLite (the embedded `make run` default) looks terms up with
LIKE, which is fine at its size.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchEntry(models.Model):
    kind = models.CharField(max_length=10)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    language = models.CharField(max_length=2)
    visibility = models.CharField(max_length=10)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)
    author = models.CharField(max_length=150, blank=True)
    category = models.CharField(max_length=80, blank=True)
    category_name = models.CharField(max_length=100, blank=True)
    # " tag1 tag2 ", so that one tag is found with LIKE on every database.
    tags = models.CharField(max_length=300, blank=True)
    likes = models.PositiveIntegerField(default=0)
    is_answer = models.BooleanField(default=False)
    status = models.CharField(max_length=10, blank=True)
    topic_title = models.CharField(max_length=300, blank=True)
    # SearchDocument.group: "topic:<id>", "page:<translation key>", or the
    # entry's own "kind:id".
    group = models.CharField(max_length=60, blank=True)
    titles = models.JSONField(default=dict, blank=True)  # SearchDocument.titles
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # Every word's key stem in order (search.analysis.key_sequence): phrases
    # across inflections and scripts.
    title_keys = models.TextField(blank=True)
    body_keys = models.TextField(blank=True)
    # database.ENTRY_FORMAT when written; the hourly repair rewrites entries
    # of an older format, as their fields are missing or stale.
    format = models.PositiveSmallIntegerField(default=0)
    # PostgreSQL only; NULL elsewhere.
    vector = SearchVectorField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="search_entry_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["visibility", "-created_at"], name="search_entry_recent"
            ),
        ]

    def __str__(self):
        return f"{self.kind}:{self.object_id} {self.title}"
