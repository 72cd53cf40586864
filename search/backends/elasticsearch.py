"""The Elasticsearch backend: production's search, Elasticsearch 9.

Every kind of content has its own index behind the alias `{prefix}-{kind}`
(search/es_index.py); a search asks the aliases of the kinds it wants. Writes
go through the aliases with `require_alias`, so a write can never auto-create
an index without our mapping. A rebuild fills fresh versioned indexes and
swaps every alias in one `_aliases` call, so readers see the old documents
until the new ones are all there.

A ParsedQuery becomes one bool query: every free word must match in some
field, in any of its forms (as written, Russian, English or Kazakh stem, or the
cross-script key); phrases must match as phrases; excluded words must not
match; everything else is a filter, and the reader's visibilities always are.
These are the rules the database backend follows too, so that both pass one
behavioural suite.

The tests run against osmem-server, not Elasticsearch: this module uses only
what both accept (docs/search.md lists the differences). Any failure to reach
the server is raised as SearchUnavailable, so the view can fall back to the
database and the indexing tasks can retry.
"""

import dataclasses
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, time
from html import escape
from time import monotonic

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, Urllib3HttpNode
from elasticsearch import ApiError, BadRequestError, Elasticsearch, helpers
from elasticsearch.dsl import Q, Search

from search.es_index import (
    DOCUMENTS,
    MAPPING_VERSION,
    alias_name,
    fingerprint,
    index_body,
    key_text,
    versioned_name,
)
from search.language import script_key
from search.query import ParsedQuery

from .base import (
    FORUM_KINDS,
    GROUP_SIZE,
    KIND_BOOST,
    KINDS,
    LANGUAGE_BOOST,
    TITLED,
    Facet,
    Hit,
    SearchBackend,
    SearchDocument,
    SearchResults,
    SearchUnavailable,
    fold,
)

logger = logging.getLogger(__name__)

WORD = re.compile(r"\w+", re.UNICODE)
BULK_SIZE = 500
MAX_RESULT_WINDOW = 10_000  # Elasticsearch's index.max_result_window default
# Kinds with titles of their own: typing suggests them, in:title searches them.
# Posts and comments carry the title of what they belong to.
SNIPPET_FRAGMENT = 160
SNIPPET_WORDS = 32
EXCERPT_SCAN_CHARS = 20_000  # how far a snippet looks for a word ES did not mark
# Highlight markers from Unicode's private use area: they survive both engines
# unchanged (osmem drops control characters), and the snippet is escaped
# before they become <mark>, so no HTML from the server is ever trusted.
PRE, POST = "\ue000", "\ue001"
# Statuses after which a retry may succeed: the cluster is there but busy or down.
UNAVAILABLE_STATUSES = {429, 502, 503, 504}

TITLE_FIELDS = ["title^3", "title.ru^3", "title.en^3", "title.kk^3"]
TOPIC_FIELDS = ["topic_title", "topic_title.ru", "topic_title.en", "topic_title.kk"]
BODY_FIELDS = ["body", "body.ru", "body.en", "body.kk"]
HIGHLIGHTED = ["body", "body.ru", "body.en", "body.kk"]
HIGHLIGHT = {
    "pre_tags": [PRE],
    "post_tags": [POST],
    "fragment_size": SNIPPET_FRAGMENT,
    "number_of_fragments": 2,
}


class IndexingError(RuntimeError):
    """Elasticsearch refused documents (a mapping error, not an outage)."""


class IndexGone(IndexingError):
    """A write found no index behind an alias this process had seen: the
    cluster lost it (a restart that kept nothing, an operator's delete)."""


# The client ---------------------------------------------------------------------


_VENDOR_MIMETYPE = re.compile(
    r"application/vnd\.elasticsearch\+([\w-]+);\s*compatible-with=\d+"
)


class PlainJsonNode(Urllib3HttpNode):
    """Sends application/json instead of the 9.x client's versioned media type.

    For servers that speak the API but not Elasticsearch's compatibility media
    types: osmem-server answers 406 to `application/vnd.elasticsearch+json;
    compatible-with=9` on any request with a body. The client rewrites
    `headers=` into that media type on every request, so the node, the last
    step before the wire, is where this can be undone. Production never uses it.
    """

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if name in headers:
                    headers[name] = _VENDOR_MIMETYPE.sub(
                        r"application/\1", headers[name]
                    )
        return super().perform_request(
            method, target, body=body, headers=headers, **kwargs
        )


def make_client(
    url: str, *, compat_headers: bool = True, timeout: float = 10.0
) -> Elasticsearch:
    """A client for `url`; compat_headers=False only for osmem-server (tests)."""
    options = {} if compat_headers else {"node_class": PlainJsonNode}
    return Elasticsearch(
        url,
        request_timeout=timeout,
        # Fail over fast: a reader waits on this, the database can answer,
        # and the outbox retries writes.
        max_retries=0,
        retry_on_timeout=False,
        **options,
    )


class Breaker:
    """Closed, calls go through. A failure opens it: for `cooldown` seconds
    calls are refused at once (SearchUnavailable), then a single call is let
    through as a probe, whose success closes it again and whose failure keeps
    it open for another cooldown."""

    def __init__(self, cooldown: float):
        self.cooldown = cooldown
        self._lock = threading.Lock()
        self._opened_at: float | None = None
        self._probing_since: float | None = None

    def allow(self) -> bool:
        if self._opened_at is None:
            return True
        with self._lock:
            now = monotonic()
            if self._opened_at is None:
                return True
            if now - self._opened_at < self.cooldown:
                return False
            if self._probing_since and now - self._probing_since < self.cooldown:
                return False  # another caller is probing
            self._probing_since = now
            return True

    def succeeded(self) -> None:
        if self._opened_at is None:
            return
        with self._lock:
            if self._opened_at is not None:
                logger.info("Elasticsearch answers again")
            self._opened_at = self._probing_since = None

    def failed(self, error: Exception) -> None:
        with self._lock:
            if self._opened_at is None:
                logger.warning(
                    "Elasticsearch failed, searching the database for %ss: %s",
                    self.cooldown,
                    error,
                )
            self._opened_at = monotonic()
            self._probing_since = None


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(url: str) -> Breaker:
    """The process's breaker for the server at `url`."""
    with _breakers_lock:
        if url not in _breakers:
            cooldown = settings.ELASTICSEARCH_COOLDOWN
            _breakers[url] = Breaker(cooldown)
        return _breakers[url]


def reset_breakers() -> None:
    """Forget every failure (tests)."""
    with _breakers_lock:
        _breakers.clear()


@contextmanager
def unavailable_on_outage(breaker: Breaker | None = None):
    """Raise SearchUnavailable for anything that means "the server is not
    there", and for calls the open `breaker` refuses."""
    if breaker is not None and not breaker.allow():
        raise SearchUnavailable("Elasticsearch failed a moment ago")
    try:
        yield
    except (TransportConnectionError, ConnectionTimeout) as error:
        if breaker is not None:
            breaker.failed(error)
        raise SearchUnavailable(f"Elasticsearch unreachable: {error}") from error
    except ApiError as error:
        if error.status_code in UNAVAILABLE_STATUSES:
            if breaker is not None:
                breaker.failed(error)
            raise SearchUnavailable(
                f"Elasticsearch answered {error.status_code}: {error}"
            ) from error
        if breaker is not None:
            breaker.succeeded()  # it answered
        raise
    if breaker is not None:
        breaker.succeeded()


def _error_type(failure: dict) -> str:
    error = failure.get("error")
    return error.get("type", "") if isinstance(error, dict) else ""


def _parse_datetime(value) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# The backend ----------------------------------------------------------------------


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(
        self,
        client: Elasticsearch,
        *,
        prefix: str,
        refresh: bool = False,
        search_timeout: float | None = None,
    ):
        """`refresh` makes every write visible before it returns (tests only).

        Elasticsearch shows writes to searches within a second by itself; the
        behavioural suite searches right after writing. Searches (and health
        checks) give up after `search_timeout` seconds; writes take the
        client's own timeout.
        """
        self.client = client
        self.reader = (
            client.options(request_timeout=search_timeout) if search_timeout else client
        )
        self.prefix = prefix
        self.refresh = refresh
        [node] = client.transport.node_pool.all()
        self.breaker = breaker_for(node.base_url)
        # Aliases seen to exist, to spare a request per write. Forgotten when
        # a write finds an index gone (a cluster restarted empty).
        self._aliases_known: set[str] = set()

    @classmethod
    def from_settings(cls) -> "ElasticsearchBackend":
        url = settings.ELASTICSEARCH_URL
        if not url:
            raise ImproperlyConfigured(
                "SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL."
            )
        client = make_client(
            url,
            compat_headers=settings.ELASTICSEARCH_COMPAT_HEADERS,
            timeout=settings.ELASTICSEARCH_TIMEOUT,
        )
        return cls(
            client,
            prefix=settings.ELASTICSEARCH_INDEX_PREFIX,
            refresh=settings.ELASTICSEARCH_REFRESH,
            search_timeout=settings.ELASTICSEARCH_SEARCH_TIMEOUT,
        )

    def _guard(self):
        return unavailable_on_outage(self.breaker)

    def alias(self, kind: str) -> str:
        return alias_name(self.prefix, kind)

    # Health -------------------------------------------------------------------------

    def ping(self) -> bool:
        """Whether the server answers at all; never raises."""
        try:
            return bool(self.reader.ping())
        except Exception:  # noqa: BLE001 - any failure means "no"
            return False

    def health(self) -> dict:
        """Cluster status and the index behind each alias; raises SearchUnavailable.

        `stale` lists the kinds whose live index was built by another mapping
        version or analysis (es_index.fingerprint), `missing` those with none:
        `manage.py search_index --rebuild` puts both right.
        """
        with self._guard():
            cluster = self.reader.cluster.health()
        live = self.live_indexes()
        names = [name for names in live.values() for name in names]
        mappings = {}
        if names:
            with self._guard():
                mappings = self.reader.indices.get_mapping(index=names)
        current = {"mapping_version": MAPPING_VERSION, "fingerprint": fingerprint()}

        def up_to_date(name: str) -> bool:
            meta = mappings[name]["mappings"].get("_meta", {})
            return all(meta.get(key) == value for key, value in current.items())

        return {
            "status": cluster["status"],
            **current,
            "indexes": live,
            "stale": [
                kind
                for kind, names in live.items()
                if names and not all(up_to_date(name) for name in names)
            ],
            "missing": [kind for kind, names in live.items() if not names],
        }

    def counts(self) -> dict[str, int]:
        """Documents per kind in the live indexes, in one request; a kind
        without an index counts 0."""
        with self._guard():
            response = self.reader.search(
                index=[self.alias(kind) for kind in KINDS],
                size=0,
                aggregations={"kind": {"terms": {"field": "kind", "size": len(KINDS)}}},
                ignore_unavailable=True,
                allow_no_indices=True,
            )
        buckets = response.body.get("aggregations", {}).get("kind", {}).get("buckets")
        found = {bucket["key"]: bucket["doc_count"] for bucket in buckets or []}
        return {kind: found.get(kind, 0) for kind in KINDS}

    def live_indexes(self) -> dict[str, list[str]]:
        """{kind: [concrete indexes the alias points at]} (normally one each)."""
        wanted = {self.alias(kind): kind for kind in KINDS}
        with self._guard():
            found = self.reader.options(ignore_status=404).indices.get_alias(
                index=f"{self.prefix}-*"
            )
        live: dict[str, list[str]] = {kind: [] for kind in KINDS}
        for index, info in found.body.items():
            if not isinstance(info, dict):
                continue  # a 404 body: {"error": ..., "status": 404}
            for alias in info.get("aliases", {}):
                if alias in wanted:
                    live[wanted[alias]].append(index)
        return live

    # Writing ------------------------------------------------------------------------

    def index(self, documents: list[SearchDocument]) -> None:
        if not documents:
            return
        kinds = {document.kind for document in documents}
        self._ensure_aliases(kinds)
        for start in range(0, len(documents), BULK_SIZE):
            operations = self._index_operations(
                documents[start : start + BULK_SIZE], self.alias
            )
            refresh = "wait_for" if self.refresh else False
            try:
                self._bulk(operations, require_alias=True, refresh=refresh)
            except IndexGone:
                # Make the index again and write once more; the index is now
                # short of documents, which search health reports and
                # search.tasks.heal_index rebuilds.
                self._aliases_known.clear()
                self._ensure_aliases(kinds)
                self._bulk(operations, require_alias=True, refresh=refresh)

    def delete(self, kind: str, pks: list[int]) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown search kind {kind!r}")
        for start in range(0, len(pks), BULK_SIZE):
            operations = [
                {"delete": {"_index": self.alias(kind), "_id": str(pk)}}
                for pk in pks[start : start + BULK_SIZE]
            ]
            self._bulk(operations, refresh="wait_for" if self.refresh else False)

    def rebuild(self, documents: Iterable[SearchDocument], *, progress=None) -> int:
        """Fill fresh indexes, then swap every alias at once and drop the old ones.

        Until the swap, searches and writes go to the old indexes; a write that
        lands there during the rebuild is lost with them if the stream had read
        the row before the change. The periodic drift repair
        (search.tasks.repair_index) puts it right.
        """
        stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
        new = {kind: versioned_name(self.prefix, kind, stamp) for kind in KINDS}
        count = 0
        try:
            for kind, name in new.items():
                body = index_body(kind)
                # No refreshes while loading; one at the end.
                body["settings"]["refresh_interval"] = "-1"
                with self._guard():
                    self.client.indices.create(index=name, **body)
            for batch in _batches(documents, BULK_SIZE):
                self._bulk(
                    self._index_operations(batch, new.__getitem__),
                    request_timeout=120,
                )
                count += len(batch)
                if progress:
                    progress(count)
            names = list(new.values())
            with self._guard():
                self.client.indices.put_settings(
                    index=names, settings={"index": {"refresh_interval": None}}
                )
                self.client.indices.refresh(index=names)
            # Read just before the swap: a first write during the rebuild may
            # have created an index since.
            old = self.live_indexes()
            with self._guard():
                self.client.indices.update_aliases(actions=self._swap(old, new))
        except BaseException:
            self._drop(list(new.values()))
            raise
        self._aliases_known.update(self.alias(kind) for kind in KINDS)
        self._drop([name for names in old.values() for name in names])
        return count

    def indexed_keys(self, kind: str) -> dict[int, datetime | None]:
        with self._guard():
            if not self.client.indices.exists_alias(name=self.alias(kind)):
                return {}
            return {
                int(hit["_id"]): _parse_datetime(hit["_source"].get("updated_at"))
                for hit in helpers.scan(
                    self.client,
                    index=self.alias(kind),
                    query={"query": {"match_all": {}}},
                    _source=["updated_at"],
                    size=1000,
                )
            }

    def _index_operations(self, documents, target) -> list[dict]:
        operations: list[dict] = []
        for document in documents:
            doc = DOCUMENTS[document.kind].from_search_document(document)
            operations.append(
                {"index": {"_index": target(document.kind), "_id": str(document.pk)}}
            )
            operations.append(doc.to_dict(skip_empty=False))
        return operations

    def _bulk(self, operations: list[dict], request_timeout=None, **params) -> None:
        if not operations:
            return
        client = self.client
        if request_timeout:
            client = client.options(request_timeout=request_timeout)
        with self._guard():
            response = client.bulk(operations=operations, **params)
        if not response["errors"]:
            return
        failures = []
        for item in response["items"]:
            action, result = next(iter(item.items()))
            status = result.get("status", 200)
            if status < 300 or (action == "delete" and status == 404):
                continue  # deleting what is not there is fine
            failures.append(result)
        if any(failure["status"] in UNAVAILABLE_STATUSES for failure in failures):
            raise SearchUnavailable(f"Elasticsearch refused writes: {failures[:3]}")
        if any(
            _error_type(failure) == "index_not_found_exception" for failure in failures
        ):
            raise IndexGone(f"{len(failures)} documents had no index: {failures[:1]}")
        if failures:
            raise IndexingError(f"{len(failures)} documents refused: {failures[:3]}")

    def _ensure_aliases(self, kinds: set[str]) -> None:
        """Create the first index of a kind that has none yet (a fresh cluster).

        Its name is fixed, so two workers racing here create it only once.
        """
        for kind in sorted(kinds):
            alias = self.alias(kind)
            if alias in self._aliases_known:
                continue
            with self._guard():
                if not self.client.indices.exists_alias(name=alias):
                    body = index_body(kind)
                    body["aliases"] = {alias: {}}
                    try:
                        self.client.indices.create(
                            index=versioned_name(self.prefix, kind, "initial"), **body
                        )
                    except BadRequestError as error:
                        if error.error != "resource_already_exists_exception":
                            raise
            self._aliases_known.add(alias)

    def _swap(self, old: dict[str, list[str]], new: dict[str, str]) -> list[dict]:
        actions: list[dict] = []
        with self._guard():
            # An index named like the alias (auto-created by a stray write) would
            # block the alias; it goes in the same atomic step.
            for kind in KINDS:
                alias = self.alias(kind)
                if self.client.indices.exists(index=alias) and not old[kind]:
                    actions.append({"remove_index": {"index": alias}})
        for kind, name in new.items():
            alias = self.alias(kind)
            actions += [{"remove": {"index": i, "alias": alias}} for i in old[kind]]
            actions.append({"add": {"index": name, "alias": alias}})
        return actions

    def _drop(self, names: list[str]) -> None:
        """Delete indexes by name (never by pattern); failures are only logged."""
        if not names:
            return
        try:
            self.client.options(ignore_status=404).indices.delete(index=names)
        except Exception as error:  # noqa: BLE001 - leftovers are harmless
            logger.warning("could not delete search indexes %s: %s", names, error)

    # Reading ------------------------------------------------------------------------

    def search(
        self,
        query: ParsedQuery,
        *,
        visibilities: tuple[str, ...],
        readable_categories: tuple[str, ...] | None = None,
        page: int = 1,
        per_page: int = 10,
        language: str | None = None,
    ) -> SearchResults:
        words = _words(query.terms)
        readable = (visibilities, readable_categories)
        search = self._query(query, readable, words)
        start = (max(page, 1) - 1) * per_page
        size = per_page if start + per_page <= MAX_RESULT_WINDOW else 0
        search = search.extra(from_=min(start, MAX_RESULT_WINDOW), size=size)
        search = search.extra(track_total_hits=True).sort(*_sort(query.order))
        search = search.highlight_options(**HIGHLIGHT).highlight(*HIGHLIGHTED)
        if query.order == "relevance":
            search.query = Q(
                "function_score",
                query=search.query._proxied,
                functions=_priors(language),
                score_mode="multiply",
                boost_mode="multiply",
            )
        if query.grouped:
            # A group's best match places it; its others come as inner hits.
            search = search.extra(
                collapse={
                    "field": "group",
                    "inner_hits": {
                        "name": "group",
                        "size": GROUP_SIZE,
                        "sort": _sort(query.order),
                        "highlight": {
                            **HIGHLIGHT,
                            "fields": {field: {} for field in HIGHLIGHTED},
                        },
                    },
                }
            )
            search.aggs.metric(
                "groups", "cardinality", field="group", precision_threshold=10_000
            )
        search.aggs.bucket("type", "terms", field="kind", size=len(KINDS))
        search.aggs.bucket("category", "terms", field="category", size=100)
        search.aggs.bucket("language", "terms", field="language", size=10)
        search.aggs.bucket(
            "year",
            "date_histogram",
            field="created_at",
            calendar_interval="year",
            format="yyyy",
            time_zone=timezone.get_current_timezone_name(),
            min_doc_count=1,
        )
        response = self._execute(search)
        matches = response["hits"]["total"]["value"]
        aggregations = response.get("aggregations", {})
        keys = {key for word in words for key in key_text(word).split()}
        if query.grouped:
            total = aggregations.get("groups", {}).get("value", 0) if matches else 0
            hits = [_folded(raw, keys, language) for raw in response["hits"]["hits"]]
        else:
            total = matches
            hits = [_hit(raw, keys) for raw in response["hits"]["hits"]]
        return SearchResults(
            hits=hits,
            total=total,
            matches=matches,
            facets=_facets(aggregations) if total else {},
            suggestion=None
            if total or not words
            else self._suggestion(query, readable, words),
            backend=self.name,
        )

    def suggest_titles(
        self,
        prefix: str,
        *,
        visibilities: tuple[str, ...],
        readable_categories: tuple[str, ...] | None = None,
        limit: int = 8,
    ) -> list[Hit]:
        prefix = prefix.strip()
        if len(prefix) < 2 or not WORD.search(prefix):
            return []
        typed = " ".join(WORD.findall(prefix))
        matches = [
            Q("match_bool_prefix", title={"query": typed, "operator": "and"}),
            Q(
                "match_bool_prefix",
                title_key={"query": script_key(typed.lower()), "operator": "and"},
            ),
        ]
        if stemmed := key_text(typed):
            matches.append(Q("match", title_key={"query": stemmed, "operator": "and"}))
        search = (
            self._readable(TITLED, (visibilities, readable_categories))
            .query("bool", should=matches, minimum_should_match=1)
            .sort({"likes": "desc"}, {"created_at": "desc"}, {"pk": "desc"})
            .extra(size=limit, track_total_hits=False)
        )
        response = self._execute(search)
        return [
            _hit(raw, set(), with_snippet=False) for raw in response["hits"]["hits"]
        ]

    def _search(self, kinds) -> Search:
        return Search(
            using=self.reader, index=[self.alias(kind) for kind in kinds]
        ).params(ignore_unavailable=True, allow_no_indices=True)

    def _execute(self, search: Search) -> dict:
        with self._guard():
            return search.execute().to_dict()

    def _readable(self, kinds, readable) -> Search:
        """The kinds' indexes, filtered to what the reader may read."""
        visibilities, categories = readable
        search = self._search(kinds).filter("terms", visibility=list(visibilities))
        if categories is not None:
            search = search.filter(
                "bool",
                should=[
                    Q("terms", category=list(categories)),
                    Q("bool", must_not=[Q("terms", kind=list(FORUM_KINDS))]),
                ],
                minimum_should_match=1,
            )
        return search

    def _query(self, query: ParsedQuery, readable, words: list[str]) -> Search:
        kinds = [kind for kind in KINDS if not query.types or kind in query.types]
        if query.in_title:
            # Replies carry their topic's title; in:title means the topic itself.
            kinds = [kind for kind in kinds if kind in TITLED]
        search = self._readable(kinds, readable)
        if len(kinds) < len(KINDS):
            # Also the guard when no kind is left: no aliases means every index.
            search = search.filter("terms", kind=kinds)
        for field, value in (
            ("language", query.language),
            ("author", query.username),
            ("category", query.category),
            ("status", query.status),
        ):
            if value:
                search = search.filter("term", **{field: value})
        for tag in query.tags:
            search = search.filter("term", tags=tag)
        dates = {}
        if query.after:
            dates["gte"] = _midnight(query.after)
        if query.before:
            dates["lt"] = _midnight(query.before)
        if dates:
            search = search.filter("range", created_at=dates)
        must = [_word_query(word, in_title=query.in_title) for word in words]
        must += [_phrase_query(p, in_title=query.in_title) for p in query.phrases]
        must_not = [_excluded_query(e) for e in query.excluded if WORD.search(e)]
        if must or must_not:
            search = search.query("bool", must=must, must_not=must_not)
        return search

    def _suggestion(self, query, readable, words) -> str | None:
        """Each misspelt word replaced by the best term suggestion, if that finds
        something this reader may see. Only asked when nothing was found.

        The suggesters read every document's terms, members-only ones too, and
        osmem ignores a phrase suggester's `collate`; the check is a plain
        search, so it keeps members' words out of a visitor's "did you mean"
        on both.
        """
        text = " ".join(words)
        search = self._search(KINDS).extra(size=0)
        for field in ("title", "body"):
            search = search.suggest(field, text, term={"field": field})
        response = self._execute(search)
        best: dict[str, tuple[float, int, str]] = {}
        for entries in response.get("suggest", {}).values():
            for entry in entries:
                for option in entry["options"]:
                    candidate = (option["score"], option["freq"], option["text"])
                    word = entry["text"]
                    if word not in best or candidate > best[word]:
                        best[word] = candidate
        if not best:
            return None
        suggested = [best[w.lower()][2] if w.lower() in best else w for w in words]
        if [w.lower() for w in suggested] == [w.lower() for w in words]:
            return None
        check = self._query(
            dataclasses.replace(query, terms=suggested), readable, suggested
        ).extra(size=0, track_total_hits=1)
        found = self._execute(check)["hits"]["total"]["value"]
        return " ".join(suggested) if found else None


# Query pieces ---------------------------------------------------------------------


def _words(terms: list[str]) -> list[str]:
    return [word for term in terms for word in WORD.findall(term)]


def _midnight(day) -> str:
    return datetime.combine(
        day, time.min, tzinfo=timezone.get_current_timezone()
    ).isoformat()


def _word_query(word: str, *, in_title: bool) -> Q:
    """One word, in any field and any of its forms."""
    fields = TITLE_FIELDS + TOPIC_FIELDS + ([] if in_title else BODY_FIELDS)
    forms = [Q("multi_match", query=word, fields=fields, type="best_fields")]
    if key := key_text(word):
        key_fields = ["title_key^3"] + ([] if in_title else ["body_key"])
        forms.append(Q("multi_match", query=key, fields=key_fields, operator="and"))
    return Q("bool", should=forms, minimum_should_match=1)


def _phrase_query(phrase: str, *, in_title: bool) -> Q:
    """The words in this order: as written, or as key stems in the key fields,
    which finds the phrase in any inflection and either script."""
    fields = {"title": 3.0, "topic_title": 1.0}
    if not in_title:
        fields["body"] = 1.0
    should = [
        Q("match_phrase", **{field: {"query": phrase, "boost": boost}})
        for field, boost in fields.items()
    ]
    if keys := key_text(phrase):
        key_fields = {"title_key": 3.0} | ({} if in_title else {"body_key": 1.0})
        should += [
            Q("match_phrase", **{field: {"query": keys, "boost": boost}})
            for field, boost in key_fields.items()
        ]
    return Q("bool", should=should, minimum_should_match=1)


def _excluded_query(excluded: str) -> Q:
    """-word: any form of it anywhere; -"a phrase": that phrase anywhere."""
    if len(WORD.findall(excluded)) > 1:
        return Q(
            "bool",
            should=[
                Q("match_phrase", **{field: excluded})
                for field in ("title", "topic_title", "body")
            ],
        )
    return _word_query(excluded, in_title=False)


def _priors(language: str | None) -> list[dict]:
    """KIND_BOOST and LANGUAGE_BOOST as function_score weights."""
    functions = [
        {"filter": {"term": {"kind": kind}}, "weight": boost}
        for kind, boost in KIND_BOOST.items()
        if boost != 1.0
    ]
    if language:
        functions.append(
            {"filter": {"term": {"language": language}}, "weight": LANGUAGE_BOOST}
        )
    return functions


def _sort(order: str) -> list:
    if order == "latest":
        return [{"created_at": "desc"}, {"pk": "desc"}]
    if order == "likes":
        return [{"likes": "desc"}, {"created_at": "desc"}, {"pk": "desc"}]
    return ["_score", {"is_answer": "desc"}, {"created_at": "desc"}, {"pk": "desc"}]


# Results --------------------------------------------------------------------------


def _folded(raw: dict, keys: set[str], language: str | None) -> Hit:
    """A collapsed hit: its group's best matches folded into one Hit."""
    inner = raw.get("inner_hits", {}).get("group", {}).get("hits", {})
    group = [_hit(member, keys) for member in inner.get("hits", [])]
    if not group:
        return _hit(raw, keys)
    return fold(group, inner.get("total", {}).get("value", len(group)), language)


def _hit(raw: dict, keys: set[str], *, with_snippet: bool = True) -> Hit:
    source = raw["_source"]
    return Hit(
        kind=source["kind"],
        pk=int(raw["_id"]),
        title=source["title"],
        url=source["url"],
        language=source["language"],
        created_at=_parse_datetime(source["created_at"]),
        snippet=_snippet(raw, keys) if with_snippet else "",
        author=source.get("author") or "",
        category_name=source.get("category_name") or "",
        topic_title=source.get("topic_title") or "",
        likes=source.get("likes") or 0,
        is_answer=bool(source.get("is_answer")),
        score=float(raw.get("_score") or 0.0),
        group=source.get("group") or "",
        titles=source.get("titles") or {},
    )


def _snippet(raw: dict, keys: set[str]) -> str:
    """Safe HTML: the best highlighted body fragments, or the opening words.

    Matches only the cross-script key found (Latin typed, Cyrillic stored) have
    no server highlight; those words are found again here.
    """
    highlights = raw.get("highlight", {})
    fragments = max(
        (highlights.get(field, []) for field in HIGHLIGHTED),
        key=lambda found: sum(fragment.count(PRE) for fragment in found),
    )
    if fragments:
        return " … ".join(_marked(fragment) for fragment in fragments)
    source = raw["_source"]
    return _excerpt(source.get("body") or source.get("title") or "", keys)


def _marked(fragment: str) -> str:
    return escape(fragment).replace(PRE, "<mark>").replace(POST, "</mark>")


def _excerpt(text: str, keys: set[str]) -> str:
    tokens = list(WORD.finditer(text[:EXCERPT_SCAN_CHARS]))
    if not tokens:
        return ""
    hits = [
        i
        for i, token in enumerate(tokens)
        if keys & set(key_text(token.group()).split())
    ]
    start = max(hits[0] - SNIPPET_WORDS // 3, 0) if hits else 0
    end = min(start + SNIPPET_WORDS, len(tokens))
    out, cursor = [], tokens[start].start()
    for i in range(start, end):
        token = tokens[i]
        out.append(escape(text[cursor : token.start()]))
        word = escape(token.group())
        out.append(f"<mark>{word}</mark>" if i in hits else word)
        cursor = token.end()
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(tokens) else ""
    return prefix + "".join(out) + suffix


def _facets(aggregations: dict) -> dict[str, list[Facet]]:
    facets = {}
    for name in ("type", "category", "language"):
        buckets = aggregations.get(name, {}).get("buckets", [])
        facets[name] = sorted(
            (Facet(str(b["key"]), b["doc_count"]) for b in buckets if b["key"]),
            key=lambda facet: (-facet.count, facet.value),
        )
    years = aggregations.get("year", {}).get("buckets", [])
    facets["year"] = sorted(
        (Facet(b["key_as_string"], b["doc_count"]) for b in years if b["doc_count"]),
        key=lambda facet: facet.value,
        reverse=True,
    )
    return facets


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
