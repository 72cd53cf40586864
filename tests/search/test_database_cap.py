"""The database backend's match cap and rank window (issue #4: broad queries).

A search reads at most SEARCH_DATABASE_MATCH_CAP matches for its total and
facets, and ts_rank ranks RANK_WINDOW entries at most. Small values here stand
for the 10,000 and 1,000 of a large forum.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from search.backends import database
from search.backends.base import VISIBILITY_PUBLIC, SearchDocument
from search.backends.database import DatabaseBackend
from search.query import parse

VISITOR = (VISIBILITY_PUBLIC,)


@pytest.fixture
def backend(db):
    return DatabaseBackend()


@pytest.fixture
def add(backend):
    """Index documents straight into the database backend; returns their keys."""
    now = timezone.now()

    def index(*specs, kind="post", language="en"):
        documents = []
        for number, (title, body, days_old) in enumerate(specs, start=1):
            pk = len(index.keys) + number
            documents.append(
                SearchDocument(
                    kind=kind,
                    pk=pk,
                    title=title,
                    body=body,
                    url=f"/forum/t/{pk}/",
                    language=language,
                    visibility=VISIBILITY_PUBLIC,
                    created_at=now - timedelta(days=days_old),
                )
            )
        backend.index(documents)
        keys = [(d.kind, d.pk) for d in documents]
        index.keys += keys
        return keys

    index.keys = []
    return index


def keys(results):
    return [(hit.kind, hit.pk) for hit in results.hits]


def test_total_stops_at_the_cap_and_says_so(backend, add, settings):
    add(*[("Weekly briefing", "Drought update.", day) for day in range(5)])
    settings.SEARCH_DATABASE_MATCH_CAP = 3
    results = backend.search(parse("drought"), visibilities=VISITOR)
    assert (results.total, results.capped) == (3, True)
    settings.SEARCH_DATABASE_MATCH_CAP = 5
    results = backend.search(parse("drought"), visibilities=VISITOR)
    assert (results.total, results.capped) == (5, False)


def test_facets_count_the_matches_read_when_capped(backend, add, settings):
    add(*[("Briefing", "Drought in the north.", day) for day in range(3)])
    add(
        *[("Бюллетень", "Drought news.", day) for day in range(3)],
        kind="topic",
        language="ru",
    )
    settings.SEARCH_DATABASE_MATCH_CAP = 4
    results = backend.search(parse("drought"), visibilities=VISITOR)
    assert results.capped
    for name in ("type", "language", "year"):
        assert sum(facet.count for facet in results.facets[name]) == 4, name


def test_relevance_puts_the_title_match_first_past_the_rank_window(
    backend, add, monkeypatch
):
    """Only RANK_WINDOW entries are ranked; the title match is among them."""
    add(*[("Weekly notes", "A drought report.", day) for day in range(6)])
    [best] = add(("Drought plan", "What the press office says.", 400))
    monkeypatch.setattr(database, "RANK_WINDOW", 2)
    results = backend.search(parse("drought"), visibilities=VISITOR)
    assert results.total == 7 and not results.capped
    assert keys(results)[0] == best
    assert results.hits[0].score > results.hits[1].score


def test_relevance_within_the_window_ranks_every_match(backend, add):
    newer = add(("Notes", "Drought, drought and drought.", 1))
    [best] = add(("Drought drill", "Drought notes.", 30))
    results = backend.search(parse("drought"), visibilities=VISITOR)
    assert keys(results) == [best, *newer]


def test_latest_order_past_the_cap_still_finds_the_newest(backend, add, settings):
    add(*[("Notes", "Drought report.", day) for day in range(10, 15)])
    [newest] = add(("Notes", "Drought today.", 0))
    add(*[("Notes", "Drought archive.", day) for day in range(20, 25)])
    settings.SEARCH_DATABASE_MATCH_CAP = 2
    results = backend.search(parse("drought order:latest"), visibilities=VISITOR)
    assert results.capped
    assert keys(results)[0] == newest


def test_pages_past_the_rank_window_keep_their_results(backend, add, monkeypatch):
    add(*[("Notes", "Drought report.", day) for day in range(8)])
    monkeypatch.setattr(database, "RANK_WINDOW", 2)
    seen = []
    for page in (1, 2, 3):
        results = backend.search(
            parse("drought"), visibilities=VISITOR, page=page, per_page=3
        )
        seen += keys(results)
    assert len(seen) == len(set(seen)) == 8


def test_groups_past_the_window_come_in_order_without_repeats(backend, monkeypatch):
    """Three topics of four matching posts, newest first: each page of one
    group numbers only the best matches it needs, and still finds the next
    group, with its newest post first."""
    now = timezone.now()
    backend.index(
        [
            SearchDocument(
                kind="post",
                pk=topic * 10 + n,
                title=f"Topic {topic}",
                body="Drought report.",
                url=f"/forum/t/{topic}/{n}/",
                language="en",
                visibility=VISIBILITY_PUBLIC,
                created_at=now - timedelta(days=topic * 10 + n),
                group=f"topic:{topic}",
            )
            for topic in (1, 2, 3)
            for n in range(4)
        ]
    )
    monkeypatch.setattr(database, "RANK_WINDOW", 1)
    heads = []
    for page in (1, 2, 3):
        results = backend.search(
            parse("drought order:latest"), visibilities=VISITOR, page=page, per_page=1
        )
        assert results.total == 3
        [hit] = results.hits
        heads.append((hit.group, hit.pk, len(hit.others), hit.more))
    assert heads == [
        ("topic:1", 10, 3, 0),
        ("topic:2", 20, 3, 0),
        ("topic:3", 30, 3, 0),
    ]


@pytest.mark.parametrize("matches", [10, 50])
@pytest.mark.parametrize("grouping, queries", [("", 3), (" group:off", 2)])
def test_a_search_costs_fixed_queries_however_many_match(
    backend, add, settings, matches, grouping, queries, django_assert_num_queries
):
    """Total and facets, then the page: grouped, the page's groups and their
    matches are two queries."""
    add(*[("Notes", "Drought report.", day) for day in range(matches)])
    settings.SEARCH_DATABASE_MATCH_CAP = 20
    with django_assert_num_queries(queries):
        results = backend.search(parse("drought" + grouping), visibilities=VISITOR)
    assert results.total == min(matches, 20)
    assert results.capped == (matches > 20)


def test_the_search_page_shows_a_capped_total(client, add, settings):
    # News: the page lists a visitor's forum results only from categories
    # they may read, and these made-up documents have none.
    add(*[("Notes", "Drought report.", day) for day in range(4)], kind="news")
    settings.SEARCH_DATABASE_MATCH_CAP = 3
    with translation.override("en"):
        body = client.get(reverse("search"), {"q": "drought"}).content.decode()
    assert "3+ results" in body
    assert "Counts cover the first 3 results." in body
    settings.SEARCH_DATABASE_MATCH_CAP = 10
    with translation.override("en"):
        body = client.get(reverse("search"), {"q": "drought"}).content.decode()
    assert "4 results" in body and "+ results" not in body


def test_the_repair_rewrites_entries_of_an_older_format(
    make_topic, django_capture_on_commit_callbacks
):
    """Entries written before groups and key sequences (format 0, as the
    migration leaves them) are stale to the hourly repair, which rewrites them."""
    from search.backends.database import ENTRY_FORMAT
    from search.models import SearchEntry
    from search.tasks import repair_index

    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(title="Baspasóz qyzmeti", replies=1)
    everything = SearchEntry.objects.all()
    written = everything.count()
    everything.update(format=0, group="", title_keys="", body_keys="")
    assert repair_index() == written
    assert set(everything.values_list("format", flat=True)) == {ENTRY_FORMAT}
    ours = everything.filter(
        kind__in=("topic", "post"), title__startswith="Baspasóz"
    ).values_list("kind", "group")
    assert sorted(ours) == [
        ("post", f"topic:{topic.pk}"),
        ("topic", f"topic:{topic.pk}"),
    ]
    assert (
        " baspasoz qizmet "
        in everything.get(kind="topic", object_id=topic.pk).title_keys
    )
    assert repair_index() == 0
