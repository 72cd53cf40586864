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


@pytest.mark.parametrize("matches", [10, 50])
def test_a_search_costs_two_queries_however_many_match(
    backend, add, settings, matches, django_assert_max_num_queries
):
    add(*[("Notes", "Drought report.", day) for day in range(matches)])
    settings.SEARCH_DATABASE_MATCH_CAP = 20
    with django_assert_max_num_queries(2):
        results = backend.search(parse("drought"), visibilities=VISITOR)
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
