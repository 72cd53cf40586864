"""axe-core finds no serious or critical problem on any page type, in any language.

Each page is scanned as it first renders (htmx has loaded, nothing typed yet),
on a desktop and on a phone, and a full-page screenshot of it is kept in
test-results/screenshots/<device>-<page>-<language>.png.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import (
    LANGUAGES,
    METRICS_TOPIC,
    NEWS_PATH,
    PHONE,
    SEMINAR_PATH,
    topic_path,
)

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
AXE = Axe()


def scan(page: Page, site: str, path: str, lang: str) -> list[str]:
    """The page's serious and critical violations, as readable lines."""
    page.goto(site + path)
    assert page.locator("html").get_attribute("lang") == lang, path
    results = AXE.run(page).response
    return [
        f"{path}: {violation['id']} ({violation['impact']}): {violation['help']} "
        f"at {', '.join(str(node['target']) for node in violation['nodes'][:5])}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
    ]


PUBLIC = {
    "home": "/{lang}/",
    "seminars": "/{lang}/seminars/",
    "seminar": SEMINAR_PATH,
    "news-index": "/{lang}/news/",
    "news": NEWS_PATH,
    "practices": "/{lang}/practices/",
    "practice": "/{lang}/practices/who-checks-translations/",
    "forum-latest": "/{lang}/forum/",
    "categories": "/{lang}/forum/categories/",
    "category": "/{lang}/forum/c/social-media-strategy/",
    "topic": "topic",
    "profile": "/{lang}/forum/u/aigerim/",
    "search-results": "/{lang}/search/?q=seminar",
    "search-error": "/{lang}/search/?q=after:2026-13-45",
    "login": "/{lang}/accounts/login/",
    "sign-up": "/{lang}/accounts/signup/",
    "password-reset": "/{lang}/accounts/password/reset/",
    "privacy": "/{lang}/privacy/",
}
MEMBER = {
    "composer": "/{lang}/forum/new-topic/",
    "topic-member": "topic",
    "notifications": "/{lang}/forum/notifications/",
    "preferences": "/{lang}/forum/preferences/",
    "bookmarks": "/{lang}/forum/bookmarks/",
    "profile-edit": "/{lang}/forum/profile/edit/",
    "e-mail-addresses": "/{lang}/accounts/email/",
}
MODERATOR = {
    "review-queue": "/{lang}/forum/review/",
    # The solved topic whose answer is in the practices library.
    "topic-solved": "topic:Үш тілде жариялау: аударманы кім тексереді?",
}
# Not `device`: pytest-playwright has a fixture of that name.
SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_type_passes_axe(site, new_context, login, screenshot, lang, screen):
    """And on a phone no page is wider than the screen. The screenshots of
    every page type, language and device are kept for people to look at."""
    problems = []

    def visit(page, pages):
        for name, path in pages.items():
            if path == "topic":
                path = topic_path(METRICS_TOPIC, lang)
            elif path.startswith("topic:"):
                path = topic_path(path.removeprefix("topic:"), lang)
            path = path.format(lang=lang)
            problems.extend(scan(page, site, path, lang))
            if screen == "phone":
                width = page.evaluate(
                    "[document.documentElement.scrollWidth, window.innerWidth]"
                )
                if width[0] > width[1]:
                    problems.append(
                        f"{path}: {width[0]} px wide on a {width[1]} px phone"
                    )
            screenshot(page, f"{screen}-{name}-{lang}")

    visitor = new_context(**SCREENS[screen]).new_page()
    visit(visitor, PUBLIC)
    member = new_context(**SCREENS[screen]).new_page()
    login(member, "aigerim")
    visit(member, MEMBER)
    moderator = new_context(**SCREENS[screen]).new_page()
    login(moderator, "moderator")
    visit(moderator, MODERATOR)

    assert not problems, "\n".join(problems)
