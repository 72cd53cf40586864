"""What only the Elasticsearch backend has: aliases, versions, outages, headers.

What both backends do is in test_behaviour.py; what osmem-server itself can do
is in test_osmem.py.
"""

import datetime
import socket
import threading
import time

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError, Elasticsearch

from search import es_index
from search.backends import elasticsearch as es_backend_module
from search.backends.base import KINDS, SearchDocument, SearchUnavailable
from search.backends.elasticsearch import (
    ElasticsearchBackend,
    PlainJsonNode,
    make_client,
    unavailable_on_outage,
)
from search.language import kk_stem
from search.query import ParsedQuery

VISITOR = ("public",)
MEMBER = ("public", "members")
NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


def document(pk, title, body="", kind="topic", **fields):
    fields.setdefault("language", "en")
    fields.setdefault("visibility", "public")
    fields.setdefault("created_at", NOW - datetime.timedelta(days=pk))
    return SearchDocument(
        kind=kind, pk=pk, title=title, body=body, url=f"/{kind}/{pk}/", **fields
    )


def words(*text, **fields) -> ParsedQuery:
    return ParsedQuery(terms=list(text), **fields)


# Index names and versions ---------------------------------------------------------


def test_every_kind_has_a_document_class():
    assert tuple(es_index.DOCUMENTS) == KINDS


def test_index_names_carry_the_mapping_version(es_backend):
    version = f"-v{es_index.MAPPING_VERSION}-"
    es_backend.index([document(1, "First")])
    assert es_backend.live_indexes()["topic"] == [f"test-topic{version}initial"]

    es_backend.rebuild([document(1, "First"), document(2, "News", kind="news")])

    live = es_backend.live_indexes()
    assert set(live) == set(KINDS)
    for kind, names in live.items():
        assert len(names) == 1
        assert names[0].startswith(f"test-{kind}{version}")
    health = es_backend.health()
    assert health["mapping_version"] == es_index.MAPPING_VERSION
    assert (health["stale"], health["missing"]) == ([], [])


def test_an_index_from_another_mapping_version_is_reported_stale(
    es_backend, monkeypatch
):
    es_backend.index([document(1, "First")])
    assert es_backend.health()["stale"] == []
    monkeypatch.setattr(
        es_backend_module, "MAPPING_VERSION", es_index.MAPPING_VERSION + 1
    )
    assert es_backend.health()["stale"] == ["topic"]


def test_an_index_from_another_analysis_is_reported_stale(es_backend, monkeypatch):
    """Say search.language stems differently now: the stored keys are stale."""
    es_backend.index([document(1, "First")])
    monkeypatch.setattr(es_backend_module, "fingerprint", lambda: "changed")
    health = es_backend.health()
    assert health["stale"] == ["topic"]
    assert "news" in health["missing"]


def test_the_fingerprint_follows_the_key_analysis(monkeypatch):
    before = es_index.fingerprint()
    es_index.fingerprint.cache_clear()
    monkeypatch.setattr(es_index, "analyse_key", lambda text: text.lower().split())
    try:
        assert es_index.fingerprint() != before
    finally:
        es_index.fingerprint.cache_clear()


def test_writes_never_create_an_index_without_our_mapping(es_backend):
    es_backend.index([document(1, "First")])
    client = es_backend.client
    assert client.indices.exists_alias(name="test-topic")
    mapping = client.indices.get_mapping(index="test-topic")
    (index,) = mapping.body
    assert mapping[index]["mappings"]["_meta"]["mapping_version"] == (
        es_index.MAPPING_VERSION
    )


# Rebuild --------------------------------------------------------------------------


def test_rebuild_never_leaves_a_moment_without_results(
    es_backend, osmem_clone, monkeypatch
):
    """A reader searching all through a rebuild always gets every document."""
    count = 60
    originals = [document(pk, f"Drought report {pk}") for pk in range(1, count + 1)]
    es_backend.index(originals)
    monkeypatch.setattr(es_backend_module, "BULK_SIZE", 7)  # many small batches
    reader = make_client(osmem_clone.url, compat_headers=False)
    searcher = ElasticsearchBackend(reader, prefix=es_backend.prefix)
    totals, errors, done = [], [], threading.Event()

    def search_in_a_loop():
        while not done.is_set():
            try:
                results = searcher.search(words("drought"), visibilities=MEMBER)
                totals.append(results.total)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

    def slowly(documents):
        for doc in documents:
            time.sleep(0.002)
            yield doc

    thread = threading.Thread(target=search_in_a_loop)
    thread.start()
    try:
        time.sleep(0.05)
        renamed = [document(pk, f"Drought review {pk}") for pk in range(1, count + 1)]
        assert es_backend.rebuild(slowly(renamed)) == count
        time.sleep(0.05)
    finally:
        done.set()
        thread.join()
        reader.close()

    assert not errors
    assert len(totals) > 10, "the reader should have searched during the rebuild"
    assert set(totals) == {count}
    after = es_backend.search(words("review"), visibilities=MEMBER, per_page=100)
    assert after.total == count


def test_rebuild_drops_the_old_indexes_and_reports_progress(es_backend):
    es_backend.index([document(1, "Old"), document(2, "Gone")])
    old = es_backend.live_indexes()["topic"]
    seen = []

    es_backend.rebuild([document(1, "Old, renewed")], progress=seen.append)

    assert seen == [1]
    assert not es_backend.client.indices.exists(index=old)
    assert es_backend.indexed_keys("topic").keys() == {1}


def test_a_failed_rebuild_keeps_the_old_index_and_leaves_nothing_behind(es_backend):
    es_backend.index([document(1, "Drought kept")])
    before = es_backend.live_indexes()

    def broken():
        yield document(2, "Drought half-done")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        es_backend.rebuild(broken())

    assert es_backend.live_indexes() == before
    results = es_backend.search(words("drought"), visibilities=MEMBER)
    assert [hit.pk for hit in results.hits] == [1]
    everything = es_backend.client.indices.get_alias(index="test-*")
    assert sorted(everything) == sorted(n for ns in before.values() for n in ns)


def test_rebuild_takes_over_an_index_named_like_the_alias(es_backend):
    """A stray write without require_alias creates an index named like the alias."""
    es_backend.client.index(index="test-topic", id="9", document={"title": "stray"})
    es_backend.rebuild([document(1, "Drought")])
    assert es_backend.client.indices.exists_alias(name="test-topic")
    assert es_backend.indexed_keys("topic").keys() == {1}


def test_a_first_write_during_the_first_rebuild_is_not_left_behind(es_backend):
    """On a fresh cluster, a write while the rebuild loads creates an index of
    its own; the swap takes the alias off it, so the alias has one index again.
    """

    def stream():
        yield document(1, "Drought")
        es_backend.index([document(2, "Written meanwhile")])
        yield document(3, "Drought again")

    es_backend.rebuild(stream())
    assert all(len(names) == 1 for names in es_backend.live_indexes().values())
    assert es_backend.indexed_keys("topic").keys() == {1, 3}
    es_backend.index([document(2, "Written again by the drift repair")])
    assert es_backend.indexed_keys("topic").keys() == {1, 2, 3}


# Writes and keys ------------------------------------------------------------------


def test_indexed_keys_are_the_primary_keys_with_their_update_times(es_backend):
    updated = NOW - datetime.timedelta(hours=1)
    es_backend.index(
        [document(1, "A", updated_at=updated), document(2, "B", kind="post")]
    )
    assert es_backend.indexed_keys("topic") == {1: updated}
    assert es_backend.indexed_keys("post") == {2: None}
    assert es_backend.indexed_keys("news") == {}


def test_deleting_missing_documents_is_fine(es_backend):
    es_backend.delete("news", [1, 2])  # no index yet
    es_backend.index([document(1, "A")])
    es_backend.delete("topic", [1, 404])
    assert es_backend.indexed_keys("topic") == {}


# Results --------------------------------------------------------------------------


def test_snippets_are_escaped_html_with_marks(es_backend):
    es_backend.index(
        [document(1, "Safety", "Use <script>alert(1)</script> & strong passwords.")]
    )
    (hit,) = es_backend.search(words("passwords"), visibilities=MEMBER).hits
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "&amp;" in hit.snippet
    assert "<mark>passwords</mark>" in hit.snippet


def test_a_cross_script_match_is_marked_in_the_snippet(es_backend):
    """Latin typed, Cyrillic stored: the server cannot highlight the key field."""
    es_backend.index(
        [document(1, "Ақпарат", "Мемлекеттік ақпарат желіде.", language="kk")]
    )
    (hit,) = es_backend.search(words("memlekettik"), visibilities=MEMBER).hits
    assert "<mark>Мемлекеттік</mark>" in hit.snippet


def test_did_you_mean_never_offers_a_members_only_word_to_a_visitor(es_backend):
    es_backend.index(
        [document(1, "Internal drill", "Confidential notes.", visibility="members")]
    )
    visitor = es_backend.search(words("confidentail"), visibilities=VISITOR)
    member = es_backend.search(words("confidentail"), visibilities=MEMBER)
    assert (visitor.total, visitor.suggestion) == (0, None)
    assert (member.total, member.suggestion) == (0, "confidential")


def test_pages_beyond_the_result_window_are_empty(es_backend):
    es_backend.index([document(1, "Drought")])
    results = es_backend.search(words("drought"), visibilities=MEMBER, page=2000)
    assert (results.total, results.hits) == (1, [])


def test_searching_before_any_index_exists_finds_nothing(es_backend):
    results = es_backend.search(words("drought"), visibilities=MEMBER)
    assert (results.total, results.hits, results.facets) == (0, [], {})
    assert es_backend.suggest_titles("dro", visibilities=MEMBER) == []


def test_in_title_with_only_untitled_kinds_searches_no_index(es_backend):
    es_backend.index([document(1, "Drought", kind="post")])
    results = es_backend.search(
        words("drought", in_title=True, types=["post"]), visibilities=MEMBER
    )
    assert results.total == 0


def test_the_kazakh_analyzer_is_search_language_kk_stem(es_backend):
    """The `.kk` filter chain stems as kk_stem does (checked with _analyze:
    osmem ignores pattern_replace when indexing, Elasticsearch does not).
    """
    es_backend.index([document(1, "Жаңалықтар", language="kk")])
    sample = (
        "жаңалықтар министрлігінің әкімдіктерге кітабы Астана "
        "қазақстандағы жастарымызға мектептерде"
    )
    analysed = es_backend.client.indices.analyze(
        index="test-topic", field="body.kk", text=sample
    )
    assert [t["token"] for t in analysed["tokens"]] == [
        kk_stem(word) for word in sample.split()
    ]


# Outages and headers --------------------------------------------------------------


@pytest.fixture
def nowhere() -> str:
    """The URL of a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_an_unreachable_server_raises_search_unavailable(nowhere):
    backend = ElasticsearchBackend(
        make_client(nowhere, compat_headers=False, timeout=1), prefix="test"
    )
    assert backend.ping() is False
    calls = [
        lambda: backend.search(words("drought"), visibilities=MEMBER),
        lambda: backend.suggest_titles("dro", visibilities=MEMBER),
        lambda: backend.index([document(1, "A")]),
        lambda: backend.delete("topic", [1]),
        lambda: backend.indexed_keys("topic"),
        lambda: backend.rebuild([document(1, "A")]),
        backend.health,
    ]
    for call in calls:
        with pytest.raises(SearchUnavailable):
            call()


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_a_busy_or_failing_cluster_raises_search_unavailable(status):
    meta = ApiResponseMeta(
        status=status,
        http_version="1.1",
        headers=HttpHeaders(),
        duration=0.0,
        node=NodeConfig("http", "localhost", 9200),
    )
    with pytest.raises(SearchUnavailable), unavailable_on_outage():
        raise ApiError("busy", meta=meta, body={})


def test_a_bad_request_is_not_an_outage():
    meta = ApiResponseMeta(
        status=400,
        http_version="1.1",
        headers=HttpHeaders(),
        duration=0.0,
        node=NodeConfig("http", "localhost", 9200),
    )
    with pytest.raises(ApiError), unavailable_on_outage():
        raise ApiError("bad", meta=meta, body={})


def test_production_keeps_the_clients_compatibility_headers(settings):
    from config.settings import base

    settings.ELASTICSEARCH_URL = "http://elasticsearch:9200"
    # base.py's value, which production does not override.
    settings.ELASTICSEARCH_COMPAT_HEADERS = base.ELASTICSEARCH_COMPAT_HEADERS
    backend = ElasticsearchBackend.from_settings()
    node = backend.client.transport.node_pool.get()
    assert type(node) is not PlainJsonNode


def test_tests_talk_plain_json_to_osmem(es_backend):
    node = es_backend.client.transport.node_pool.get()
    assert type(node) is PlainJsonNode
    es_backend.index([document(1, "Drought")])
    assert es_backend.search(words("drought"), visibilities=MEMBER).total == 1


def test_the_default_client_gets_406_from_osmem(osmem_clone):
    """Why the tests need PlainJsonNode; a 406 is a misconfiguration, not an
    outage, so it is not turned into SearchUnavailable.
    """
    backend = ElasticsearchBackend(make_client(osmem_clone.url), prefix="test")
    with pytest.raises(ApiError) as refused:
        backend.search(words("drought"), visibilities=MEMBER)
    assert refused.value.status_code == 406


def test_headers_cannot_undo_the_compatibility_media_type(osmem_clone):
    """The client rewrites application/json into the versioned type after
    `headers=`, so only the node can send plain JSON.
    """
    client = Elasticsearch(
        osmem_clone.url,
        headers={"accept": "application/json", "content-type": "application/json"},
    )
    try:
        with pytest.raises(ApiError) as refused:
            client.search(index="x", query={"match_all": {}})
        assert refused.value.status_code == 406
    finally:
        client.close()
