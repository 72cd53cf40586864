"""Second member: sees the unread count, gets the notification and follows it to
the post; then reads everything at once. Also axe on the pages a member reads
notifications and e-mail settings on, in every language.

alma and bolat are members that make_user creates (trust level 1), so the demo's
own notifications do not blur the counts.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LANGUAGES, MEMBER_PASSWORD, topic_path
from tests.browser.test_accessibility import scan

pytestmark = pytest.mark.browser

TITLE = "Press accreditation for the spring seminar"


def bell(page, name: str):
    """The header's notifications link, found by the name a screen reader hears."""
    return page.get_by_role("navigation", name="Account").get_by_role(
        "link", name=name, exact=True
    )


def open_notifications(page, bell_name: str):
    """Opens the bell's dropdown and, from it, the notifications page."""
    bell(page, bell_name).click()
    page.locator("#bell-panel").get_by_role(
        "link", name="See all notifications"
    ).click()


def test_a_member_follows_a_mention_notification_to_the_post_and_reads_all(
    site, page, new_context, login, screenshot, make_topic, member, member2
):
    """alma mentions bolat in a reply to his topic; bolat hears the bell announce
    it, opens it, lands on the reply, and later marks two more read at once."""
    from forum.discussions import services

    alma, bolat = member, member2
    topic = make_topic(author=bolat, title=TITLE)

    # alma replies through the composer and mentions bolat.
    writer_context = new_context()
    writer_context.set_default_timeout(10_000)
    writer = writer_context.new_page()
    login(writer, alma.username, MEMBER_PASSWORD)
    writer.goto(site + topic_path(TITLE, "en"))
    writer.get_by_label("Your reply").fill("@bolat the list closes on Friday.")
    writer.get_by_role("button", name="Post reply").click()
    thread = writer.get_by_role("article", name=TITLE).get_by_role("article")
    expect(thread).to_have_count(2)

    login(page, bolat.username, MEMBER_PASSWORD)
    # The dropdown shows the mention; the page lists it too.
    bell(page, "1 unread notification").click()
    panel = page.locator("#bell-panel")
    expect(
        panel.get_by_role("link", name=re.compile("alma mentioned you"))
    ).to_be_visible()
    panel.get_by_role("link", name="See all notifications").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    # The page lists it unread: opening the list reads nothing.
    expect(bell(page, "1 unread notification")).to_have_attribute(
        "aria-current", "page"
    )
    items = (
        page.get_by_role("main")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("button", name=re.compile("^Mark as read")))
    )
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Unread")
    expect(items.first).to_contain_text(TITLE)
    screenshot(page, "notifications-en-one-unread")

    items.first.get_by_role("link", name="alma mentioned you").click()

    expect(page).to_have_url(
        re.compile(re.escape(f"{topic_path(TITLE, 'en')}2/#post-2") + "$")
    )
    reply = page.get_by_role("article", name="alma")
    expect(reply).to_contain_text("the list closes on Friday.")
    expect(reply).to_be_in_viewport()
    expect(bell(page, "Notifications")).to_be_visible()
    expect(bell(page, re.compile("unread notification"))).to_have_count(0)

    # Two more, written while bolat is away: a second mention and a like.
    services.post_create(actor=alma, topic=topic, raw="And @bolat, bring two photos.")
    services.like_toggle(actor=alma, post=topic.posts.get(number=1))
    # Away from the topic: reading it would read what points into it.
    page.goto(site + "/en/forum/")
    open_notifications(page, "2 unread notifications")
    page.get_by_role("navigation", name="Show notifications").get_by_role(
        "link", name="Unread"
    ).click()
    expect(page).to_have_url(re.compile(r"\?filter=unread$"))
    unread = (
        page.get_by_role("main")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("button", name=re.compile("^Mark as read")))
    )
    expect(unread).to_have_count(2)
    expect(unread.get_by_role("link", name="alma mentioned you")).to_be_visible()
    expect(unread.get_by_role("link", name="alma liked your post")).to_be_visible()
    screenshot(page, "notifications-en-two-unread")

    page.get_by_role("button", name="Mark all as read").click()

    expect(
        page.get_by_role("status").filter(
            has_text="All notifications are marked as read."
        )
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?filter=unread$"))
    expect(page.get_by_role("main")).to_contain_text(
        "You have read all your notifications."
    )
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    expect(bell(page, "Notifications")).to_be_visible()
    page.get_by_role("navigation", name="Show notifications").get_by_role(
        "link", name="All"
    ).click()
    expect(
        page.get_by_role("main").get_by_role(
            "link", name=re.compile("^alma (mentioned you|liked your post)$")
        )
    ).to_have_count(3)
    expect(page.get_by_role("button", name=re.compile("^Mark as read"))).to_have_count(
        0
    )
    screenshot(page, "notifications-en-all-read")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_notifications_and_preferences_pages_pass_axe(
    site, page, login, screenshot, make_topic, member, member2, lang
):
    """Scanned with a read and an unread notification on the page."""
    from forum.discussions import services
    from forum.notifications import services as notifications

    topic = make_topic(author=member2, title=TITLE)
    services.post_create(actor=member, topic=topic, raw="@bolat read this one.")
    services.post_create(actor=member, topic=topic, raw="@bolat and this one too.")
    notifications.notification_mark_read(
        actor=member2, notification=member2.notifications.order_by("pk").first()
    )
    login(page, member2.username, MEMBER_PASSWORD)

    problems = []
    for name, path in {
        "notifications": f"/{lang}/forum/notifications/",
        "preferences": f"/{lang}/forum/preferences/",
    }.items():
        problems += scan(page, site, path, lang)
        screenshot(page, f"{name}-{lang}")

    assert not problems, "\n".join(problems)
