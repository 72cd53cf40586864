"""One behavioural suite, run against each search backend.

Every test goes through the real pipeline where there is one: content changes
through the services (or Wagtail's publish), the on-commit task indexes it, and
the backend answers a parsed query. The `search_backend` fixture (conftest.py)
switches the site between the database backend and Elasticsearch on
osmem-server.
"""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from forum.discussions import services
from home.models import NewsIndexPage, NewsPage
from search.backends.base import (
    VISIBILITY_MEMBERS,
    VISIBILITY_PUBLIC,
    SearchDocument,
)
from search.query import parse

VISITOR = (VISIBILITY_PUBLIC,)
MEMBER = (VISIBILITY_PUBLIC, VISIBILITY_MEMBERS)


def found(backend, text, visibilities=MEMBER):
    """(kind, pk) of every document found: each result and the matches folded
    into it (a topic's posts, a page's other language versions)."""
    results = backend.search(parse(text), visibilities=visibilities, per_page=50)
    return {
        (hit.kind, hit.pk)
        for result in results.hits
        for hit in [result, *result.others]
    }


@pytest.fixture
def publish_news(demo, django_capture_on_commit_callbacks):
    def publish(language, title, summary, body):
        index = NewsIndexPage.objects.get(locale__language_code=language)
        page = NewsPage(
            title=title,
            slug=f"news-{abs(hash(title)) % 10**8}",
            summary=summary,
            body=[("paragraph", f"<p>{body}</p>")],
            date=datetime.date(2026, 11, 20),
        )
        with django_capture_on_commit_callbacks(execute=True):
            index.add_child(instance=page)
            page.save_revision().publish()
        return page

    return publish


@pytest.fixture
def write(django_capture_on_commit_callbacks):
    """Run a service call and the indexing tasks it enqueues."""

    def run(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


@pytest.fixture
def topic_in(write, member):
    def create(category, title, raw, **kwargs):
        return write(
            services.topic_create,
            actor=member,
            category=category,
            title=title,
            raw=raw,
            **kwargs,
        )

    return create


class TestLanguages:
    def test_russian_news_is_found_by_another_word_form(
        self, search_backend, publish_news
    ):
        page = publish_news(
            "ru",
            "Пресс-службы обсудили стратегии",
            "Итоги семинара для пресс-служб",
            "Публикации в социальных сетях требуют планирования.",
        )
        # "публикация" (nominative) finds "Публикации"; "стратегия" finds "стратегии".
        assert ("news", page.pk) in found(search_backend, "публикация")
        assert ("news", page.pk) in found(search_backend, "стратегия")

    def test_russian_yo_and_ye_find_each_other(self, search_backend, publish_news):
        page = publish_news(
            "ru",
            "Семинар прошёл в Астане",
            "Итоги",
            "Её отчёт о семинаре прочли все пресс-службы.",
        )
        assert ("news", page.pk) in found(search_backend, "прошел")
        assert ("news", page.pk) in found(search_backend, "отчет")
        # And the other way: a text with е, a query with ё.
        plain = publish_news("ru", "Доклад прочтен", "Итоги", "Отчет утвержден.")
        assert ("news", plain.pk) in found(search_backend, "утверждён")

    def test_english_words_match_other_forms(self, search_backend, publish_news):
        page = publish_news(
            "en", "Publishing guidelines", "Summary", "We published metrics."
        )
        assert ("news", page.pk) in found(search_backend, "publish metric")

    def test_kazakh_cyrillic_post_is_found_by_a_latin_query(
        self, search_backend, topic_in, category
    ):
        topic = topic_in(
            category,
            "Әкімдіктің баспасөз қызметі",
            "Мемлекеттік ақпарат әлеуметтік желілерде жарияланады.",
            language="kk",
        )
        assert ("topic", topic.pk) in found(search_backend, "memlekettik aqparat")
        assert ("topic", topic.pk) in found(search_backend, "äkımdık")

    def test_kazakh_latin_post_is_found_by_a_cyrillic_query(
        self, search_backend, topic_in, category
    ):
        topic = topic_in(
            category,
            "Qazaqstan jastary",
            "Memlekettik aqparat áleýmettik jelilerde jarııalanady.",
            language="kk",
        )
        assert ("topic", topic.pk) in found(search_backend, "мемлекеттік ақпарат")
        assert ("topic", topic.pk) in found(search_backend, "Қазақстан")

    def test_kazakh_inflections_match(self, search_backend, topic_in, category):
        topic = topic_in(
            category,
            "Жаңалықтар туралы",
            "Министрліктің жаңалықтарына пікір.",
            language="kk",
        )
        assert ("topic", topic.pk) in found(search_backend, "министрлік жаңалық")


class TestVisibility:
    def test_a_kazakh_phrase_matches_across_inflections_and_scripts(
        self, search_backend, topic_in, category
    ):
        topic = topic_in(
            category,
            "Жаңа ереже",
            "Бұл нұсқаулық баспасөз қызметтеріне арналған.",
            language="kk",
        )
        apart = topic_in(
            category,
            "Басқа тақырып",
            "Қызметі туралы айтты, ал баспасөз кейін жазды.",
            language="kk",
        )
        for phrase in (
            '"баспасөз қызметі"',  # another case ending
            '"баспасөз қызметтеріне"',  # as written
            '"baspasóz qyzmeti"',  # Latin script, 2018 acute letters
        ):
            hits = found(search_backend, phrase)
            assert ("topic", topic.pk) in hits, phrase
            # Both words, not in this order and not side by side: no match.
            assert ("topic", apart.pk) not in hits, phrase

    def test_members_only_posts_never_reach_a_visitor(
        self, search_backend, topic_in, members_category, write, member2
    ):
        topic = topic_in(
            members_category, "Internal drill results", "Confidential drill notes."
        )
        reply = write(
            services.post_create,
            actor=member2,
            topic=topic,
            raw="Confidential follow-up.",
        )
        assert found(search_backend, "confidential", VISITOR) == set()
        assert {("topic", topic.pk), ("post", reply.pk)} <= found(
            search_backend, "confidential"
        )

    def test_a_deleted_post_leaves_the_index(
        self, search_backend, topic_in, category, write, member2
    ):
        topic = topic_in(category, "Budget questions", "What about budgets?")
        reply = write(
            services.post_create, actor=member2, topic=topic, raw="Ephemeral remark."
        )
        assert ("post", reply.pk) in found(search_backend, "ephemeral")
        write(services.post_delete, actor=member2, post=reply)
        assert ("post", reply.pk) not in found(search_backend, "ephemeral")

    def test_a_deleted_topic_takes_its_posts_along(
        self, search_backend, topic_in, category, write, member, member2
    ):
        topic = topic_in(category, "Temporary thread", "Vanishing content.")
        reply = write(
            services.post_create, actor=member2, topic=topic, raw="Vanishing too."
        )
        write(services.post_delete, actor=member, post=topic.posts.get(number=1))
        assert found(search_backend, "vanishing") == set()
        write(services.post_restore, actor=member, post=topic.posts.get(number=1))
        assert {("topic", topic.pk), ("post", reply.pk)} <= found(
            search_backend, "vanishing"
        )

    def test_unlisted_topics_are_not_searchable(
        self, search_backend, topic_in, category, write, moderator
    ):
        topic = topic_in(category, "Quiet thread", "Hushed words.")
        write(services.topic_set_state, actor=moderator, topic=topic, listed=False)
        assert found(search_backend, "hushed") == set()

    def test_unpublished_news_leaves_the_index(
        self, search_backend, publish_news, django_capture_on_commit_callbacks
    ):
        page = publish_news(
            "en", "Withdrawn notice", "Soon gone", "Retracted statement."
        )
        with django_capture_on_commit_callbacks(execute=True):
            page.unpublish()
        assert found(search_backend, "retracted") == set()


class TestFilters:
    @pytest.fixture
    def corpus(
        self, topic_in, category, make_category, write, member, member2, moderator
    ):
        other = make_category(slug="crisis-desk")
        solved = topic_in(
            category, "Drought response plan", "Drought messaging.", tags=["crisis"]
        )
        reply = write(
            services.post_create, actor=member2, topic=solved, raw="Drought answer."
        )
        write(services.solution_accept, actor=member, post=reply)
        closed = topic_in(other, "Drought archive", "Old drought notes.", language="ru")
        liked = write(
            services.post_create,
            actor=member,
            topic=closed,
            raw="Most liked drought tip.",
        )
        write(services.like_toggle, actor=member2, post=liked)
        write(services.topic_set_state, actor=moderator, topic=closed, closed=True)
        return {
            "solved": solved,
            "reply": reply,
            "closed": closed,
            "liked": liked,
            "other": other,
        }

    def test_type_filter(self, search_backend, corpus):
        kinds = {kind for kind, _pk in found(search_backend, "drought type:post")}
        assert kinds == {"post"}

    def test_category_filter(self, search_backend, corpus):
        hits = found(search_backend, "drought #crisis-desk")
        assert ("topic", corpus["closed"].pk) in hits
        assert ("topic", corpus["solved"].pk) not in hits

    def test_tags_filter(self, search_backend, corpus):
        assert found(search_backend, "drought tags:crisis") == {
            ("topic", corpus["solved"].pk),
            ("post", corpus["reply"].pk),
        }

    def test_author_filter(self, search_backend, corpus, member2):
        assert found(search_backend, f"drought @{member2.username}") == {
            ("post", corpus["reply"].pk)
        }

    def test_status_filter(self, search_backend, corpus):
        assert ("topic", corpus["solved"].pk) in found(
            search_backend, "drought status:solved"
        )
        assert ("topic", corpus["closed"].pk) not in found(
            search_backend, "drought status:solved"
        )
        assert ("topic", corpus["closed"].pk) in found(
            search_backend, "drought status:closed"
        )

    def test_language_filter(self, search_backend, corpus):
        hits = found(search_backend, "drought lang:ru type:topic")
        assert hits == {("topic", corpus["closed"].pk)}

    def test_in_title_filter(self, search_backend, corpus):
        assert found(search_backend, "archive in:title") == {
            ("topic", corpus["closed"].pk)
        }
        assert found(search_backend, "messaging in:title") == set()

    def test_excluded_words(self, search_backend, corpus):
        hits = found(search_backend, "drought -archive -old")
        assert ("topic", corpus["closed"].pk) not in hits
        assert ("topic", corpus["solved"].pk) in hits

    def test_phrase(self, search_backend, corpus):
        assert found(search_backend, '"most liked drought"') == {
            ("post", corpus["liked"].pk)
        }

    def test_date_filters(self, search_backend, corpus):
        # The local day the corpus was written, not the (UTC) date of now().
        today = timezone.localdate(corpus["solved"].created_at)
        assert found(search_backend, f"drought before:{today:%Y-%m-%d}") == set()
        assert len(found(search_backend, f"drought after:{today:%Y-%m-%d}")) >= 4

    def test_dates_and_year_facets_are_local_days(self, search_backend):
        """before:/after: and the year facet count in TIME_ZONE (Asia/Almaty,
        UTC+5): 2025-12-31 23:30 UTC is 04:30 on 1 January 2026 there."""
        new_year = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
        search_backend.index(
            [
                SearchDocument(
                    kind="topic",
                    pk=990_001,
                    title="Aralkum dust storm",
                    body="Aralkum report.",
                    url="/forum/t/aralkum/990001/",
                    language="en",
                    visibility=VISIBILITY_PUBLIC,
                    created_at=new_year,
                )
            ]
        )
        key = ("topic", 990_001)

        assert key in found(search_backend, "aralkum after:2026-01-01")
        assert key not in found(search_backend, "aralkum before:2026-01-01")
        assert key not in found(search_backend, "aralkum after:2026-01-02")
        results = search_backend.search(parse("aralkum"), visibilities=VISITOR)
        assert [(f.value, f.count) for f in results.facets["year"]] == [("2026", 1)]

    def test_order_by_likes(self, search_backend, corpus):
        results = search_backend.search(
            parse("drought order:likes"), visibilities=MEMBER, per_page=10
        )
        assert (results.hits[0].kind, results.hits[0].pk) == (
            "post",
            corpus["liked"].pk,
        )

    def test_facets_count_types_and_languages(self, search_backend, corpus):
        results = search_backend.search(parse("drought"), visibilities=MEMBER)
        types = {facet.value: facet.count for facet in results.facets["type"]}
        assert types == {"topic": 2, "post": 2}
        languages = {facet.value for facet in results.facets["language"]}
        assert "ru" in languages

    def test_highlighted_snippets(self, search_backend, corpus):
        results = search_backend.search(parse('"most liked"'), visibilities=MEMBER)
        assert "<mark>" in results.hits[0].snippet

    def test_snippets_show_quotes_and_ampersands_once_escaped(
        self, search_backend, topic_in, category, write, member
    ):
        topic = topic_in(category, "Sanctions briefing", "The opening post.")
        write(
            services.post_create,
            actor=member,
            topic=topic,
            raw="It's the \"press & media\" team's <briefing>.",
        )
        results = search_backend.search(parse("briefing team"), visibilities=MEMBER)
        [snippet] = [hit.snippet for hit in results.hits if hit.kind == "post"]
        # HTML escaped once: the page shows the text as it was written.
        shown = html.unescape(re.sub(r"</?mark>", "", snippet))
        # (The database backend's snippet ends at the last word.)
        assert "It's the \"press & media\" team's <briefing" in shown, snippet

    def test_did_you_mean_when_nothing_is_found(self, search_backend, corpus):
        results = search_backend.search(parse("drougth"), visibilities=MEMBER)
        assert results.total == 0
        assert results.suggestion and "drought" in results.suggestion.lower()

    def test_title_suggestions_while_typing(self, search_backend, corpus):
        titles = [
            hit.title
            for hit in search_backend.suggest_titles("Drou", visibilities=MEMBER)
        ]
        assert "Drought response plan" in titles

    def test_visitor_gets_no_suggestion_from_members_only_titles(
        self, search_backend, topic_in, members_category
    ):
        topic_in(members_category, "Secret roadmap", "Hidden.")
        assert search_backend.suggest_titles("Secret", visibilities=VISITOR) == []


def test_anonymous_user_is_a_visitor():
    from search.views import visibilities_for

    assert visibilities_for(AnonymousUser()) == VISITOR
