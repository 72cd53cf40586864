"""On a 390×844 phone the navigation, search and composer work, and no page is
wider than the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    METRICS_TOPIC,
    PHONE,
    assert_fits_the_screen,
    topic_path,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(new_context):
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()


def test_a_visitor_on_a_phone_navigates_and_searches(site, phone, screenshot):
    phone.goto(site + "/en/")
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-home-en")

    # The header folds its menu behind one button.
    main_nav = phone.get_by_role("navigation", name="Main")
    menu = phone.get_by_role("button", name="Menu")
    expect(main_nav).to_be_hidden()
    header = phone.locator(".site-header").bounding_box()
    assert header["height"] < 844 / 6, header
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    screenshot(phone, "phone-menu-open-en")
    main_nav.get_by_role("link", name="Forum").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Latest topics")
    expect(main_nav).to_be_hidden()
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-forum-latest-en")

    phone.get_by_role("link", name=METRICS_TOPIC).tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(METRICS_TOPIC)
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-topic-en")

    menu.tap()
    search = phone.get_by_role("search").get_by_role("searchbox", name="Search")
    search.fill("subtitles")
    search.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Search")
    results = phone.get_by_role("main").get_by_role("heading", level=2)
    # The topic, and daniyar's post in it, both match: one result, with the
    # other match listed inside it.
    expect(
        results.get_by_role("link", name="Subtitles on every video: worth the effort?")
    ).to_have_count(1)
    expect(
        phone.get_by_role("list", name="More matches in this topic").get_by_role(
            "link", name=re.compile(r"^(Reply|First post) by @")
        )
    ).to_have_count(1)
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-search-results-en")


def test_a_member_on_a_phone_writes_with_the_composer(site, phone, login, screenshot):
    login(phone, "aigerim")
    phone.goto(site + "/en/forum/new-topic/")
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-composer-en")

    phone.goto(site + topic_path(METRICS_TOPIC, "en"))
    reply_box = phone.get_by_label("Your reply")
    reply_box.tap()
    reply_box.press_sequentially("Posted from a **phone**.", delay=5)
    expect(phone.get_by_role("region", name="Preview").locator("strong")).to_have_text(
        "phone"
    )
    assert_fits_the_screen(phone)
    phone.get_by_role("button", name="Post reply").tap()

    posts = phone.get_by_role("article", name=METRICS_TOPIC).get_by_role("article")
    expect(posts.last).to_contain_text("Posted from a phone.")
    assert_fits_the_screen(phone)
    screenshot(phone, "phone-topic-en-after-reply")


def test_on_a_phone_each_count_in_a_topic_list_says_what_it_counts(site, phone):
    """The column heads are hidden on a phone: "Жауаптар: 2", not a bare "2"."""
    phone.goto(site + "/kk/forum/")
    row = phone.locator(".topic-row").first
    counts = row.locator("td:nth-child(n+3):not(:last-child)")  # no class: #12
    expect(counts).to_have_count(3)
    for cell, label in zip(
        counts.all(), ("Жауаптар", "Қаралым", "Ұнатулар"), strict=True
    ):
        expect(cell).to_be_visible()
        assert cell.inner_text().startswith(label), cell.inner_text()
        # Shown, not only there for screen readers (which clip it to 1 px).
        shown = cell.get_by_text(label).bounding_box()
        assert shown["width"] > 20 and shown["height"] > 8, shown
    # Nothing of the row runs past the screen's edge, where a container
    # would clip it without any sideways scrolling to tell.
    width = phone.viewport_size["width"]
    for cell in row.locator("td:visible").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= width, (cell.inner_text(), box)
    assert_fits_the_screen(phone)


def test_the_phone_menu_closes_with_escape_and_gives_back_the_focus(site, phone):
    phone.goto(site + "/kk/forum/")
    menu = phone.get_by_role("button", name="Мәзір")
    menu.focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("navigation", name="Негізгі мәзір")).to_be_visible()
    phone.keyboard.press("Escape")
    expect(phone.get_by_role("navigation", name="Негізгі мәзір")).to_be_hidden()
    expect(menu).to_be_focused()


def test_a_posts_controls_fit_one_row_on_a_phone(site, phone, login):
    """Like count, like, bookmark, accept, "more" and reply: one row, as on
    Discourse, not four bordered buttons wrapping to two."""
    login(phone, "aigerim")
    phone.goto(site + topic_path(METRICS_TOPIC, "kk"))
    for actions in phone.locator(".post-actions").all():
        tops = actions.locator(":scope > *:visible").evaluate_all(
            "items => items.map(item => Math.round(item.getBoundingClientRect().top"
            " + item.getBoundingClientRect().height / 2))"
        )
        assert max(tops) - min(tops) <= 4, tops
    assert_fits_the_screen(phone)
