"""Page-type rules, rendering in every locale, and the translation fallback."""

import re

import pytest
from wagtail.models import Locale, Page

from home.models import (
    HomePage,
    NewsIndexPage,
    NewsPage,
    PracticeIndexPage,
    PracticePage,
    SeminarIndexPage,
    SeminarPage,
)
from tests.conftest import demo_seminar

LANGUAGES = ["kk", "ru", "en"]
SEMINAR_PATH = "seminars/strategic-digital-communications-astana/"
NEWS_PATH = "news/press-services-seminar-astana/"
PATHS = {
    HomePage: "",
    SeminarIndexPage: "seminars/",
    SeminarPage: SEMINAR_PATH,
    NewsIndexPage: "news/",
    NewsPage: NEWS_PATH,
}


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


class TestPageTypeRules:
    @pytest.mark.parametrize(
        ("model", "parents"),
        [
            (HomePage, {Page}),
            (SeminarIndexPage, {HomePage}),
            (SeminarPage, {SeminarIndexPage}),
            (NewsIndexPage, {HomePage}),
            (NewsPage, {NewsIndexPage}),
            (PracticeIndexPage, {HomePage}),
            (PracticePage, {PracticeIndexPage}),
        ],
    )
    def test_each_page_type_lives_only_under_its_parent(self, model, parents):
        assert set(model.allowed_parent_page_models()) == parents

    @pytest.mark.parametrize(
        ("model", "children"),
        [
            (HomePage, {SeminarIndexPage, NewsIndexPage, PracticeIndexPage}),
            (SeminarIndexPage, {SeminarPage}),
            (SeminarPage, set()),
            (NewsIndexPage, {NewsPage}),
            (NewsPage, set()),
            (PracticeIndexPage, {PracticePage}),
            (PracticePage, set()),
        ],
    )
    def test_each_page_type_allows_only_its_children(self, model, children):
        assert set(model.allowed_subpage_models()) == children

    def test_a_home_page_has_a_single_news_index(self, demo):
        home = HomePage.objects.get(locale__language_code="kk")
        assert not NewsIndexPage.can_create_at(home)
        assert not SeminarIndexPage.can_create_at(home)
        assert not PracticeIndexPage.can_create_at(home)

    def test_a_seminar_cannot_end_before_it_starts(self, demo):
        from django.core.exceptions import ValidationError

        seminar = SeminarPage.objects.first()
        seminar.end_date = seminar.start_date.replace(year=seminar.start_date.year - 1)
        with pytest.raises(ValidationError) as error:
            seminar.full_clean()
        assert "end_date" in error.value.message_dict


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("model", list(PATHS), ids=lambda model: model.__name__)
def test_every_page_type_renders_in_every_language(client, demo, model, language):
    page = model.objects.get(
        locale__language_code=language, url_path__endswith=PATHS[model]
    )
    response = client.get(f"/{language}/{PATHS[model]}")
    assert response.status_code == 200
    assert html_lang(response) == language
    assert page.title in response.content.decode()
    # A translated page shows no "not translated yet" notice.
    assert 'role="note"' not in response.content.decode()


def test_root_redirects_by_accept_language(client, demo):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")["Location"] == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")["Location"] == "/en/"


def test_root_redirects_to_kazakh_by_default(client, demo):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/kk/"


def test_untranslated_page_shows_its_original_with_a_notice(client, demo):
    NewsPage.objects.get(locale__language_code="en").delete()
    kazakh = NewsPage.objects.get(locale__language_code="kk")

    response = client.get(f"/en/{NEWS_PATH}")

    assert response.status_code == 200
    body = response.content.decode()
    assert html_lang(response) == "en"
    assert kazakh.title in body
    assert 'role="note"' in body
    assert "has not been translated into your language yet" in body
    assert '<div lang="kk">' in body


def test_translation_under_another_slug_is_reached_by_redirect(client, demo):
    russian = NewsPage.objects.get(locale__language_code="ru")
    russian.slug = "seminar-v-astane"
    russian.save_revision().publish()

    response = client.get(f"/ru/{NEWS_PATH}")

    assert response.status_code == 302
    assert response["Location"] == "/ru/news/seminar-v-astane/"


def test_unknown_path_is_a_404(client, demo):
    assert client.get("/ru/news/no-such-article/").status_code == 404


def test_unpublished_page_is_not_served_in_any_language(client, demo):
    for page in NewsPage.objects.all():
        page.unpublish()
    for language in LANGUAGES:
        assert client.get(f"/{language}/{NEWS_PATH}").status_code == 404


def test_seminar_page_lists_speakers_agenda_and_downloadable_materials(client, demo):
    body = client.get(f"/en/{SEMINAR_PATH}").content.decode()
    assert "CEPSM consultant" in body
    assert "Monitoring and analysing social-media data" in body
    assert "Strategic Social Media Engagement Workbook" in body
    assert re.search(
        r'href="/documents/\d+/engagement-workbook[^"]*\.pdf" download', body
    )


def test_workbook_download_is_a_pdf(client, demo):
    body = client.get(f"/en/{SEMINAR_PATH}").content.decode()
    url = re.search(r'href="(/documents/\d+/engagement-workbook[^"]*\.pdf)"', body)[1]
    response = client.get(url)
    assert response.status_code == 200
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert content.startswith(b"%PDF-")


def test_news_index_filters_by_tag(client, demo):
    news = NewsPage.objects.get(locale__language_code="en")
    assert news.title in client.get("/en/news/?tag=seminar").content.decode()
    assert news.title not in client.get("/en/news/?tag=unknown").content.decode()


def test_home_page_features_the_seminar_and_the_latest_news(client, demo):
    body = client.get("/ru/").content.decode()
    assert demo_seminar("ru").title in body
    assert NewsPage.objects.get(locale__language_code="ru").title in body


def test_every_locale_exists(db):
    assert sorted(Locale.objects.values_list("language_code", flat=True)) == sorted(
        LANGUAGES
    )


def test_home_page_shows_the_latest_forum_topics_a_reader_may_see(client, demo):
    from forum.models import Topic

    public = Topic.objects.get(title="Subtitles on every video: worth the effort?")
    members_only = Topic.objects.get(category__visibility="members")
    body = client.get("/en/").content.decode()
    assert public.title in body
    assert members_only.title not in body


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_footer_says_what_the_site_is_and_links_privacy_contact_and_languages(
    client, demo, settings, language
):
    settings.SITE_CONTACT_EMAIL = "press@example.kz"
    body = client.get(f"/{language}/news/").content.decode()
    footer = body[body.index('<footer class="site-footer">') :]
    assert f'href="/{language}/privacy/"' in footer
    assert 'href="mailto:press@example.kz"' in footer
    assert f'href="/{language}/forum/"' in footer
    for code in ("kk", "ru", "en"):
        assert f'href="/{code}/news/" lang="{code}"' in footer


def test_the_privacy_page_names_the_contact_address(client, demo, settings):
    settings.SITE_CONTACT_EMAIL = "press@example.kz"
    response = client.get("/ru/privacy/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Конфиденциальность</h1>" in body
    assert 'href="mailto:press@example.kz"' in body
    assert client.head("/ru/privacy/").status_code == 200


def test_each_seminar_material_is_drawn_once(client, demo):
    """Not a box in a box: the stream's wrapper and the block's own element
    both carried the bordered class."""
    body = client.get("/en/seminars/strategic-digital-communications-astana/")
    html = body.content.decode()
    materials = html[html.index('<div class="materials">') :]
    materials = materials[: materials.index("</section>")]
    assert materials.count('class="block-document"') == 2  # workbook and slides
    assert '<div class="block-document">\n<div class="block-document">' not in materials
