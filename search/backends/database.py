"""The database search backend: the embedded default and the fallback.

It answers the same ParsedQuery as the Elasticsearch backend and passes the
same behavioural suite (tests/search/test_behaviour.py). Terms are analysed in
Python (search.analysis) on the way in and on the way out; PostgreSQL matches
them with a GIN-indexed tsvector and ranks with ts_rank, SQLite with LIKE.

A broad word matches tens of thousands of entries, and every match read costs
a heap page: counting, faceting and ranking all of them took up to two seconds
(issue #4). So a search is two queries (docs/search.md, "How the database
backend ranks and caps"): the total and facets over the first
`SEARCH_DATABASE_MATCH_CAP` matches (10,000 by default; past it the total is a
lower bound, `SearchResults.capped`), and the page, for which ts_rank ranks
RANK_WINDOW entries at most. Latest and most-liked order sort every match, as
a capped sample would miss the newest or most-liked entry.
"""

import difflib
from collections import Counter
from datetime import UTC, datetime, time
from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear, RowNumber
from django.utils import timezone

from search import analysis
from search.models import SearchEntry
from search.query import ParsedQuery

from .base import (
    FORUM_KINDS,
    GROUP_SIZE,
    KIND_BOOST,
    LANGUAGE_BOOST,
    TITLED,
    UNTITLED,
    Facet,
    Hit,
    SearchBackend,
    SearchDocument,
    SearchResults,
    fold,
)

BATCH = 500
# What an entry holds: bump it when _entry() stores something new, and the
# hourly repair (search.tasks.repair_index) rewrites every older entry.
# 1: groups, key sequences for phrases, materials' titles per language.
ENTRY_FORMAT = 1
# An entry of an older format reads as indexed at this time, so stale.
OUTDATED = datetime.min.replace(tzinfo=UTC)
MATCH_CAP = 10_000  # the default of settings.SEARCH_DATABASE_MATCH_CAP
# Relevance ranks this many matches at most: the search page shows 100 pages
# of 10 results at most, so no reader gets past the 1,000th.
RANK_WINDOW = 1_000


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
        group=document.group,
        titles=document.titles,
        title_terms=analysis.stored(f"{document.title} {document.topic_title}"),
        body_terms=analysis.stored(document.body),
        title_keys=analysis.key_sequence(document.title, document.topic_title),
        body_keys=analysis.key_sequence(document.body),
        format=ENTRY_FORMAT,
    )


# Everything an entry holds but its identity and the vector computed after.
UPSERTED_FIELDS = [
    field.name
    for field in SearchEntry._meta.concrete_fields
    if field.name not in {"id", "kind", "object_id", "vector"}
]


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
        """Insert or update, in one statement per batch: two workers writing
        the same row at once both succeed, the later write winning."""
        # The last version of a document given twice (one statement may not
        # touch a row twice).
        latest = list({document.key: document for document in documents}.values())
        for start in range(0, len(latest), BATCH):
            batch = latest[start : start + BATCH]
            by_kind: dict[str, list[int]] = {}
            for document in batch:
                by_kind.setdefault(document.kind, []).append(document.pk)
            SearchEntry.objects.bulk_create(
                [_entry(d) for d in batch],
                update_conflicts=True,
                unique_fields=["kind", "object_id"],
                update_fields=UPSERTED_FIELDS,
            )
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
        """{pk: updated_at}; entries of an older ENTRY_FORMAT read as OUTDATED."""
        rows = SearchEntry.objects.filter(kind=kind).values_list(
            "object_id", "updated_at", "format"
        )
        return {
            pk: updated if format == ENTRY_FORMAT else OUTDATED
            for pk, updated, format in rows
        }

    # Reading ---------------------------------------------------------------------

    def _readable(self, visibilities, readable_categories):
        entries = SearchEntry.objects.filter(visibility__in=visibilities)
        if readable_categories is not None:
            entries = entries.filter(
                Q(category__in=readable_categories) | ~Q(kind__in=FORUM_KINDS)
            )
        return entries

    def _filtered(self, query: ParsedQuery, visibilities, readable_categories=None):
        entries = self._readable(visibilities, readable_categories)
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
        """Narrow by words, phrases and exclusions; the rank (PostgreSQL, words)."""
        # A phrase's words narrow the matches through the index first.
        words = [
            word
            for text in [*query.terms, *query.phrases]
            for word in analysis.WORD.findall(text)
        ]
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
            entries = entries.filter(_phrase(phrase, in_title=query.in_title))
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
            rank = SearchRank(F("vector"), rank_query)
        else:
            rank = None
        return entries, words, rank

    def search(
        self,
        query,
        *,
        visibilities,
        readable_categories=None,
        page=1,
        per_page=10,
        language=None,
    ) -> SearchResults:
        entries = self._filtered(query, visibilities, readable_categories)
        entries, words, rank = self._text(entries, query)
        cap = _match_cap()
        counts = _counts(entries, cap)
        matches = sum(row[4] for row in counts)
        capped = any(row[4] != row[5] for row in counts)
        total = sum(row[6] for row in counts) if query.grouped else matches
        start = (max(page, 1) - 1) * per_page
        ordering = [f"-{field}" for field in ORDERINGS[query.order]]
        relevance = query.order == "relevance"
        score = _score(rank, language) if relevance else Value(0.0, FloatField())
        scored = entries.annotate(score=score)
        # A page of groups needs more matches than results; the groups of a
        # page come from this many of the best matches (docs/search.md).
        needed = (start + per_page) * (GROUP_SIZE if query.grouped else 1)
        if rank is not None and relevance:
            candidates = _rank_window(entries, query, score, cap, matches, needed)
        elif query.grouped and matches > max(RANK_WINDOW, needed):
            # Numbering matches within their groups sorts them all: number
            # the best ones only (a top-N sort, or a walk of an index).
            best = scored.order_by(*ordering).values("pk")[: max(RANK_WINDOW, needed)]
            candidates = scored.filter(pk__in=best)
        else:
            candidates = scored
        if not total:
            hits = []
        elif query.grouped:
            groups = list(
                candidates.annotate(place=_place(ordering))
                .filter(place=1)
                .order_by(*ordering)
                .values_list("group", flat=True)[start : start + per_page]
            )
            hits = _folded(scored, groups, ordering, words, language)
        else:
            rows = candidates.order_by(*ordering)[start : start + per_page]
            hits = [_hit(row, words) for row in rows]
        return SearchResults(
            hits=hits,
            total=min(total, cap),
            matches=min(matches, cap),
            facets=_facets(counts) if total else {},
            suggestion=None
            if total or not words
            else self._suggest(words, visibilities, readable_categories),
            backend=self.name,
            capped=capped,
        )

    def _suggest(
        self, words: list[str], visibilities, readable_categories
    ) -> str | None:
        """ "Did you mean": each word replaced by the closest title word, if any."""
        vocabulary = set()
        titles = self._readable(visibilities, readable_categories).values_list(
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

    def suggest_titles(
        self, prefix, *, visibilities, readable_categories=None, limit=8
    ) -> list[Hit]:
        prefix = prefix.strip()
        if len(prefix) < 2:
            return []
        key = " " + "k:" + analysis.key_stem(analysis.script_key(prefix.lower()))
        rows = (
            self._readable(visibilities, readable_categories)
            .filter(kind__in=TITLED)
            .filter(Q(title__icontains=prefix) | Q(title_terms__contains=key))
            .order_by("-likes", "-created_at")[:limit]
        )
        return [_hit(row, None) for row in rows]


# Every field descending; "score" is the ts_rank, 0 without words and on SQLite.
ORDERINGS = {
    "relevance": ("score", "is_answer", "created_at", "pk"),
    "latest": ("created_at", "pk"),
    "likes": ("likes", "created_at", "pk"),
}


def _match_cap() -> int:
    return getattr(settings, "SEARCH_DATABASE_MATCH_CAP", MATCH_CAP)


def _counts(entries, cap: int) -> list[tuple]:
    """(kind, category, language, year, counted, read, groups) for the first
    cap + 1 matches the index returns; `counted` leaves the one past the cap
    out, `groups` counts the groups whose first match is counted here.

    Without ORDER BY, PostgreSQL stops reading matches after cap + 1 rows
    (a Limit over the bitmap heap scan); any ordering would read them all.
    Counting in the database sends back a few dozen rows, not 10,000.
    """
    matches = (
        entries.order_by()
        .annotate(year=ExtractYear("created_at"), number=Window(RowNumber()))
        .values("kind", "category", "language", "year", "group", "number")[: cap + 1]
    )
    # The ORM cannot group a sliced queryset, hence SQL around the SQL Django
    # compiled from it; every value stays a parameter.
    sql, params = matches.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, category, language, year, "  # noqa: S608
            "SUM(CASE WHEN number <= %s THEN 1 ELSE 0 END), COUNT(*), "
            "SUM(CASE WHEN number <= %s AND first_of_group = 1 THEN 1 ELSE 0 END) "
            "FROM (SELECT matches.*, ROW_NUMBER() OVER "
            '(PARTITION BY matches."group" ORDER BY number) AS first_of_group '
            f"FROM ({sql}) AS matches) AS grouped "
            "GROUP BY kind, category, language, year",
            (cap, cap, *params),
        )
        return cursor.fetchall()


def _score(rank, language):
    """Relevance: ts_rank (1 without words, and on SQLite, which has no rank)
    times the priors, LANGUAGE_BOOST and KIND_BOOST."""
    prior = Case(
        *(
            When(kind=kind, then=Value(boost))
            for kind, boost in KIND_BOOST.items()
            if boost != 1.0
        ),
        default=Value(1.0),
        output_field=FloatField(),
    )
    if language:
        prior = prior * Case(
            When(language=language, then=Value(LANGUAGE_BOOST)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    return prior if rank is None else rank * prior


def _rank_window(entries, query, rank, cap, total, needed):
    """The matches relevance orders, with their ts_rank as `score`: all of
    them, or RANK_WINDOW (at least `needed`) when more matched.

    ts_rank reads and decompresses each entry's whole tsvector (about 30 µs
    an entry on the bench data), so ranking 20,000 matches took half a second. Past the
    window, the entries ranked are the first `cap` matches with the words in
    their title first, newest first: the ones ts_rank puts on top, as title
    terms weigh 1.0 and body terms 0.4.
    """
    window = max(RANK_WINDOW, needed)
    if total > window:
        title_hit = Case(
            When(_title_match(query), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        first = (
            entries.order_by()
            .annotate(entry=F("pk"), title_hit=title_hit, newest=F("created_at"))
            .values("entry", "title_hit", "newest")[:cap]
        )
        # Ordered over the sliced queryset, which the ORM cannot: see _counts.
        sql, params = first.query.sql_with_params()
        entries = SearchEntry.objects.filter(
            pk__in=RawSQL(  # noqa: S611
                f"SELECT entry FROM ({sql}) AS first_matches "  # noqa: S608
                "ORDER BY title_hit DESC, newest DESC, entry DESC LIMIT %s",
                (*params, window),
            )
        )
    return entries.annotate(score=rank)


def _place(ordering) -> Window:
    """An entry's place in its group, best first."""
    return Window(RowNumber(), partition_by=F("group"), order_by=ordering)


def _folded(scored, groups: list[str], ordering, marked, language) -> list[Hit]:
    """One Hit per group, in the order of `groups`: each group's best
    GROUP_SIZE matches in one query, folded by base.fold()."""
    rows = (
        scored.filter(group__in=groups)
        .annotate(
            place=_place(ordering),
            size=Window(Count("pk"), partition_by=F("group")),
        )
        .filter(place__lte=GROUP_SIZE)
        .order_by("group", "place")
    )
    members: dict[str, list] = {}
    for row in rows:
        members.setdefault(row.group, []).append(row)
    return [
        fold(
            [_hit(row, marked) for row in members[group]],
            members[group][0].size,
            language,
        )
        for group in groups
        if group in members
    ]


def _hit(row, marked: list[str] | None) -> Hit:
    """A result from an entry; with no words to mark (typing suggestions),
    no snippet and no score."""
    return Hit(
        kind=row.kind,
        pk=row.object_id,
        title=row.title,
        url=row.url,
        language=row.language,
        created_at=row.created_at,
        snippet=""
        if marked is None
        else analysis.highlight(row.body or row.title, marked),
        author=row.author,
        category_name=row.category_name,
        topic_title=row.topic_title,
        likes=row.likes,
        is_answer=row.is_answer,
        score=float(getattr(row, "score", 0) or 0),
        group=row.group,
        titles=row.titles or {},
    )


def _title_match(query) -> Q:
    """Every word (of the terms and phrases) in the title terms, as the
    Weight A part of the vector has it."""
    return reduce(
        and_,
        (
            _contains_any(["title_terms"], analysis.word_terms(word))
            for text in [*query.terms, *query.phrases]
            for word in analysis.WORD.findall(text)
        ),
    )


def _facets(counts) -> dict[str, list[Facet]]:
    """Type, category, language and year facets from _counts()' rows."""
    totals = {name: Counter() for name in ("type", "category", "language", "year")}
    for kind, category, language, year, counted, _read, _groups in counts:
        totals["type"][kind] += counted
        totals["category"][category] += counted
        totals["language"][language] += counted
        totals["year"][str(int(year))] += counted
    facets = {}
    for name in ("type", "category", "language"):
        facets[name] = sorted(
            (Facet(value, n) for value, n in totals[name].items() if value and n),
            key=lambda f: (-f.count, f.value),
        )
    facets["year"] = sorted(
        (Facet(value, n) for value, n in totals["year"].items() if n),
        key=lambda f: f.value,
        reverse=True,
    )
    return facets


def _phrase(phrase: str, *, in_title: bool) -> Q:
    """The words in this order, in any inflection and either script (their
    key stems adjacent in the key sequence), or the phrase as written."""
    fields = ["title", "topic_title"] + ([] if in_title else ["body"])
    where = [Q(**{f"{field}__icontains": phrase}) for field in fields]
    if keys := analysis.phrase_keys(phrase):
        for field in ["title_keys"] + ([] if in_title else ["body_keys"]):
            where.append(Q(**{f"{field}__contains": f" {keys} "}))
    return reduce(or_, where)


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
