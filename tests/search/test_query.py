"""The search box's query language: what each part of a query becomes.

`parse()` is pure: no database, no index. It never raises; whatever a reader
types, a bad filter becomes a message in `errors` and the rest is searched.
Messages are compared in English; `test_messages_format_in_every_language`
checks they also format in Kazakh and Russian.
"""

import random
import re
from datetime import date

import pytest
from django.utils import translation

from search.query import (
    LANGUAGES,
    MAX_TOKENS,
    ORDERS,
    STATUSES,
    TYPES,
    ParsedQuery,
    parse,
)

KNOWN = "in:, tags:, type:, lang:, before:, after:, status:, order:, group:"
DATE_HELP = "Use the format YYYY-MM-DD, for example 2026-03-15."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# Free text, phrases and exclusions


@pytest.mark.parametrize("query", ["", " ", "  \t\n  ", "\u00a0\u2003"])
def test_an_empty_query_is_an_empty_parsed_query(query):
    parsed = parse(query)
    assert parsed == ParsedQuery()
    assert parsed.errors == []
    assert parsed.is_empty


def test_none_reads_as_an_empty_query():
    assert parse(None) == ParsedQuery()


@pytest.mark.parametrize(
    "query, terms",
    [
        ("Цифрлық коммуникация", ["Цифрлық", "коммуникация"]),
        ("ӘҒҚҢӨҰҮҺІ әғқңөұүһі", ["ӘҒҚҢӨҰҮҺІ", "әғқңөұүһі"]),
        ("Sıfrlyq kommýnıkatsıa", ["Sıfrlyq", "kommýnıkatsıa"]),
        (
            "Ǵylym Ińkar Ózen Ulttyq Şeber",
            ["Ǵylym", "Ińkar", "Ózen", "Ulttyq", "Şeber"],
        ),
        ("Цифровая КОММУНИКАЦИЯ ёлка", ["Цифровая", "КОММУНИКАЦИЯ", "ёлка"]),
        ("Strategic Digital AI", ["Strategic", "Digital", "AI"]),
    ],
)
def test_free_text_is_kept_as_typed_in_every_script(query, terms):
    assert parse(query).terms == terms


def test_whitespace_between_words_is_collapsed():
    assert parse("  media \t\n  literacy  ").terms == ["media", "literacy"]


def test_control_characters_separate_words():
    """PostgreSQL refuses a NUL in a query; none may reach a backend."""
    assert parse("media\x00literacy\x1fai").terms == ["media", "literacy", "ai"]


def test_quoted_text_is_a_phrase():
    parsed = parse('media "цифрлық сауаттылық" ai')
    assert parsed.terms == ["media", "ai"]
    assert parsed.phrases == ["цифрлық сауаттылық"]


def test_whitespace_inside_a_phrase_is_collapsed():
    assert parse('"  Абай   жолы  "').phrases == ["Абай жолы"]


def test_an_unterminated_quote_makes_the_rest_a_phrase():
    parsed = parse('media "digital  literacy in:title')
    assert parsed.terms == ["media"]
    assert parsed.phrases == ["digital literacy in:title"]
    assert not parsed.in_title
    assert parsed.errors == []


@pytest.mark.parametrize(
    "query",
    ['"Абай жолы"', "“Абай жолы”", "„Абай жолы“", "«Абай жолы»", "«Абай жолы"],
)
def test_typographic_quotes_make_phrases_too(query):
    assert parse(query).phrases == ["Абай жолы"]


def test_a_quote_inside_a_word_starts_a_phrase():
    parsed = parse('media"digital literacy"ai')
    assert parsed.terms == ["media", "ai"]
    assert parsed.phrases == ["digital literacy"]


@pytest.mark.parametrize("query", ['""', '" "', '"--"', "«»", '"|,:"'])
def test_empty_phrases_are_dropped(query):
    assert parse(query) == ParsedQuery()


def test_a_minus_excludes_a_word():
    parsed = parse("media -спам -Reklama")
    assert parsed.terms == ["media"]
    assert parsed.excluded == ["спам", "Reklama"]


@pytest.mark.parametrize("query", ['-"жарнама  мен спам"', "-«жарнама мен спам»"])
def test_a_minus_before_quotes_excludes_the_phrase(query):
    parsed = parse(query)
    assert parsed.excluded == ["жарнама мен спам"]
    assert parsed.phrases == []


@pytest.mark.parametrize("query", ["--spam", '-"--spam"', '-" - spam"'])
def test_extra_minus_signs_exclude_the_same_word(query):
    assert parse(query).excluded == ["spam"]


@pytest.mark.parametrize("query", ["-", "--", "- -- ---", '-""'])
def test_lone_minus_signs_are_ignored(query):
    assert parse(query) == ParsedQuery()


@pytest.mark.parametrize("query", ["|", ",", ":", "—", "🙂", "@", "#", "@@", "##"])
def test_tokens_without_letters_or_digits_are_dropped(query):
    """No backend can match them, so searching for them would only find nothing."""
    assert parse(query) == ParsedQuery()


def test_hyphenated_words_are_not_exclusions():
    assert parse("e-mail бизнес-жоспар").terms == ["e-mail", "бизнес-жоспар"]


# Filters


@pytest.mark.parametrize("query", ["in:title", "IN:TITLE", "In:Title"])
def test_in_title_searches_titles_only(query):
    parsed = parse(f"media {query}")
    assert parsed.in_title
    assert parsed.terms == ["media"]


@pytest.mark.parametrize(
    "query, username",
    [("@ann", "ann"), ("@Aigerim_K", "Aigerim_K"), ("@a.b+c-d", "a.b+c-d")],
)
def test_at_username_filters_by_author(query, username):
    assert parse(f"media {query}").username == username


def test_a_second_username_is_reported_and_ignored():
    parsed = parse("@ann @bob")
    assert parsed.username == "ann"
    assert parsed.errors == ["“@bob” was ignored: the query already has “@ann”."]


def test_the_same_username_twice_is_no_error():
    parsed = parse("@ann @ann")
    assert parsed.username == "ann"
    assert parsed.errors == []


def test_an_email_address_is_text():
    parsed = parse("ann@example.kz")
    assert parsed.username is None
    assert parsed.terms == ["ann@example.kz"]


@pytest.mark.parametrize(
    "query, slug",
    [
        ("#media-lab", "media-lab"),
        ("#Media_Lab", "media_lab"),
        ("#AI", "ai"),
        ("#2026", "2026"),
        ("#Медиа", "медиа"),
    ],
)
def test_hash_slug_filters_by_category(query, slug):
    assert parse(query).category == slug


@pytest.mark.parametrize("query", ["C#", "#c++", "#a.b", "#a#b", "#İ"])
def test_a_hash_that_is_not_a_slug_is_text(query):
    parsed = parse(query)
    assert parsed.category is None
    assert parsed.terms == [query]


@pytest.mark.parametrize(
    "query, tags",
    [
        ("tags:ai", ["ai"]),
        ("tags:AI,Media", ["ai", "media"]),
        ("tags:ai,media,AI", ["ai", "media"]),
        ("tags:ai tags:media", ["ai", "media"]),
        ("tags:ai tags:media,ai", ["ai", "media"]),
        ("tags:,ai,,media,", ["ai", "media"]),
        ("tags:#ai", ["ai"]),
        ("Tags:Цифрлық-медиа", ["цифрлық-медиа"]),
    ],
)
def test_tags_are_lowercased_and_deduplicated(query, tags):
    parsed = parse(query)
    assert parsed.tags == tags
    assert parsed.errors == []


@pytest.mark.parametrize(
    "query, types",
    [
        ("type:news", ["news"]),
        ("type:News", ["news"]),
        ("type:news|seminar", ["news", "seminar"]),
        ("type:news,seminar", ["news", "seminar"]),
        ("type:news|seminar,material", ["news", "seminar", "material"]),
        ("type:topic type:post type:topic", ["topic", "post"]),
        ("type:comment||", ["comment"]),
        *((f"type:{kind}", [kind]) for kind in TYPES),
    ],
)
def test_type_takes_one_or_several_kinds(query, types):
    parsed = parse(query)
    assert parsed.types == types
    assert parsed.errors == []


@pytest.mark.parametrize(
    "query, field, value",
    [
        *((f"lang:{code}", "language", code) for code in LANGUAGES),
        ("LANG:RU", "language", "ru"),
        *((f"status:{status}", "status", status) for status in STATUSES),
        ("Status:Solved", "status", "solved"),
        *((f"order:{order}", "order", order) for order in ORDERS),
        ("ORDER:Latest", "order", "latest"),
        ("before:2026-03-01", "before", date(2026, 3, 1)),
        ("after:2024-02-29", "after", date(2024, 2, 29)),
        ("BEFORE:1999-12-31", "before", date(1999, 12, 31)),
    ],
)
def test_one_value_filters(query, field, value):
    parsed = parse(query)
    assert getattr(parsed, field) == value
    assert parsed.errors == []


def test_order_defaults_to_relevance():
    assert parse("media").order == "relevance"


@pytest.mark.parametrize(
    "query, message",
    [
        (
            "type:video",
            "Unknown value “video” for “type:”. Accepted values: "
            "news, seminar, practice, material, topic, post, comment.",
        ),
        (
            "lang:de",
            "Unknown value “de” for “lang:”. Accepted values: kk, ru, en.",
        ),
        (
            "lang:kk|ru",
            "Unknown value “kk|ru” for “lang:”. Accepted values: kk, ru, en.",
        ),
        (
            "status:pending",
            "Unknown value “pending” for “status:”. "
            "Accepted values: solved, open, closed.",
        ),
        (
            "order:random",
            "Unknown value “random” for “order:”. "
            "Accepted values: relevance, latest, likes.",
        ),
        (
            "order:latest_topic",
            "Unknown value “latest_topic” for “order:”. "
            "Accepted values: relevance, latest, likes.",
        ),
        ("in:body", "Unknown value “body” for “in:”. Accepted values: title."),
    ],
)
def test_an_unknown_value_is_reported_and_the_filter_ignored(query, message):
    parsed = parse(f"media {query}")
    assert parsed.errors == [message]
    assert parsed == ParsedQuery(terms=["media"], errors=[message])


def test_the_known_kinds_of_a_type_filter_still_apply():
    parsed = parse("type:news|video")
    assert parsed.types == ["news"]
    assert parsed.errors == [
        "Unknown value “video” for “type:”. Accepted values: "
        "news, seminar, practice, material, topic, post, comment."
    ]


@pytest.mark.parametrize(
    "query, value",
    [
        ("before:2026-02-30", "2026-02-30"),
        ("after:2025-02-29", "2025-02-29"),
        ("before:2026-13-01", "2026-13-01"),
        ("after:0000-01-01", "0000-01-01"),
        ("before:yesterday", "yesterday"),
        ("after:2026-3-1", "2026-3-1"),
        ("before:20260301", "20260301"),
        ("after:01.03.2026", "01.03.2026"),
        ("before:2026-03-01T10:00", "2026-03-01T10:00"),
        ("after:٢٠٢٦-٠٣-٠١", "٢٠٢٦-٠٣-٠١"),
    ],
)
def test_an_invalid_date_names_the_value_and_the_format(query, value):
    parsed = parse(query)
    key = query.split(":")[0]
    assert parsed.before is None
    assert parsed.after is None
    assert parsed.errors == [f"“{value}” is not a valid date for “{key}:”. {DATE_HELP}"]


def test_after_later_than_before_drops_both():
    parsed = parse("media after:2026-05-01 before:2026-01-01")
    assert parsed.after is None
    assert parsed.before is None
    assert parsed.terms == ["media"]
    assert parsed.errors == ["“after” is later than “before”."]


@pytest.mark.parametrize(
    "query",
    ["after:2026-01-01 before:2026-05-01", "after:2026-01-01 before:2026-01-01"],
)
def test_a_date_range_in_order_is_kept(query):
    parsed = parse(query)
    assert parsed.after == date(2026, 1, 1)
    assert parsed.before is not None
    assert parsed.errors == []


def _filters(parsed: ParsedQuery) -> dict:
    """The filters a parsed query sets, as ParsedQuery keyword arguments."""
    names = ("username", "category", "language", "before", "after", "status", "order")
    default = ParsedQuery()
    return {
        name: getattr(parsed, name)
        for name in names
        if getattr(parsed, name) != getattr(default, name)
    }


@pytest.mark.parametrize(
    "query, ignored, kept",
    [
        ("lang:kk lang:ru", "lang:ru", "lang:kk"),
        ("status:open status:closed", "status:closed", "status:open"),
        ("order:latest order:likes", "order:likes", "order:latest"),
        (
            "before:2026-01-01 before:2026-02-01",
            "before:2026-02-01",
            "before:2026-01-01",
        ),
        ("after:2026-01-01 after:2026-02-01", "after:2026-02-01", "after:2026-01-01"),
        ("#media #ai", "#ai", "#media"),
    ],
)
def test_a_second_value_of_a_one_value_filter_is_reported(query, ignored, kept):
    first = parse(query.split()[0])
    parsed = parse(query)
    assert parsed.errors == [
        f"“{ignored}” was ignored: the query already has “{kept}”."
    ]
    assert parsed == ParsedQuery(errors=parsed.errors, **_filters(first))


@pytest.mark.parametrize(
    "query", ["lang:kk LANG:KK", "#Media #media", "in:title in:title"]
)
def test_repeating_the_same_filter_is_no_error(query):
    assert parse(query).errors == []


@pytest.mark.parametrize(
    "query, key",
    [
        ("user:ann", "user"),
        ("category:media", "category"),
        ("tag:ai", "tag"),
        ("Author:Ann", "author"),
        ("in:title sort:new", "sort"),
    ],
)
def test_an_unknown_filter_is_reported_with_the_known_ones(query, key):
    parsed = parse(f"media {query}")
    assert parsed.terms == ["media"]
    assert parsed.errors == [f"Unknown filter “{key}:”. Known filters: {KNOWN}."]


@pytest.mark.parametrize(
    "query",
    [
        "https://example.kz/forum",
        "http://x",
        "HTTPS://EXAMPLE.KZ",
        "mailto:ann@example.kz",
        "10:30",
        "16:9",
        "localhost:8000",
        "Matthew:5",
        "Note:",
        "Ескерту:",
        "сұрақ:жауап",
    ],
)
def test_colons_that_are_not_filters_stay_text(query):
    parsed = parse(query)
    assert parsed.terms == [query]
    assert parsed.errors == []


@pytest.mark.parametrize(
    "query, example",
    [
        ("in:", "in:title"),
        ("tags:", "tags:media,ai"),
        ("tags:,,", "tags:media,ai"),
        ("type:", "type:news|seminar"),
        ("type:|", "type:news|seminar"),
        ("lang:", "lang:kk"),
        ("before:", "before:2026-03-15"),
        ("AFTER:", "after:2026-03-15"),
        ("status:", "status:solved"),
        ("order:", "order:latest"),
    ],
)
def test_a_known_filter_without_a_value_is_reported(query, example):
    key = query.split(":")[0].lower()
    assert parse(query).errors == [f"“{key}:” needs a value, for example “{example}”."]


def test_a_quoted_filter_value_is_a_phrase_and_the_filter_empty():
    parsed = parse('tags:"digital media"')
    assert parsed.tags == []
    assert parsed.phrases == ["digital media"]
    assert parsed.errors == ["“tags:” needs a value, for example “tags:media,ai”."]


def test_a_negated_filter_is_an_excluded_word():
    parsed = parse("-tags:ai")
    assert parsed.excluded == ["tags:ai"]
    assert parsed.tags == []


def test_the_same_error_is_reported_once():
    assert parse("type:video type:video|video") == ParsedQuery(
        errors=[
            "Unknown value “video” for “type:”. Accepted values: "
            "news, seminar, practice, material, topic, post, comment."
        ]
    )


def test_long_values_are_shortened_in_messages():
    (message,) = parse("lang:" + "x" * 300).errors
    assert "x" * 39 + "…" in message
    assert "x" * 40 not in message


def test_everything_together():
    parsed = parse(
        'Қазақстан "цифрлық медиа" -спам in:title @Ann #Media-Lab tags:AI,ml '
        "type:news|Seminar lang:KK after:2026-01-01 before:2026-03-01 "
        "status:solved order:likes"
    )
    assert parsed == ParsedQuery(
        terms=["Қазақстан"],
        phrases=["цифрлық медиа"],
        excluded=["спам"],
        in_title=True,
        username="Ann",
        category="media-lab",
        tags=["ai", "ml"],
        types=["news", "seminar"],
        language="kk",
        before=date(2026, 3, 1),
        after=date(2026, 1, 1),
        status="solved",
        order="likes",
    )


# Limits


def test_at_most_fifty_tokens_are_read():
    parsed = parse(" ".join(f"w{i}" for i in range(MAX_TOKENS + 10)) + " lang:kk")
    assert parsed.terms == [f"w{i}" for i in range(MAX_TOKENS)]
    assert parsed.language is None
    assert parsed.errors == [
        "The query is too long: only its first 50 words were used."
    ]


def test_fifty_tokens_are_not_too_long():
    parsed = parse(" ".join(["w"] * (MAX_TOKENS - 2)) + ' "a phrase" lang:kk')
    assert len(parsed.terms) == MAX_TOKENS - 2
    assert parsed.language == "kk"
    assert parsed.errors == []


def test_a_huge_query_is_read_only_as_far_as_needed():
    parsed = parse("слово " * 200_000)
    assert len(parsed.terms) == MAX_TOKENS
    assert len(parsed.errors) == 1


# Messages

EVERY_ERROR = (
    "type:video user:ann before:2026-02-30 tags: @a @b "
    "after:2026-05-01 before:2026-01-01 " + "w " * MAX_TOKENS
)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_messages_format_in_every_language(language):
    """A translation that broke a placeholder would raise here, not on the page."""
    with translation.override(language):
        errors = parse(EVERY_ERROR).errors
    assert len(errors) == 7
    for message in errors:
        assert message
        assert "%(" not in message


# ParsedQuery properties


@pytest.mark.parametrize(
    "query, text, has_text",
    [
        ("", "", False),
        ("media", "media", True),
        ('Абай "жолы мен өлеңі" Qazaq', 'Абай Qazaq "жолы мен өлеңі"', True),
        ('"only a phrase"', '"only a phrase"', True),
        ("-spam lang:kk", "", False),
    ],
)
def test_text_and_has_text(query, text, has_text):
    parsed = parse(query)
    assert parsed.text == text
    assert parsed.has_text is has_text


@pytest.mark.parametrize(
    "query, is_empty",
    [
        ("", True),
        ("- -- |", True),
        ("type:video", True),  # only a rejected filter
        ("order:latest", True),  # an order alone searches nothing
        ("in:title", True),  # so does a field without words
        ("media", False),
        ('"a phrase"', False),
        ("-spam", False),
        ("@ann", False),
        ("#media", False),
        ("tags:ai", False),
        ("type:news", False),
        ("lang:kk", False),
        ("before:2026-01-01", False),
        ("after:2026-01-01", False),
        ("status:open", False),
    ],
)
def test_is_empty(query, is_empty):
    assert parse(query).is_empty is is_empty


# Fuzz

TRICKY = (
    list("\"'“”„«»-–—:#@|,;.!?()[]{}<>/\\_+*&%$^~`=")
    + [" ", "  ", "\t", "\n", "\u00a0", "\x00", "\u200b", "\ufeff"]
    + list("abcxyzABCXYZ0129")
    + list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЁЯ")
    + list("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
    + list("áǵıńóúşÁǴİŃÓÚŞ")
    + ["\u0301", "🙂", "\U0001f1f0\U0001f1ff", "\ud800"]
)
FRAGMENTS = (
    ["in:", "title", "tags:", "type:", "lang:", "before:", "after:", "status:"]
    + ["order:", "2026-02-30", "2026-01-01", "2025-12-31", "news", "kk", "solved"]
    + ["likes", "@", "@@", "#", "https://", "10:30", "user:", '-"', "--", ",", "|"]
    + ["tags:a,b", "type:news|post", "lang:ru", "status:open", "order:latest"]
)


def random_query(rng: random.Random) -> str:
    """Either a run of tricky characters or words glued from them and filters.

    Quotes swallow the rest of a run, so half the queries are built a word at a
    time to reach the filters often.
    """
    if rng.random() < 0.5:
        return "".join(rng.choices(TRICKY + FRAGMENTS, k=rng.randint(0, 80)))
    words = (
        "".join(rng.choices(FRAGMENTS + TRICKY, k=rng.randint(1, 3)))
        for _ in range(rng.randint(0, 60))
    )
    return " ".join(words)


@pytest.mark.parametrize("seed", range(4))
def test_parse_never_raises_on_random_input(seed):
    rng = random.Random(seed)
    for _ in range(500):
        query = random_query(rng)
        parsed = parse(query)
        assert isinstance(parsed, ParsedQuery), query
        assert all(isinstance(message, str) and message for message in parsed.errors)
        assert len(parsed.errors) == len(set(parsed.errors)), query
        for name in ("terms", "phrases", "excluded"):
            for text in getattr(parsed, name):
                assert re.search(r"\w", text), (query, name, text)
                assert not re.search(r"[\"“”„«»\x00]", text), (query, name, text)
        assert all(" " not in term and term.strip() == term for term in parsed.terms)
        assert len(parsed.terms) + len(parsed.phrases) <= MAX_TOKENS
        assert set(parsed.types) <= set(TYPES)
        assert parsed.language in (None, *LANGUAGES)
        assert parsed.status in (None, *STATUSES)
        assert parsed.order in ORDERS
        assert not (parsed.after and parsed.before and parsed.after > parsed.before)
        assert isinstance(parsed.text, str)


def test_group_off_lists_every_match_on_its_own():
    assert parse("drought").grouped is True
    parsed = parse("drought group:off")
    assert (parsed.terms, parsed.grouped, parsed.errors) == (["drought"], False, [])
    assert parse("drought group:on").errors == [
        "Unknown value “on” for “group:”. Accepted values: off."
    ]
