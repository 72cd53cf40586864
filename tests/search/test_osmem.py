"""What osmem-server does with the Elasticsearch API the search backend relies on.

The backend is tested against osmem-server, production runs Elasticsearch 9.
Each test here pins one capability the backend uses, or one known difference
from Elasticsearch, so that an osmem upgrade which changes either fails loudly
here instead of quietly changing what the backend's tests prove.
docs/search.md ("Elasticsearch and osmem-server") has the table.
"""

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch, helpers

pytestmark = pytest.mark.filterwarnings("ignore::elasticsearch.ElasticsearchWarning")

TEXT = {"type": "text"}


@pytest.fixture
def make_index(es_client):
    """Create an index with a mapping and some documents, searchable at once."""

    def make(name, properties, documents=(), settings=None, **options):
        es_client.indices.create(
            index=name,
            mappings={"properties": properties},
            settings=settings or {},
            **options,
        )
        for number, document in enumerate(documents, 1):
            es_client.index(index=name, id=str(number), document=document)
        es_client.indices.refresh(index=name)
        return name

    return make


def ids(response) -> set[str]:
    return {hit["_id"] for hit in response["hits"]["hits"]}


def total(response) -> int:
    return response["hits"]["total"]["value"]


def terms(es_client, index, field, document_id="1") -> set[str]:
    """The terms actually indexed for a field (not what _analyze says)."""
    vectors = es_client.termvectors(index=index, id=document_id, fields=[field])
    return set(vectors["term_vectors"][field]["terms"])


# The wire -------------------------------------------------------------------------


def test_versioned_media_type_is_refused_on_requests_with_a_body(osmem_clone):
    """The 9.x client's default headers: 406 on any body, fine without one."""
    client = Elasticsearch(osmem_clone.url)
    try:
        assert client.ping()
        assert client.cluster.health()["status"]
        with pytest.raises(ApiError) as refused:
            client.search(index="anything", query={"match_all": {}})
        assert refused.value.status_code == 406
    finally:
        client.close()


def test_answers_as_elasticsearch_so_the_client_accepts_it(es_client):
    assert es_client.info()["version"]["number"]


# Indexes, mappings, analysis --------------------------------------------------------


def test_index_with_settings_mappings_and_multi_fields(es_client):
    es_client.indices.create(
        index="probe",
        settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
        mappings={
            "dynamic": False,
            "_meta": {"mapping_version": 7},
            "properties": {
                "title": {
                    "type": "text",
                    "fields": {"ru": {"type": "text", "analyzer": "russian"}},
                },
                "kind": {"type": "keyword"},
                "url": {"type": "keyword", "index": False},
            },
        },
    )
    mapping = es_client.indices.get_mapping(index="probe")["probe"]["mappings"]
    assert mapping["_meta"] == {"mapping_version": 7}
    assert mapping["properties"]["title"]["fields"]["ru"]["analyzer"] == "russian"
    es_client.index(index="probe", id="1", document={"title": "a", "extra": "b"})
    es_client.indices.refresh(index="probe")
    # dynamic: false keeps an unknown field in _source and out of the index.
    assert es_client.get(index="probe", id="1")["_source"]["extra"] == "b"
    assert total(es_client.search(index="probe", query={"term": {"extra": "b"}})) == 0


def test_russian_analyzer_matches_other_word_forms(es_client, make_index):
    properties = {"body": {"type": "text", "analyzer": "russian"}}
    make_index("ru", properties, [{"body": "Последние новости форума"}])
    found = es_client.search(index="ru", query={"match": {"body": "новость"}})
    assert ids(found) == {"1"}


def test_english_analyzer_matches_other_word_forms(es_client, make_index):
    properties = {"body": {"type": "text", "analyzer": "english"}}
    make_index("en", properties, [{"body": "Publishing guidelines"}])
    found = es_client.search(index="en", query={"match": {"body": "published"}})
    assert ids(found) == {"1"}


def test_custom_analyzer_stop_words_lowercase_and_asciifolding(es_client, make_index):
    analysis = {
        "filter": {"kk_stop": {"type": "stop", "stopwords": ["және", "мен"]}},
        "analyzer": {
            "custom": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "kk_stop", "asciifolding"],
            }
        },
    }
    make_index(
        "custom",
        {"body": {"type": "text", "analyzer": "custom"}},
        [{"body": "Ақпарат және Café"}],
        settings={"analysis": analysis},
    )
    assert terms(es_client, "custom", "body") == {"ақпарат", "cafe"}


def test_pattern_replace_is_ignored_when_indexing(es_client, make_index):
    """DIFFERS: _analyze applies pattern_replace, indexing and searching do not
    (osmem logs "not supported; ignored"). Elasticsearch applies it everywhere.
    So under osmem the `.kk` fields are not stemmed, and Kazakh word forms
    match only through the key fields computed in Python.
    """
    analysis = {
        "filter": {
            "suffix": {
                "type": "pattern_replace",
                "pattern": "^(.{3,}?)(?:лар|тар|ы)$",
                "replacement": "$1",
            }
        },
        "analyzer": {
            "kk": {"type": "custom", "tokenizer": "standard", "filter": ["suffix"]}
        },
    }
    make_index(
        "kk",
        {"body": {"type": "text", "analyzer": "kk"}},
        [{"body": "кітаптар"}],
        settings={"analysis": analysis},
    )
    analysed = es_client.indices.analyze(index="kk", field="body", text="кітаптар")
    assert [token["token"] for token in analysed["tokens"]] == ["кітап"]
    assert terms(es_client, "kk", "body") == {"кітаптар"}


def test_mapping_char_filter_is_ignored_when_indexing(es_client, make_index):
    """DIFFERS: a `mapping` char_filter in an index's analyzer does nothing."""
    analysis = {
        "char_filter": {"yo": {"type": "mapping", "mappings": ["ё => е"]}},
        "analyzer": {
            "yo": {"type": "custom", "tokenizer": "standard", "char_filter": ["yo"]}
        },
    }
    make_index(
        "yo",
        {"body": {"type": "text", "analyzer": "yo"}},
        [{"body": "ёлка"}],
        settings={"analysis": analysis},
    )
    assert terms(es_client, "yo", "body") == {"ёлка"}


def test_look_around_in_a_regex_is_refused(es_client):
    """DIFFERS: osmem's regexes are RE2 (Go). Java accepts look-behind."""
    with pytest.raises(BadRequestError, match="not supported"):
        es_client.indices.analyze(
            tokenizer="standard",
            filter=[
                {"type": "pattern_replace", "pattern": "(?<=a)b", "replacement": ""}
            ],
            text="ab",
        )


def test_keyword_normalizer_makes_term_queries_case_insensitive(es_client, make_index):
    make_index(
        "users",
        {"author": {"type": "keyword", "normalizer": "lower"}},
        [{"author": "Alma"}],
        settings={
            "analysis": {
                "normalizer": {"lower": {"type": "custom", "filter": ["lowercase"]}}
            }
        },
    )
    found = es_client.search(index="users", query={"term": {"author": "ALMA"}})
    assert ids(found) == {"1"}


# Queries --------------------------------------------------------------------------

DOCUMENTS = [
    {
        "title": "Drought response plan",
        "body": "Drought messaging for the regions.",
        "kind": "topic",
        "visibility": "public",
        "tags": ["crisis"],
        "created_at": "2024-03-01T10:00:00+05:00",
        "likes": 3,
    },
    {
        "title": "Digital diplomacy seminar",
        "body": "The seminar about digital diplomacy and communication.",
        "kind": "seminar",
        "visibility": "members",
        "tags": [],
        "created_at": "2023-01-20T08:00:00Z",
        "likes": 0,
    },
    {
        "title": "Safety <b>first</b>",
        "body": "Digital safety: strong passwords & keys. Communication matters.",
        "kind": "post",
        "visibility": "public",
        "tags": ["crisis", "security"],
        "created_at": "2025-12-31T23:30:00Z",
        "likes": 7,
    },
]
PROPERTIES = {
    "title": {
        "type": "text",
        "fields": {"en": {"type": "text", "analyzer": "english"}},
    },
    "body": {"type": "text", "fields": {"en": {"type": "text", "analyzer": "english"}}},
    "kind": {"type": "keyword"},
    "visibility": {"type": "keyword"},
    "tags": {"type": "keyword"},
    "created_at": {"type": "date"},
    "likes": {"type": "integer"},
}


@pytest.fixture
def corpus(make_index):
    return make_index("corpus", PROPERTIES, DOCUMENTS)


def test_bool_with_must_should_must_not_and_filter(es_client, corpus):
    query = {
        "bool": {
            "must": [{"match": {"body": "communication"}}],
            "should": [{"term": {"kind": "post"}}],
            "must_not": [{"match": {"body": "passwords"}}],
            "filter": [{"terms": {"visibility": ["public", "members"]}}],
        }
    }
    assert ids(es_client.search(index=corpus, query=query)) == {"2"}


def test_function_score_multiplies_filtered_weights(es_client, corpus):
    """Relevance priors (KIND_BOOST, LANGUAGE_BOOST): every matching
    function's weight multiplies the score."""
    match = {"match": {"body": "communication"}}

    def scores(functions):
        query = {
            "function_score": {
                "query": match,
                "functions": functions,
                "score_mode": "multiply",
                "boost_mode": "multiply",
            }
        }
        found = es_client.search(index=corpus, query=query)["hits"]["hits"]
        return {hit["_id"]: hit["_score"] for hit in found}

    plain = scores([])
    weighted = scores(
        [
            {"filter": {"term": {"kind": "post"}}, "weight": 3.0},
            {"filter": {"term": {"visibility": "public"}}, "weight": 2.0},
        ]
    )
    assert plain.keys() == weighted.keys() and len(plain) >= 2
    for id_, score in plain.items():
        kind = DOCUMENTS[int(id_) - 1]["kind"]
        public = DOCUMENTS[int(id_) - 1]["visibility"] == "public"
        factor = (3.0 if kind == "post" else 1.0) * (2.0 if public else 1.0)
        assert weighted[id_] == pytest.approx(score * factor, rel=1e-4)


def test_collapse_with_inner_hits_and_a_cardinality_count(es_client, corpus):
    """Grouped results: one hit per visibility here, its others as inner hits
    (sorted and highlighted), and the number of groups from `cardinality`."""
    response = es_client.search(
        index=corpus,
        query={"match_all": {}},
        collapse={
            "field": "visibility",
            "inner_hits": {
                "name": "group",
                "size": 3,
                "sort": [{"likes": "desc"}],
                "highlight": {"fields": {"body": {}}},
            },
        },
        aggs={"groups": {"cardinality": {"field": "visibility"}}},
        sort=[{"likes": "desc"}],
        size=10,
        track_total_hits=True,
    )
    hits = response["hits"]["hits"]
    groups = [hit["_source"]["visibility"] for hit in hits]
    assert (
        len(groups) == len(set(groups)) == response["aggregations"]["groups"]["value"]
    )
    assert response["hits"]["total"]["value"] > len(hits)  # documents, not groups
    for hit in hits:
        inner = hit["inner_hits"]["group"]["hits"]
        likes = [member["_source"]["likes"] for member in inner["hits"]]
        assert likes == sorted(likes, reverse=True)
        assert {member["_source"]["visibility"] for member in inner["hits"]} == {
            hit["_source"]["visibility"]
        }
        assert inner["total"]["value"] >= len(inner["hits"])


def test_terms_filter_with_no_values_matches_nothing(es_client, corpus):
    found = es_client.search(index=corpus, query={"terms": {"visibility": []}})
    assert total(found) == 0


def test_multi_match_best_fields_with_boosts(es_client, corpus):
    query = {
        "multi_match": {
            "query": "seminars",
            "fields": ["title^3", "title.en^3", "body", "body.en"],
            "type": "best_fields",
        }
    }
    assert ids(es_client.search(index=corpus, query=query)) == {"2"}


def test_match_phrase_needs_the_words_in_order(es_client, corpus):
    def found(phrase):
        return ids(
            es_client.search(index=corpus, query={"match_phrase": {"body": phrase}})
        )

    assert found("digital diplomacy") == {"2"}
    assert found("diplomacy digital") == set()


def test_simple_query_string(es_client, corpus):
    query = {
        "simple_query_string": {
            "query": '"digital safety" -diplomacy',
            "fields": ["body"],
            "default_operator": "and",
        }
    }
    assert ids(es_client.search(index=corpus, query=query)) == {"3"}


def test_term_and_range_on_dates_with_offsets(es_client, corpus):
    query = {
        "bool": {
            "filter": [
                {"term": {"tags": "crisis"}},
                {
                    "range": {
                        "created_at": {
                            "gte": "2024-03-01T00:00:00+05:00",
                            "lt": "2026-01-01T00:00:00+05:00",
                        }
                    }
                },
            ]
        }
    }
    # Document 3 is 2026-01-01 04:30 in Almaty: outside.
    assert ids(es_client.search(index=corpus, query=query)) == {"1"}


def test_sort_by_date_and_by_likes(es_client, corpus):
    def order(*sort):
        found = es_client.search(index=corpus, sort=list(sort))
        return [hit["_id"] for hit in found["hits"]["hits"]]

    assert order({"created_at": "desc"}) == ["3", "1", "2"]
    assert order({"likes": "desc"}, {"created_at": "desc"}) == ["3", "1", "2"]


def test_track_total_hits_and_pagination(es_client, corpus):
    found = es_client.search(
        index=corpus, track_total_hits=True, from_=1, size=1, sort=[{"likes": "asc"}]
    )
    assert total(found) == 3
    assert ids(found) == {"1"}
    capped = es_client.search(index=corpus, track_total_hits=2, size=0)
    assert capped["hits"]["total"] == {"value": 2, "relation": "gte"}


def test_match_bool_prefix_for_typing(es_client, corpus):
    query = {
        "match_bool_prefix": {"title": {"query": "drought resp", "operator": "and"}}
    }
    assert ids(es_client.search(index=corpus, query=query)) == {"1"}


def test_match_phrase_prefix(es_client, corpus):
    query = {"match_phrase_prefix": {"title": "digital dipl"}}
    assert ids(es_client.search(index=corpus, query=query)) == {"2"}


# Highlighting ---------------------------------------------------------------------


def test_highlight_with_private_use_tags_on_a_subfield(es_client, corpus):
    """The backend marks with U+E000/U+E001, escapes, then writes <mark>."""
    found = es_client.search(
        index=corpus,
        query={"match": {"body.en": "communicate"}},
        highlight={
            "pre_tags": ["\ue000"],
            "post_tags": ["\ue001"],
            "fields": {"body.en": {"fragment_size": 160, "number_of_fragments": 2}},
        },
    )
    fragments = [
        f for hit in found["hits"]["hits"] for f in hit["highlight"]["body.en"]
    ]
    assert fragments
    assert all("\ue000communication\ue001" in f.lower() for f in fragments)
    # Highlights are not HTML-escaped unless encoder=html is asked for.
    found = es_client.search(
        index=corpus,
        query={"match": {"body": "passwords"}},
        highlight={"fields": {"body": {}}},
    )
    assert "&" in found["hits"]["hits"][0]["highlight"]["body"][0]


def test_highlight_tags_made_of_control_characters_get_lost(es_client, corpus):
    """DIFFERS: why the backend uses private-use characters, not \\x02/\\x03."""
    found = es_client.search(
        index=corpus,
        query={"match": {"body": "digital"}},
        highlight={
            "pre_tags": ["\x02"],
            "post_tags": ["\x03"],
            "fields": {"body": {"fragment_size": 20}},
        },
    )
    fragments = [f for hit in found["hits"]["hits"] for f in hit["highlight"]["body"]]
    assert not all("\x02" in f and "\x03" in f for f in fragments)


# Aggregations ---------------------------------------------------------------------


def test_terms_and_yearly_date_histogram_in_a_time_zone(es_client, corpus):
    found = es_client.search(
        index=corpus,
        size=0,
        aggs={
            "type": {"terms": {"field": "kind", "size": 10}},
            "year": {
                "date_histogram": {
                    "field": "created_at",
                    "calendar_interval": "year",
                    "format": "yyyy",
                    "time_zone": "Asia/Almaty",
                    "min_doc_count": 1,
                }
            },
        },
    )
    aggregations = found["aggregations"]
    types = {b["key"]: b["doc_count"] for b in aggregations["type"]["buckets"]}
    assert types == {"topic": 1, "seminar": 1, "post": 1}
    years = [
        (b["key_as_string"], b["doc_count"]) for b in aggregations["year"]["buckets"]
    ]
    # 2025-12-31 23:30 UTC is already 2026 in Almaty.
    assert years == [("2023", 1), ("2024", 1), ("2026", 1)]


def test_range_aggregation(es_client, corpus):
    found = es_client.search(
        index=corpus,
        size=0,
        aggs={
            "likes": {"range": {"field": "likes", "ranges": [{"to": 5}, {"from": 5}]}}
        },
    )
    counts = [b["doc_count"] for b in found["aggregations"]["likes"]["buckets"]]
    assert counts == [2, 1]


# Suggesters -----------------------------------------------------------------------


def test_term_suggester_corrects_misspellings(es_client, corpus):
    found = es_client.search(
        index=corpus,
        size=0,
        suggest={"text": "drougth comunication", "fix": {"term": {"field": "body"}}},
    )
    best = [entry["options"][0]["text"] for entry in found["suggest"]["fix"]]
    assert best == ["drought", "communication"]


def test_phrase_suggester_ignores_collate(es_client, corpus):
    """DIFFERS: Elasticsearch drops options the collate query does not match;
    osmem returns them all. The backend checks its suggestion with a real
    search under the reader's visibility instead.
    """
    found = es_client.search(
        index=corpus,
        size=0,
        suggest={
            "text": "seminr",
            "fix": {
                "phrase": {
                    "field": "body",
                    "direct_generator": [{"field": "body", "suggest_mode": "always"}],
                    "collate": {"query": {"source": {"match_none": {}}}},
                }
            },
        },
    )
    options = [o["text"] for o in found["suggest"]["fix"][0]["options"]]
    assert "seminar" in options


def test_completion_suggester(es_client, make_index):
    make_index(
        "complete",
        {"title": {"type": "completion"}},
        [{"title": "Drought response plan"}, {"title": "Digital safety"}],
    )
    found = es_client.search(
        index="complete",
        suggest={"t": {"prefix": "dro", "completion": {"field": "title"}}},
    )
    assert [o["text"] for o in found["suggest"]["t"][0]["options"]] == [
        "Drought response plan"
    ]


# Aliases and writes ---------------------------------------------------------------


def test_alias_swap_in_one_atomic_call(es_client, make_index):
    make_index(
        "items-v1", {"n": {"type": "integer"}}, [{"n": 1}], aliases={"items": {}}
    )
    make_index("items-v2", {"n": {"type": "integer"}}, [{"n": 2}])
    es_client.indices.update_aliases(
        actions=[
            {"remove": {"index": "items-v1", "alias": "items"}},
            {"add": {"index": "items-v2", "alias": "items"}},
        ]
    )
    es_client.indices.delete(index="items-v1")
    assert es_client.indices.get_alias(name="items") == {
        "items-v2": {"aliases": {"items": {}}}
    }
    found = es_client.search(index="items")
    assert [hit["_source"]["n"] for hit in found["hits"]["hits"]] == [2]


def test_remove_index_in_an_alias_swap(es_client, make_index):
    make_index("stray", {"n": {"type": "integer"}})
    make_index("stray-v1", {"n": {"type": "integer"}})
    es_client.indices.update_aliases(
        actions=[
            {"remove_index": {"index": "stray"}},
            {"add": {"index": "stray-v1", "alias": "stray"}},
        ]
    )
    assert list(es_client.indices.get_alias(name="stray")) == ["stray-v1"]


def test_search_across_aliases_skips_missing_ones(es_client, make_index):
    make_index("a-v1", {"n": {"type": "integer"}}, [{"n": 1}], aliases={"a": {}})
    make_index("b-v1", {"n": {"type": "integer"}}, [{"n": 2}], aliases={"b": {}})
    assert total(es_client.search(index="a,b")) == 2
    with pytest.raises(ApiError):
        es_client.search(index="a,missing")
    found = es_client.search(
        index="a,missing", ignore_unavailable=True, allow_no_indices=True
    )
    assert total(found) == 1
    nothing = es_client.search(
        index="gone,missing", ignore_unavailable=True, allow_no_indices=True
    )
    assert total(nothing) == 0


def test_bulk_through_an_alias_with_require_alias(es_client, make_index):
    make_index("c-v1", {"n": {"type": "integer"}}, aliases={"c": {}})
    response = es_client.bulk(
        operations=[
            {"index": {"_index": "c", "_id": "1"}},
            {"n": 1},
            {"index": {"_index": "not-an-alias", "_id": "1"}},
            {"n": 1},
            {"delete": {"_index": "c", "_id": "404"}},
        ],
        require_alias=True,
    )
    statuses = [next(iter(item.values()))["status"] for item in response["items"]]
    assert statuses == [201, 404, 404]
    assert not es_client.indices.exists(index="not-an-alias")


def test_writes_without_require_alias_create_an_index(es_client):
    es_client.index(index="auto", id="1", document={"n": 1})
    assert es_client.indices.exists(index="auto")


def test_delete_by_id(es_client, corpus):
    es_client.delete(index=corpus, id="1", refresh=True)
    assert total(es_client.search(index=corpus)) == 2


def test_writes_are_searchable_before_a_refresh(es_client, make_index):
    """DIFFERS: osmem has no refresh interval; Elasticsearch shows a write only
    after a refresh (about a second). A missing refresh passes here: the rebuild
    refreshes the new indexes explicitly before it swaps the aliases.
    """
    make_index("nrt", {"n": {"type": "integer"}}, settings={"refresh_interval": "-1"})
    es_client.index(index="nrt", id="1", document={"n": 1})
    assert total(es_client.search(index="nrt")) == 1


def test_refresh_interval_can_be_reset(es_client, make_index):
    make_index("ri", {"n": {"type": "integer"}}, settings={"refresh_interval": "-1"})
    es_client.indices.put_settings(
        index="ri", settings={"index": {"refresh_interval": None}}
    )
    settings = es_client.indices.get_settings(index="ri")["ri"]["settings"]["index"]
    assert "refresh_interval" not in settings


def test_scroll_works_and_point_in_time_does_not(es_client, make_index):
    """DIFFERS: no _pit. The backend scrolls (helpers.scan) for indexed_keys."""
    make_index("many", {"n": {"type": "integer"}}, [{"n": n} for n in range(25)])
    scanned = list(helpers.scan(es_client, index="many", size=10))
    assert len(scanned) == 25
    with pytest.raises(ApiError):
        es_client.open_point_in_time(index="many", keep_alive="1m")


def test_deleting_indexes_by_wildcard_is_allowed(es_client, make_index):
    """DIFFERS: Elasticsearch 9 refuses it (action.destructive_requires_name);
    the backend deletes indexes by name only.
    """
    make_index("w-1", {"n": {"type": "integer"}})
    es_client.indices.delete(index="w-*")
    assert not es_client.indices.exists(index="w-1")
