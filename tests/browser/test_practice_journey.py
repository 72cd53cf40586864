"""From a seminar to the practices library, as the people involved do it: a
visitor follows "Discuss this seminar" through log-in and asks; a second
member answers; the author accepts the answer; a moderator proposes it for
the library; the editor approves it in Wagtail's admin and translates it into
Russian; a visitor finds it through the Russian search and on the seminar's
page (issue #14)."""

import pytest
from playwright.sync_api import expect

from home.models import PracticePage
from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.test_editor import translate_segment

pytestmark = pytest.mark.browser

SEMINAR = "/en/seminars/strategic-digital-communications-astana/"
QUESTION = "How do we report Telegram forwards to leadership?"
QUESTION_RU = "Как отчитываться руководству о пересылках в Telegram?"
ANSWER = "Count forwards per post weekly and show the three best posts with reasons."


def log_in_here(page, username: str) -> None:
    """The log-in form the site has just sent `page` to."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_seminar_question_becomes_a_practice_found_in_russian(
    site, new_context, login, admin_login, screenshot
):
    def person():
        context = new_context()
        context.set_default_timeout(15_000)
        return context.new_page()

    # A visitor on the seminar page starts a discussion and logs in on the way.
    asker = person()
    asker.goto(site + SEMINAR)
    discussion = asker.get_by_role("region", name="Discussion in the forum")
    expect(discussion).to_be_visible()
    discussion.get_by_role("link", name="Discuss this seminar").click()
    log_in_here(asker, "aigerim")
    expect(asker.get_by_role("heading", level=1)).to_have_text("New topic")
    card = asker.get_by_role("complementary", name="Discusses")
    expect(card).to_contain_text("About the seminar")
    asker.get_by_label("Title").fill(QUESTION)
    asker.get_by_label("Your post").fill(
        "Leadership wants one number a week. Which one shows the channel works?"
    )
    asker.get_by_label("Language of the topic").select_option("en")
    screenshot(asker, "practice-journey-composer-en")
    asker.get_by_role("button", name="Create topic").click()
    expect(asker.get_by_role("heading", level=1)).to_have_text(QUESTION)
    expect(asker.get_by_role("complementary", name="Discusses")).to_contain_text(
        "Strategic digital communications"
    )
    topic_url = asker.url

    # A second member answers.
    answerer = person()
    login(answerer, "daniyar")
    answerer.goto(topic_url)
    answerer.get_by_label("Your reply").fill(ANSWER)
    answerer.get_by_role("button", name="Post reply").click()
    thread = answerer.get_by_role("article", name=QUESTION).get_by_role("article")
    expect(thread).to_have_count(2)

    # The author accepts it.
    asker.reload()
    reply = asker.get_by_role("article").filter(has_text=ANSWER).last
    reply.get_by_role("button", name="Accept as answer").click()
    expect(asker.get_by_role("complementary", name="✓ Accepted answer")).to_be_visible()

    # A moderator proposes it for the library and lands on the draft.
    moderator = person()
    login(moderator, "moderator")
    moderator.goto(topic_url)
    moderator.get_by_role("button", name="Propose for the library").click()
    # Into the admin's editor of the draft, for a moderator who uses the
    # admin (the demo's does; one made by a test's fixture may not).
    expect(moderator.get_by_role("heading", level=1)).to_contain_text(QUESTION)
    draft = PracticePage.objects.get(source_topic__title=QUESTION)
    assert not draft.live
    draft_url = f"{site}/admin/pages/{draft.pk}/edit/"
    screenshot(moderator, "practice-journey-proposed")

    # The editor approves and publishes it, then translates it into Russian.
    editor = person()
    admin_login(editor, "editor")
    editor.goto(draft_url)
    editor.get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name="Approve and Publish").click()
    expect(editor.get_by_role("status").first).to_contain_text(QUESTION)
    editor.goto(draft_url)
    editor.get_by_role("navigation", name="Actions").get_by_role(
        "button", name="Actions", exact=True
    ).click()
    editor.get_by_role("link", name="Translate this page").click()
    editor.get_by_label("Русский").check()
    editor.get_by_role("button", name="Submit").click()
    content = editor.get_by_role("tabpanel", name="Content")
    translate_segment(content, "Title", QUESTION_RU)
    screenshot(editor, "practice-journey-translation-ru")
    editor.get_by_role("button", name="Publish in Русский").click()
    expect(editor.get_by_role("status").first).to_contain_text("Русский")

    # A visitor finds it in Russian, and from the seminar's page.
    reader = person()
    reader.goto(site + "/ru/search/?q=пересылках+type:practice")
    result = reader.get_by_role("main").get_by_role("link", name=QUESTION_RU)
    expect(result).to_be_visible()
    screenshot(reader, "practice-journey-search-ru")
    result.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(QUESTION_RU)
    expect(reader.get_by_role("link", name="The forum discussion")).to_have_count(0)
    expect(reader.get_by_role("link", name="Обсуждение на форуме")).to_be_visible()
    reader.goto(site + SEMINAR.replace("/en/", "/ru/", 1))
    expect(
        reader.get_by_role("region", name="Из библиотеки практик").get_by_role(
            "link", name=QUESTION_RU
        )
    ).to_be_visible()
    # The thread says where its answer went.
    reader.goto(topic_url)
    expect(
        reader.get_by_text("This answer is in the practices library")
    ).to_be_visible()
