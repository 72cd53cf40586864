"""A visitor, not logged in: language, seminar materials, search, members-only."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    MEMBERS_ONLY_TOPIC,
    METRICS_TOPIC,
    SEMINAR_PATH,
    topic_path,
)

pytestmark = pytest.mark.browser

SEMINAR_TITLES = {
    "en": "Strategic digital communications for press services of government bodies",
    "ru": (
        "Стратегические цифровые коммуникации для пресс-служб государственных органов"
    ),
}


def test_the_root_opens_the_browsers_language_or_kazakh(site, new_context):
    russian = new_context(extra_http_headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    page = russian.new_page()
    page.goto(site + "/")
    expect(page).to_have_url(f"{site}/ru/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Форум стратегических цифровых коммуникаций"
    )

    german = new_context(extra_http_headers={"Accept-Language": "de-DE,de;q=0.9"})
    page = german.new_page()
    page.goto(site + "/")
    expect(page).to_have_url(f"{site}/kk/")
    expect(page.locator("html")).to_have_attribute("lang", "kk")


def test_a_visitor_downloads_a_material_and_reads_the_seminar_in_russian(
    site, page, screenshot
):
    page.goto(site + SEMINAR_PATH.format(lang="en"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SEMINAR_TITLES["en"])
    materials = page.get_by_role("region", name="Materials")

    with page.expect_download() as download_info:
        materials.get_by_role(
            "link", name="Strategic Social Media Engagement Workbook"
        ).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_role("navigation", name="Language", exact=True).get_by_role(
        "link", name="Русский"
    ).click()
    expect(page).to_have_url(site + SEMINAR_PATH.format(lang="ru"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(SEMINAR_TITLES["ru"])
    expect(
        page.get_by_role("navigation", name="Язык", exact=True).get_by_role(
            "link", name="Русский"
        )
    ).to_have_attribute("aria-current", "true")
    screenshot(page, "seminar-ru-after-switch")


def test_a_visitor_searches_with_a_filter_and_opens_a_result(site, page, screenshot):
    page.goto(site + "/en/search/")
    page.get_by_label("Search pages, materials, topics and posts").fill(
        "metrics type:topic"
    )
    page.get_by_label("Search pages, materials, topics and posts").press("Enter")

    expect(page).to_have_url(re.compile(r"/en/search/\?q=metrics"))
    expect(page.get_by_role("list", name="Active filters")).to_contain_text("Topic")
    results = (
        page.get_by_role("main")
        .get_by_role("list")
        .filter(has=page.get_by_role("heading", level=2))
    )
    # Only topics: the seminar and its workbook also mention metrics.
    expect(results.get_by_role("listitem")).to_have_count(1)
    screenshot(page, "search-results-en-filtered")

    results.get_by_role("link", name=METRICS_TOPIC).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(METRICS_TOPIC)


def test_a_visitor_is_refused_a_members_only_topic(site, page):
    path = topic_path(MEMBERS_ONLY_TOPIC, "en")

    response = page.goto(site + path)

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text("алғашқы 60 минут")).to_have_count(0)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_topic_list_column_heads_never_break_inside_a_word(site, new_context, language):
    """At 1280 px the Kazakh "Қатысушылар" once broke as "Қатысушыла|р"."""
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{site}/{language}/forum/")
    heads = page.locator(".topic-list thead th")
    expect(heads.first).to_be_visible()
    lines = heads.evaluate_all(
        """heads => heads.map(head => {
            const range = document.createRange();
            range.selectNodeContents(head);
            return [head.textContent.trim(), range.getClientRects().length];
        })"""
    )
    assert all(count == 1 for _text, count in lines), lines


def test_a_topic_lists_row_reads_as_its_column_heads_say(site, page):
    """A row's cells carry no class (issue #12: thirty rows make a page); the
    stylesheet tells them by their place. The participants are one image
    named by everyone's name; the counts sit right under their heads."""
    page.goto(f"{site}/en/forum/")
    row = page.locator(".topic-row").first
    people = row.get_by_role("img")
    expect(people).to_have_count(1)
    name = people.get_attribute("title")
    assert len(name.split(", ")) == row.locator(".pp i, .pp img").count() >= 1, name
    expect(row.get_by_role("img", name=name)).to_be_visible()

    for column in (3, 4, 5):  # Replies, Views, Likes
        cell = row.locator(f"td:nth-child({column})")
        gap = cell.evaluate(
            """cell => {
                const number = document.createRange();
                number.selectNodeContents(cell.lastChild);
                const padding = parseFloat(getComputedStyle(cell).paddingRight);
                return cell.getBoundingClientRect().right - padding
                    - number.getBoundingClientRect().right;
            }"""
        )
        assert abs(gap) < 1, (column, gap)  # the number against the right edge
        label = cell.locator("span").bounding_box()
        assert label["width"] <= 1, label  # for screen readers only, here
    # The category's colour, a bare SVG the stylesheet sizes, wherever it shows.
    stripe = page.locator(".category-card .category-stripe rect").first
    assert stripe.bounding_box()["height"] >= 20, stripe.bounding_box()
    assert_a_swatch(row.locator(".category-badge svg"))
    row.locator(".category-badge").click()
    assert_a_swatch(page.locator(".list-header h1 svg"))
    page.locator(".topic-row .topic-title").first.click()
    assert_a_swatch(page.locator(".topic-meta .category-badge svg"))


def assert_a_swatch(swatch):
    for shape in (swatch, swatch.locator("rect")):
        box = shape.bounding_box()
        assert box["width"] >= 10 and box["height"] >= 10, box


def test_a_permalink_brings_its_post_into_view_without_javascript(
    site, new_context, make_topic
):
    """The post is marked on the server and `autofocus` scrolls to it."""
    topic = make_topic(replies=19, title="A thread read without scripts")
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site + topic.get_post_url(17))
    post = page.locator("#post-17")
    expect(post).to_be_in_viewport()
    expect(post).to_have_css("background-color", "rgb(255, 251, 234)")
    expect(page.locator("#post-1")).not_to_be_in_viewport()


def test_a_permalink_brings_its_post_into_view_and_marks_it(site, page, make_topic):
    """/t/<slug>/<id>/<number>/ without #post-<number>: a shared link."""
    topic = make_topic(replies=19, title="A long thread for permalinks")
    page.goto(site + topic.get_post_url(17))
    post = page.locator("#post-17")
    expect(post).to_be_in_viewport()
    expect(post).to_be_focused()
    expect(post).to_have_css("background-color", "rgb(255, 251, 234)")
    expect(page.locator("#post-1")).not_to_be_in_viewport()
    # A link with the post's anchor marks it too.
    page.goto(site + topic.get_absolute_url() + "#post-9")
    expect(page.locator("#post-9")).to_be_in_viewport()
    expect(page.locator("#post-9")).to_have_css(
        "background-color", "rgb(255, 251, 234)"
    )
