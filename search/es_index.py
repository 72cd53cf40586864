"""The Elasticsearch indexes: analysis, mapping, and one Document per kind.

Each kind of content has its own index, reached through the alias
`{prefix}-{kind}`. The alias points at a versioned index
`{prefix}-{kind}-v{MAPPING_VERSION}-{timestamp}`, so a rebuild fills a fresh
index while readers keep the old one, then swaps the alias atomically
(search/backends/elasticsearch.py). Bump MAPPING_VERSION whenever anything in
this module changes what is stored or how it is analysed, then run
`manage.py search_index --rebuild` (docs/search.md, "Mapping version").

Everything here is understood by Elasticsearch 9 and by osmem-server, which the
tests run against; docs/search.md lists what differs between the two.

Every text is analysed three more ways, as `.ru` (built-in `russian`), `.en`
(built-in `english`) and `.kk`: Elasticsearch has no Kazakh analyzer, so `kk_light`
is a custom one with search.language's stop words and its light stemmer as a
chain of `pattern_replace` filters.

Kazakh written in Cyrillic and in Latin must find each other, which needs a
transliterating analyzer; neither osmem nor a stock Elasticsearch has one (no
ICU), and osmem ignores `pattern_replace` and `mapping` when it indexes. So the
cross-script key is computed in Python (`analyse_key`: transliterated, folded
to ASCII, stop words dropped, stemmed) into `title_key`/`body_key` when
indexing, and again for the query words; those fields only split on spaces.
The key fields are also what makes Kazakh inflections match under osmem.
"""

import hashlib
import json
from functools import cache

from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Long,
    MetaField,
    Text,
    analyzer,
    normalizer,
    token_filter,
)

from search.backends.base import KINDS, SearchDocument
from search.language import KAZAKH_STOP_WORDS, analyse_key, kk_stem_filters

MAPPING_VERSION = 4

# Analysis -------------------------------------------------------------------------


def _kk_stem_filters() -> list:
    """search.language's stemmer as pattern_replace steps, in its order.

    The patterns are RE2 as well as Java syntax (osmem is written in Go): no
    look-around, no back-references. A step that does not match leaves the
    token alone, so the chain equals kk_stem, which stops early.
    """
    filters, named = [], {}
    for pattern, replacement in kk_stem_filters():
        step = (pattern, replacement)
        if step not in named:
            named[step] = token_filter(
                f"kk_stem_{len(named)}",
                "pattern_replace",
                pattern=pattern,
                replacement=replacement,
            )
        filters.append(named[step])
    return filters


kazakh = analyzer(
    "kk_light",
    tokenizer="standard",
    filter=[
        "lowercase",
        token_filter("kk_stop", "stop", stopwords=sorted(KAZAKH_STOP_WORDS)),
        *_kk_stem_filters(),
    ],
)

# The key fields hold words `analyse_key` already produced, one per space;
# asciifolding only guards against a stray accent in the key.
key_analyzer = analyzer(
    "script_key", tokenizer="whitespace", filter=["lowercase", "asciifolding"]
)

lowercase = normalizer("lowercase_keyword", filter=["lowercase"])


def _multilingual(**options) -> Text:
    """Text analysed once per language; a word may match any of them."""
    return Text(
        analyzer="standard",
        fields={
            "ru": Text(analyzer="russian", **options),
            "en": Text(analyzer="english", **options),
            "kk": Text(analyzer=kazakh, **options),
        },
        **options,
    )


# Documents ------------------------------------------------------------------------


class SearchableDocument(Document):
    """Every field of a SearchDocument; the id is the row's primary key.

    All kinds share one mapping, so a search across the aliases filters, sorts
    and counts the same fields everywhere.
    """

    pk = Long()
    kind = Keyword()
    title = _multilingual()
    title_key = Text(analyzer=key_analyzer)  # title and topic title
    # Offsets in the postings: highlighting long bodies (PDFs) without
    # analysing them again for every hit.
    body = _multilingual(index_options="offsets")
    body_key = Text(analyzer=key_analyzer)
    topic_title = _multilingual()
    url = Keyword(index=False)
    language = Keyword()
    visibility = Keyword()
    created_at = Date()
    updated_at = Date()
    author = Keyword(normalizer=lowercase)  # @username matches in any case
    category = Keyword()
    category_name = Keyword(index=False)
    tags = Keyword(multi=True)
    likes = Integer()
    is_answer = Boolean()
    status = Keyword()
    group = Keyword()  # what a grouped search collapses on

    class Meta:
        # Unknown fields stay in _source, unindexed: during a deploy that adds
        # a field, workers on the new code keep writing into the old index
        # until the rebuild swaps in the new mapping.
        dynamic = MetaField(False)

    @classmethod
    def from_search_document(cls, document: SearchDocument) -> "SearchableDocument":
        return cls(
            meta={"id": document.pk},
            pk=document.pk,
            kind=document.kind,
            title=document.title,
            title_key=key_text(f"{document.title} {document.topic_title}"),
            body=document.body,
            body_key=key_text(document.body),
            topic_title=document.topic_title,
            url=document.url,
            language=document.language,
            visibility=document.visibility,
            created_at=document.created_at,
            updated_at=document.updated_at,
            author=document.author,
            category=document.category,
            category_name=document.category_name,
            tags=list(document.tags),
            likes=document.likes,
            is_answer=document.is_answer,
            status=document.status,
            group=document.group,
            # Not in the mapping (dynamic: false): kept in _source only.
            titles=document.titles,
        )


class NewsDocument(SearchableDocument):
    KIND = "news"


class SeminarDocument(SearchableDocument):
    KIND = "seminar"


class PracticeDocument(SearchableDocument):
    KIND = "practice"


class MaterialDocument(SearchableDocument):
    KIND = "material"


class TopicDocument(SearchableDocument):
    KIND = "topic"


class PostDocument(SearchableDocument):
    KIND = "post"


class CommentDocument(SearchableDocument):
    KIND = "comment"


DOCUMENTS: dict[str, type[SearchableDocument]] = {
    cls.KIND: cls
    for cls in (
        NewsDocument,
        SeminarDocument,
        PracticeDocument,
        MaterialDocument,
        TopicDocument,
        PostDocument,
        CommentDocument,
    )
}


def key_text(text: str) -> str:
    """The cross-script key of a text, as the key fields store and match it."""
    return " ".join(analyse_key(text or ""))


# Index names ----------------------------------------------------------------------


def alias_name(prefix: str, kind: str) -> str:
    return f"{prefix}-{kind}"


def versioned_name(prefix: str, kind: str, stamp: str) -> str:
    return f"{prefix}-{kind}-v{MAPPING_VERSION}-{stamp}"


def _definition(kind: str) -> dict:
    index = Index("unused")
    index.settings(
        number_of_shards=1,
        # One copy per extra node: green on the single-node docker-compose
        # cluster, replicated on a real one.
        auto_expand_replicas="0-1",
    )
    index.document(DOCUMENTS[kind])
    return index.to_dict()


# Words whose keys show whether search.language still analyses as it did.
KEY_SAMPLE = (
    "Қазақстандағы жаңалықтар министрлігінің әкімдіктерге кітабы мен "
    "Qazaqstandağy jañalyqtar ministrligining äkimdikterge kitaby men "
    "Qazaqstandagy janalyqtar ministrliginin akimdikterge kitaby"
)


@cache
def fingerprint() -> str:
    """A digest of everything that decides what an index holds.

    The mapping and analysis, and what `analyse_key` (Python, search.language)
    makes of a sample: a change to either makes the live indexes stale even
    when nobody bumped MAPPING_VERSION, and `health()` says so.
    """
    material = json.dumps(
        [_definition(KINDS[0]), analyse_key(KEY_SAMPLE)],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def index_body(kind: str) -> dict:
    """Settings, analysis and mapping for a new index of this kind."""
    body = _definition(kind)
    body["mappings"]["_meta"] = {
        "mapping_version": MAPPING_VERSION,
        "fingerprint": fingerprint(),
        "kind": kind,
    }
    return body
