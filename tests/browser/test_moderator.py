"""A member flags a post; the moderator hides it from the review queue; the author
sees the outcome and a visitor sees only that it was hidden. Also axe on the
review queue in every language.

alma starts the topic, bolat replies, saule flags the reply (trust level 1: her
flag alone hides nothing), mod_zhan is in the Moderators group. The demo's own
flagged post waits in the queue as well.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LANGUAGES, MEMBER_PASSWORD, topic_path
from tests.browser.test_accessibility import scan

pytestmark = pytest.mark.browser

TITLE = "Who signs off the ministry's weekly digest?"
REPLY = "The deputy minister signs it, usually on Thursday evening."
NOTE = "Names a person who asked not to be named here."


@pytest.fixture
def flagged_reply(make_topic, member, member2):
    """bolat's reply, #2 in alma's topic."""
    from forum.discussions import services

    topic = make_topic(author=member, title=TITLE)
    return services.post_create(actor=member2, topic=topic, raw=REPLY)


def new_page(new_context):
    context = new_context()
    context.set_default_timeout(10_000)
    return context.new_page()


def account_nav(page):
    return page.get_by_role("navigation", name="Account")


def test_a_member_flags_a_post_and_the_moderator_hides_it_from_the_review_queue(
    site,
    page,
    new_context,
    login,
    screenshot,
    flagged_reply,
    member2,
    member3,
    moderator,
):
    """Flags a post as a member, then, as the moderator, hides it from the review
    queue; the author sees the outcome."""
    from forum.models import ReviewItem

    topic_url = site + topic_path(TITLE, "en")
    pending_before = ReviewItem.objects.filter(status=ReviewItem.Status.PENDING).count()

    # saule flags bolat's reply, with a note since none of the reasons fits.
    login(page, member3.username, MEMBER_PASSWORD)
    page.goto(topic_url)
    reply = page.get_by_role("article", name=member2.username)
    expect(reply).to_contain_text(REPLY)
    # In the post's "more" menu, a link to the flag page, named for its post.
    flag = reply.get_by_role("link", name="Flag post #2 for the moderators")
    expect(flag).to_be_hidden()
    reply.locator("summary").click()
    flag.click()
    expect(page.get_by_role("heading", name="Flag for the moderators")).to_be_visible()
    form = page.locator("form.flag-form")
    form.get_by_label("Something else").check()
    form.get_by_label("Note for the moderators").fill(NOTE)
    form.get_by_role("button", name="Send to the moderators").click()
    expect(
        page.get_by_role("status").filter(
            has_text="Thank you. The moderators will look at it."
        )
    ).to_be_visible()
    expect(page).to_have_url(re.compile(r"/2/#post-2$"))
    # One flag from a level-1 member hides nothing.
    expect(reply).to_contain_text(REPLY)

    # The moderator finds it in the queue.
    mod = new_page(new_context)
    login(mod, moderator.username, MEMBER_PASSWORD)
    review = account_nav(mod).get_by_role(
        "link", name=f"Review {pending_before + 1} waiting"
    )
    review.click()
    expect(mod.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(review).to_have_attribute("aria-current", "page")
    item = mod.get_by_role("article", name=f"{TITLE} #2")
    expect(item).to_contain_text(REPLY)
    expect(item.get_by_role("listitem")).to_contain_text(
        f"Something else · {member3.username} ({member3.username}): “{NOTE}”"
    )
    screenshot(mod, "review-queue-en-flagged")

    item.get_by_role("button", name="Hide", exact=True).click()

    expect(mod.get_by_role("status").filter(has_text="Hidden.")).to_be_visible()
    expect(item).to_have_count(0)
    mod.reload()
    expect(item).to_have_count(0)
    if pending_before:
        expect(
            account_nav(mod).get_by_role(
                "link", name=f"Review {pending_before} waiting"
            )
        ).to_be_visible()
    else:
        expect(account_nav(mod).get_by_role("link", name="Review")).to_be_visible()
    screenshot(mod, "review-queue-en-after-hide")

    # bolat hears about it and still reads his post, marked hidden.
    author = new_page(new_context)
    login(author, member2.username, MEMBER_PASSWORD)
    account_nav(author).get_by_role("link", name="1 unread notification").click()
    author.locator("#bell-panel").get_by_role(
        "link", name="See all notifications"
    ).click()
    outcome = author.get_by_role("main").get_by_role(
        "link", name="A moderator hid your post."
    )
    expect(outcome).to_be_visible()
    screenshot(author, "notifications-en-post-hidden")
    outcome.click()
    expect(author).to_have_url(re.compile(r"/2/#post-2$"))
    own = author.get_by_role("article", name=member2.username)
    expect(own.get_by_role("note")).to_have_text(
        "The moderators hid this post. Only its author and the moderators can read it."
    )
    expect(own).to_contain_text(REPLY)
    screenshot(author, "topic-en-hidden-post-author")

    # A visitor sees that it was hidden, not what it said.
    visitor = new_page(new_context)
    visitor.goto(topic_url)
    hidden = visitor.get_by_role("article", name=member2.username)
    expect(hidden).to_contain_text("This post was hidden by the moderators.")
    expect(hidden).not_to_contain_text(REPLY)
    screenshot(visitor, "topic-en-hidden-post-visitor")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_review_queue_passes_axe(
    site, page, login, screenshot, flagged_reply, member3, moderator, lang
):
    """Scanned with a flagged reply (and the demo's flagged post) waiting."""
    from forum.moderation import services as moderation

    moderation.flag_create(actor=member3, post=flagged_reply, reason="other", note=NOTE)
    login(page, moderator.username, MEMBER_PASSWORD)

    problems = scan(page, site, f"/{lang}/forum/review/", lang)
    screenshot(page, f"review-queue-{lang}")

    assert not problems, "\n".join(problems)
