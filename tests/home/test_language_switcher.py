"""The language switcher keeps the reader on the same page in another language."""

import re

import pytest

from home.models import NewsPage

SEMINAR = "seminars/strategic-digital-communications-astana/"
NEWS = "news/press-services-seminar-astana/"


def switcher_links(response) -> dict[str, str]:
    body = response.content.decode()
    nav = re.search(r'<nav class="language-switcher".*?</nav>', body, re.S)
    assert nav, "no language switcher on the page"
    return {
        code: href
        for href, code in re.findall(r'<a href="([^"]*)" lang="([a-z]+)"', nav.group(0))
    }


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_switcher_links_to_the_translations_of_the_current_page(client, demo, language):
    links = switcher_links(client.get(f"/{language}/{SEMINAR}"))
    assert links == {code: f"/{code}/{SEMINAR}" for code in ("kk", "ru", "en")}


def test_switcher_marks_the_current_language(client, demo):
    body = client.get(f"/ru/{SEMINAR}").content.decode()
    assert re.search(
        r'<a href="/ru/[^"]*" lang="ru" hreflang="ru" aria-current="true">', body
    )


def test_switcher_follows_a_translated_slug(client, demo):
    russian = NewsPage.objects.get(locale__language_code="ru")
    russian.slug = "seminar-v-astane"
    russian.save_revision().publish()

    links = switcher_links(client.get(f"/en/{NEWS}"))

    assert links["ru"] == "/ru/news/seminar-v-astane/"
    assert links["kk"] == f"/kk/{NEWS}"


def test_switcher_on_an_untranslated_page_keeps_the_path(client, demo):
    NewsPage.objects.get(locale__language_code="en").delete()

    links = switcher_links(client.get(f"/ru/{NEWS}"))

    assert links["en"] == f"/en/{NEWS}"
    assert client.get(links["en"]).status_code == 200


def test_switcher_on_a_view_that_is_not_a_page_keeps_the_query(client, demo):
    links = switcher_links(client.get("/ru/search/?q=seminar"))
    assert links["en"] == "/en/search/?q=seminar"
    assert links["kk"] == "/kk/search/?q=seminar"
