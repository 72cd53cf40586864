"""Two members at once: daniyar sees that aigerim replied to his topic."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SUBTITLES_TOPIC, topic_path

pytestmark = pytest.mark.browser


def test_a_member_sees_the_unread_reply_another_member_posted(
    site, new_context, login, screenshot
):
    daniyar = new_context().new_page()
    login(daniyar, "daniyar")
    daniyar.goto(site + topic_path(SUBTITLES_TOPIC, "en"))
    posts = daniyar.get_by_role("article", name=SUBTITLES_TOPIC).get_by_role("article")
    expect(posts).to_have_count(2)
    daniyar.goto(site + "/en/forum/")
    row = daniyar.get_by_role("row").filter(
        has=daniyar.get_by_role("link", name=SUBTITLES_TOPIC)
    )
    unread_link = row.get_by_role("link", name="1 unread")
    expect(unread_link).to_have_count(0)
    unread_nav = daniyar.get_by_role("navigation", name="Forum").get_by_role(
        "link", name="Unread"
    )
    # The demo leaves daniyar other unread topics; this reply adds one to them.
    unread_before = int("0" + re.sub(r"\D", "", unread_nav.inner_text()))

    aigerim = new_context().new_page()
    login(aigerim, "aigerim")
    aigerim.goto(site + topic_path(SUBTITLES_TOPIC, "en"))
    aigerim.get_by_label("Your reply").fill("We also burn subtitles into reels.")
    aigerim.get_by_role("button", name="Post reply").click()
    expect(
        aigerim.get_by_role("article", name=SUBTITLES_TOPIC).get_by_role("article")
    ).to_have_count(3)

    daniyar.reload()
    expect(unread_link).to_be_visible()
    expect(unread_nav).to_have_text(f"Unread {unread_before + 1}")
    screenshot(daniyar, "forum-latest-en-unread")

    unread_link.click()
    expect(daniyar).to_have_url(re.compile(r"/3/(#post-3)?$"))
    expect(posts.last).to_contain_text("We also burn subtitles into reels.")
