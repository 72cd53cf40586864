"""An editor (the demo "editor", Айгүл) writes news in Wagtail's admin, translates
it into Russian with wagtail-localize, and a visitor finds the Russian article
through the public search."""

import re

import pytest
from playwright.sync_api import expect

from home import demo_content

pytestmark = pytest.mark.browser

KK = {
    "title": "Баспасөз хатшылары медиасауаттылық туралы кездесті",
    "summary": "Алматыда баспасөз қызметтері медиасауаттылық жаттығуын өткізді.",
    "body": "Қатысушылар жалған ақпаратты тану әдістерін талқылады.",
}
RU = {
    "title": "Пресс-секретари встретились, чтобы обсудить медиаграмотность",
    "summary": "В Алматы пресс-службы провели тренинг по медиаграмотности.",
    "body": "Участники обсудили приёмы распознавания ложной информации.",
    "slug": "press-sekretari-obsudili-mediagramotnost",
}
ARTICLE_DATE = "2026-03-12"
ARTICLE_DATE_RU = "12 марта 2026"


def translate_segment(panel, heading: str, translated: str) -> None:
    """Translate one field in wagtail-localize's translation editor.

    Each translatable field is a list item headed by the field's or the block's
    name, holding the source text and a "Translate" button. The text area that
    button opens has no label (wagtail-localize's markup), so it is found as the
    only textbox inside the item under its heading.
    """
    segment = panel.get_by_role("listitem").filter(
        has=panel.page.get_by_role("heading", name=heading, exact=True)
    )
    segment.get_by_role("button", name="Translate").click()
    segment.get_by_role("textbox").fill(translated)
    segment.get_by_role("button", name="Save").click()
    expect(segment.get_by_role("button", name="Edit")).to_be_visible()
    expect(segment).to_contain_text(translated)


def test_an_editor_publishes_news_translates_it_into_russian_and_a_visitor_finds_it(
    site, page, new_context, admin_login, screenshot
):
    admin_login(page, "editor")

    # To the Kazakh news index through the sidebar's page explorer.
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "button", name="Pages"
    ).click()
    explorer = page.get_by_role("dialog", name="Page explorer")
    explorer.get_by_role(
        "link", name=f"View child pages of '{demo_content.HOME['kk']['title']}'"
    ).click()
    explorer.get_by_role(
        "link", name=demo_content.NEWS_INDEX["kk"]["title"], exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Exploring: {demo_content.NEWS_INDEX['kk']['title']}"
    )

    # A news index takes only news articles, so the form opens straight away.
    page.get_by_role("link", name="Add child page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New: News article")
    page.get_by_role("textbox", name="Title*").fill(KK["title"])
    page.get_by_role("textbox", name="Date*").fill(ARTICLE_DATE)
    page.get_by_role("textbox", name="Summary*").fill(KK["summary"])
    body = page.get_by_role("region", name="Body*")
    body.get_by_role("button", name="Insert a block").click()
    body.get_by_role("option", name="Paragraph").click()
    # Draftail's editable area has no accessible name of its own; it is the only
    # textbox in the paragraph block's region, which is named after the block.
    body.get_by_role("region", name="Paragraph").get_by_role("textbox").fill(KK["body"])
    # Draftail copies the text into the form's hidden input 250 ms after the last
    # keystroke; a form sent before that loses the paragraph. The hidden input is
    # the only witness of that copy, hence the one attribute selector.
    expect(page.locator("input[name='body-0-value']")).to_have_value(
        re.compile(re.escape(KK["body"]))
    )
    screenshot(page, "admin-news-edit-kk")

    # The demo editor is a superuser: Wagtail offers "Publish" beside "Submit to
    # News review", and publishing directly is what the editor does here. The
    # moderator's side of the workflow belongs to the moderator journey.
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Page '{KK['title']}' created and published."
    )

    page.get_by_role("main").get_by_role("link", name=KK["title"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Editing News article: {KK['title']}"
    )
    page.get_by_role("navigation", name="Actions").get_by_role(
        "button", name="Actions", exact=True
    ).click()
    page.get_by_role("link", name="Translate this page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Translate page {KK['title']}"
    )
    page.get_by_label("Русский").check()
    page.get_by_role("button", name="Submit").click()

    content = page.get_by_role("tabpanel", name="Content")
    expect(content.get_by_role("heading", level=3).first).to_have_text(
        "Қазақша to Русский translation"
    )
    translate_segment(content, "Title", RU["title"])
    translate_segment(content, "Summary", RU["summary"])
    translate_segment(content, "Paragraph", RU["body"])
    screenshot(page, "admin-translation-editor-ru")
    # The slug is a segment too: the Russian article gets a Russian address.
    page.get_by_role("tab", name="Promote").click()
    translate_segment(page.get_by_role("tabpanel", name="Promote"), "Slug", RU["slug"])

    page.get_by_role("button", name="Publish in Русский").click()
    # Not "… with missing translations": every segment was translated.
    expect(page.get_by_role("status").first).to_have_text(
        re.compile(r"Published '.+' in Русский\.\s*$")
    )

    visitor = new_context()
    visitor.set_default_timeout(10_000)
    reader = visitor.new_page()
    reader.goto(site + "/ru/search/")
    search_box = reader.get_by_label(
        "Поиск по страницам, материалам, темам и сообщениям"
    )
    search_box.fill("медиаграмотность")
    search_box.press("Enter")

    results = (
        reader.get_by_role("main")
        .get_by_role("list")
        .filter(has=reader.get_by_role("heading", level=2))
    )
    results.get_by_role("link", name=RU["title"]).click()
    expect(reader).to_have_url(f"{site}/ru/news/{RU['slug']}/")
    expect(reader.locator("html")).to_have_attribute("lang", "ru")
    expect(reader.get_by_role("heading", level=1)).to_have_text(RU["title"])
    article = reader.get_by_role("main")
    expect(article).to_contain_text(ARTICLE_DATE_RU)
    expect(article).to_contain_text(RU["summary"])
    expect(article).to_contain_text(RU["body"])
    screenshot(reader, "news-ru-found-through-search")
