"""A member who uses only the keyboard logs in and replies to a topic.

Every Tab moves the focus on (nothing traps it), and the focused element shows
an outline.
"""

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import DEMO_PASSWORD, METRICS_TOPIC

pytestmark = pytest.mark.browser

MOVE_FOCUS = """() => {
    const moved = document.activeElement !== window.__lastFocus;
    window.__lastFocus = document.activeElement;
    return moved;
}"""
OUTLINE = """() => {
    const style = getComputedStyle(document.activeElement);
    return {style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until `target` has the focus; each press must move it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert page.evaluate(MOVE_FOCUS), "Tab left the focus where it was"
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {target}")


def assert_focus_visible(page: Page) -> None:
    outline = page.evaluate(OUTLINE)
    assert outline["style"] != "none" and outline["width"] > 0, outline


def test_a_keyboard_user_logs_in_and_replies(site, page, screenshot):
    page.goto(site + "/en/accounts/login/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    tab_to(page, page.get_by_label("Username or email"))
    assert_focus_visible(page)
    page.keyboard.type("aigerim")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="aigerim")).to_be_visible()

    page.goto(site + "/en/forum/")
    tab_to(page, page.get_by_role("link", name=METRICS_TOPIC))
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(METRICS_TOPIC)

    reply_box = page.get_by_label("Your reply")
    tab_to(page, reply_box)
    assert_focus_visible(page)
    page.keyboard.type("Typed without a mouse.")
    post_reply = page.get_by_role("button", name="Post reply")
    tab_to(page, post_reply)
    assert_focus_visible(page)
    screenshot(page, "topic-en-keyboard-focus")
    page.keyboard.press("Enter")

    posts = page.get_by_role("article", name=METRICS_TOPIC).get_by_role("article")
    expect(posts.last).to_contain_text("Typed without a mouse.")
    # The composer does not hold the focus: Tab goes through it and out.
    tab_to(page, reply_box)
    tab_to(page, post_reply)
    page.keyboard.press("Tab")
    assert post_reply.evaluate(
        "button => !button.form.contains(document.activeElement)"
    )
