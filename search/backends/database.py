"""The database search backend: the embedded default and the fallback.

It answers the same ParsedQuery as the Elasticsearch backend and passes the
same behavioural suite (tests/search/test_behaviour.py). Terms are analysed in
Python (search.analysis) on the way in and on the way out; PostgreSQL matches
them with a GIN-indexed tsvector and ranks with ts_rank, SQLite with LIKE.
"""

import difflib
from datetime import datetime, time
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import ExtractYear
from django.utils import timezone

from search import analysis
from search.models import SearchEntry
from search.query import ParsedQuery

from .base import Facet, Hit, SearchBackend, SearchDocument, SearchResults

BATCH = 500


def _entry(document: SearchDocument) -> SearchEntry:
    return SearchEntry(
        kind=document.kind,
        object_id=document.pk,
        title=document.title[:300],
        body=document.body,
        url=document.url,
        language=document.language,
        visibility=document.visibility,
        created_at=document.created_at,
        updated_at=document.updated_at,
        author=document.author,
        category=document.category,
        category_name=document.category_name,
        tags=" " + " ".join(document.tags) + " " if document.tags else "",
        likes=document.likes,
        is_answer=document.is_answer,
        status=document.status,
        topic_title=document.topic_title[:300],
        title_terms=analysis.stored(f"{document.title} {document.topic_title}"),
        body_terms=analysis.stored(document.body),
    )


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _vector():
    return SearchVector("title_terms", weight="A", config="simple") + SearchVector(
        "body_terms", weight="B", config="simple"
    )


class DatabaseBackend(SearchBackend):
    name = "database"

    # Writing ---------------------------------------------------------------------

    @transaction.atomic
    def index(self, documents: list[SearchDocument]) -> None:
        for start in range(0, len(documents), BATCH):
            batch = documents[start : start + BATCH]
            by_kind: dict[str, list[int]] = {}
            for document in batch:
                by_kind.setdefault(document.kind, []).append(document.pk)
            for kind, pks in by_kind.items():
                SearchEntry.objects.filter(kind=kind, object_id__in=pks).delete()
            SearchEntry.objects.bulk_create([_entry(d) for d in batch])
            if _postgres():
                keys = reduce(
                    or_,
                    (Q(kind=k, object_id__in=pks) for k, pks in by_kind.items()),
                )
                SearchEntry.objects.filter(keys).update(vector=_vector())

    def delete(self, kind: str, pks: list[int]) -> None:
        SearchEntry.objects.filter(kind=kind, object_id__in=pks).delete()

    @transaction.atomic
    def rebuild(self, documents, *, progress=None) -> int:
        """Readers see the old rows until this transaction commits."""
        SearchEntry.objects.all().delete()
        count, batch = 0, []
        for document in documents:
            batch.append(document)
            if len(batch) == BATCH:
                self.index(batch)
                count += len(batch)
                batch = []
                if progress:
                    progress(count)
        if batch:
            self.index(batch)
            count += len(batch)
            if progress:
                progress(count)
        return count

    def indexed_keys(self, kind: str) -> dict[int, datetime | None]:
        return dict(
            SearchEntry.objects.filter(kind=kind).values_list("object_id", "updated_at")
        )

    # Reading ---------------------------------------------------------------------

    def _filtered(self, query: ParsedQuery, visibilities):
        entries = SearchEntry.objects.filter(visibility__in=visibilities)
        if query.in_title:
            # Replies carry their topic's title; in:title means the topic itself.
            entries = entries.exclude(kind__in=UNTITLED)
        if query.types:
            entries = entries.filter(kind__in=query.types)
        if query.language:
            entries = entries.filter(language=query.language)
        if query.username:
            entries = entries.filter(author__iexact=query.username)
        if query.category:
            entries = entries.filter(category=query.category)
        for tag in query.tags:
            entries = entries.filter(tags__contains=f" {tag} ")
        if query.status:
            entries = entries.filter(status=query.status)
        tz = timezone.get_current_timezone()
        if query.after:
            entries = entries.filter(
                created_at__gte=datetime.combine(query.after, time.min, tzinfo=tz)
            )
        if query.before:
            entries = entries.filter(
                created_at__lt=datetime.combine(query.before, time.min, tzinfo=tz)
            )
        return entries

    def _text(self, entries, query: ParsedQuery):
        """Narrow by words, phrases and exclusions; annotate a rank on PostgreSQL."""
        words = [w for term in query.terms for w in analysis.WORD.findall(term)]
        rank_query = None
        for word in words:
            variants = analysis.word_terms(word)
            if _postgres():
                # Weight A holds the title terms: in:title asks for those alone.
                label = ":A" if query.in_title else ""
                word_query = _any_of(variants, label)
                entries = entries.filter(vector=word_query)
                rank_query = (
                    word_query if rank_query is None else rank_query & word_query
                )
            else:
                fields = (
                    ["title_terms"] if query.in_title else ["title_terms", "body_terms"]
                )
                entries = entries.filter(_contains_any(fields, variants))
        for phrase in query.phrases:
            where = [Q(title__icontains=phrase), Q(topic_title__icontains=phrase)]
            if not query.in_title:
                where.append(Q(body__icontains=phrase))
            entries = entries.filter(reduce(or_, where))
        for excluded in query.excluded:
            for word in analysis.WORD.findall(excluded):
                variants = analysis.word_terms(word)
                if _postgres():
                    entries = entries.exclude(vector=_any_of(variants))
                else:
                    entries = entries.exclude(
                        _contains_any(["title_terms", "body_terms"], variants)
                    )
        if rank_query is not None:
            entries = entries.annotate(rank=SearchRank(F("vector"), rank_query))
        else:
            entries = entries.annotate(rank=Value(0.0))
        return entries, words

    def search(self, query, *, visibilities, page=1, per_page=10) -> SearchResults:
        entries = self._filtered(query, visibilities)
        entries, words = self._text(entries, query)
        phrase_words = [w for p in query.phrases for w in analysis.WORD.findall(p)]
        total = entries.count()
        if query.order == "latest":
            ordered = entries.order_by("-created_at", "-pk")
        elif query.order == "likes":
            ordered = entries.order_by("-likes", "-created_at", "-pk")
        else:
            ordered = entries.order_by("-rank", "-is_answer", "-created_at", "-pk")
        start = (max(page, 1) - 1) * per_page
        rows = list(ordered[start : start + per_page]) if total else []
        hits = [
            Hit(
                kind=row.kind,
                pk=row.object_id,
                title=row.title,
                url=row.url,
                language=row.language,
                created_at=row.created_at,
                snippet=analysis.highlight(row.body or row.title, words + phrase_words),
                author=row.author,
                category_name=row.category_name,
                topic_title=row.topic_title,
                likes=row.likes,
                is_answer=row.is_answer,
                score=float(row.rank or 0),
            )
            for row in rows
        ]
        return SearchResults(
            hits=hits,
            total=total,
            facets=self._facets(entries) if total else {},
            suggestion=None
            if total or not words
            else self._suggest(words, visibilities),
            backend=self.name,
        )

    def _facets(self, entries) -> dict[str, list[Facet]]:
        plain = entries.order_by()
        facets = {}
        for name, field in (
            ("type", "kind"),
            ("category", "category"),
            ("language", "language"),
        ):
            rows = plain.exclude(**{field: ""}).values(field).annotate(n=Count("pk"))
            facets[name] = sorted(
                (Facet(str(row[field]), row["n"]) for row in rows),
                key=lambda f: (-f.count, f.value),
            )
        years = (
            plain.annotate(year=ExtractYear("created_at"))
            .values("year")
            .annotate(n=Count("pk"))
        )
        facets["year"] = sorted(
            (Facet(str(row["year"]), row["n"]) for row in years),
            key=lambda f: f.value,
            reverse=True,
        )
        return facets

    def _suggest(self, words: list[str], visibilities) -> str | None:
        """ "Did you mean": each word replaced by the closest title word, if any."""
        vocabulary = set()
        titles = SearchEntry.objects.filter(visibility__in=visibilities).values_list(
            "title", flat=True
        )[:5000]
        for title in titles:
            vocabulary.update(word.lower() for word in analysis.WORD.findall(title))
        suggestion, changed = [], False
        for word in words:
            close = difflib.get_close_matches(
                word.lower(), vocabulary, n=1, cutoff=0.75
            )
            if close and close[0] != word.lower():
                suggestion.append(close[0])
                changed = True
            else:
                suggestion.append(word)
        return " ".join(suggestion) if changed else None

    def suggest_titles(self, prefix, *, visibilities, limit=8) -> list[Hit]:
        prefix = prefix.strip()
        if len(prefix) < 2:
            return []
        key = " " + "k:" + analysis.key_stem(analysis.script_key(prefix.lower()))
        rows = (
            SearchEntry.objects.filter(visibility__in=visibilities, kind__in=TITLED)
            .filter(Q(title__icontains=prefix) | Q(title_terms__contains=key))
            .order_by("-likes", "-created_at")[:limit]
        )
        return [
            Hit(
                kind=row.kind,
                pk=row.object_id,
                title=row.title,
                url=row.url,
                language=row.language,
                created_at=row.created_at,
                snippet="",
            )
            for row in rows
        ]


TITLED = ("news", "seminar", "material", "topic")
UNTITLED = ("post", "comment")


def _quote_tsquery(term: str) -> str:
    """One term as a tsquery literal, quoted so no character acts as an operator."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _any_of(variants, label: str = "") -> SearchQuery:
    return reduce(
        or_,
        (
            SearchQuery(_quote_tsquery(v) + label, config="simple", search_type="raw")
            for v in sorted(variants)
        ),
    )


def _contains_any(fields, variants) -> Q:
    return reduce(
        or_,
        (Q(**{f"{field}__contains": f" {v} "}) for field in fields for v in variants),
    )
