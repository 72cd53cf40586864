"""A member (aigerim) writes: topics, live preview, quotes, mentions, likes,
bookmarks, drafts and attachments."""

import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import METRICS_TOPIC, select_text, topic_path

pytestmark = pytest.mark.browser


def test_a_member_creates_a_tagged_topic_watching_the_live_preview(
    site, page, login, screenshot
):
    login(page, "aigerim")
    page.goto(site + "/en/forum/")
    page.get_by_role("link", name="New topic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New topic")

    page.get_by_label("Category").select_option(label="Trilingual content")
    page.get_by_label("Title").fill("Glossaries for trilingual press releases")
    page.get_by_label("Your post").press_sequentially(
        "We keep a **shared glossary** for every ministry.", delay=5
    )
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("shared glossary")
    # With htmx the preview is live; the no-JavaScript button is not needed.
    expect(page.get_by_role("button", name="Preview")).to_be_hidden()
    page.get_by_label("Tags").fill("translation")
    screenshot(page, "composer-en-new-topic")

    page.get_by_role("button", name="Create topic").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Glossaries for trilingual press releases"
    )
    expect(page.get_by_role("link", name="#translation")).to_be_visible()
    first_post = page.get_by_role(
        "article", name="Glossaries for trilingual press releases"
    ).get_by_role("article")
    expect(first_post).to_contain_text("shared glossary")


def test_a_member_quotes_a_selection_and_mentions_someone_in_a_reply(
    site, page, login, screenshot
):
    login(page, "aigerim")
    page.goto(site + topic_path(METRICS_TOPIC, "en"))
    answer = page.get_by_role("article", name="Данияр Омаров")
    reply_box = page.get_by_label("Your reply")

    quote = answer.get_by_role("button", name="Quote selection")
    expect(quote).to_be_hidden()
    select_text(page, answer.locator(".post-body"), "Reach of the posts that mattered")
    quote.click()
    expect(quote).to_be_hidden()

    expect(reply_box).to_have_value(
        re.compile(
            r"^> @daniyar \[wrote\]\(/en/forum/t/[\w-]+/\d+/2/\):\n"
            r"> Reach of the posts that mattered\n\n$"
        )
    )
    reply_box.press("End")
    reply_box.press_sequentially("Agreed, thanks @dan", delay=20)
    suggestions = page.get_by_role("listbox", name="People")
    expect(
        suggestions.get_by_role("option", name=re.compile("^@daniyar"))
    ).to_be_visible()
    reply_box.press("Enter")
    expect(suggestions).to_be_hidden()
    expect(reply_box).to_have_value(re.compile(r"Agreed, thanks @daniyar $"))
    screenshot(page, "topic-en-reply-with-quote")

    page.get_by_role("button", name="Post reply").click()

    reply = page.get_by_role("article").last
    expect(reply).to_contain_text("Agreed, thanks @daniyar")
    expect(reply.locator("blockquote")).to_contain_text(
        "Reach of the posts that mattered"
    )
    # One mention in the quote's credit, one in the text.
    expect(reply.get_by_role("link", name="@daniyar")).to_have_count(2)


def test_a_member_likes_and_bookmarks_a_post(site, page, login):
    login(page, "aigerim")
    page.goto(site + topic_path(METRICS_TOPIC, "en"))
    answer = page.get_by_role("article", name="Данияр Омаров")
    like = answer.get_by_role("button", name="Like")
    bookmark = answer.get_by_role("button", name="Bookmark")
    expect(bookmark).to_have_attribute("aria-pressed", "false")

    # aigerim liked it in the demo: the button starts pressed.
    unlike = answer.get_by_role("button", name="Unlike")
    expect(unlike).to_have_attribute("aria-pressed", "true")
    unlike.click()
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    expect(unlike).to_have_attribute("aria-pressed", "true")
    bookmark.click()
    remove = answer.get_by_role("button", name="Remove bookmark")
    expect(remove).to_have_attribute("aria-pressed", "true")

    page.reload()
    expect(unlike).to_have_attribute("aria-pressed", "true")
    expect(remove).to_have_attribute("aria-pressed", "true")
    page.get_by_role("navigation", name="Forum").get_by_role(
        "link", name="Bookmarks"
    ).click()
    expect(page.get_by_role("main")).to_contain_text(f"{METRICS_TOPIC} #2")


def test_a_member_finds_the_reply_draft_after_leaving(site, page, login):
    login(page, "aigerim")
    topic = site + topic_path(METRICS_TOPIC, "en")
    page.goto(topic)
    page.get_by_label("Your reply").press_sequentially(
        "Half-written thoughts on reach", delay=5
    )
    expect(page.get_by_role("status").filter(has_text="Draft saved")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="News").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("News")
    page.goto(topic)

    expect(page.get_by_label("Your reply")).to_have_value(
        "Half-written thoughts on reach"
    )


def test_a_member_attaches_an_image(site, page, login):
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (32, 24), "#00607a").save(png, format="PNG")
    login(page, "aigerim")
    page.goto(site + topic_path(METRICS_TOPIC, "en"))

    page.get_by_label("Attach an image or file").set_input_files(
        {"name": "chart.png", "mimeType": "image/png", "buffer": png.getvalue()}
    )

    expect(page.get_by_label("Your reply")).to_have_value(re.compile(r"!\[.*\]\(.+\)"))
    expect(page.get_by_role("status").filter(has_text="chart.png")).to_be_visible()


def test_the_bell_opens_a_dropdown_without_leaving_the_page(site, page, login):
    login(page, "aigerim")
    page.goto(site + "/en/forum/")
    bell = page.locator(".site-header a.bell")
    bell.click()
    panel = page.locator("#bell-panel")
    expect(panel).to_be_visible()
    expect(bell).to_have_attribute("aria-expanded", "true")
    expect(page).to_have_url(site + "/en/forum/")
    expect(panel.locator(".bell-list li").first).to_be_visible()
    expect(panel.locator(".bell-list a").first).to_be_focused()
    box, width = panel.bounding_box(), page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(bell).to_be_focused()
    # The list page is one link away.
    bell.click()
    panel.get_by_role("link", name="See all notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
