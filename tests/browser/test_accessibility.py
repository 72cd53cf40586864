"""axe-core finds no serious or critical problem on any page type, in any language.

Each page is scanned as it first renders (htmx has loaded, nothing typed yet),
and a full-page screenshot of it is kept in test-results/screenshots/.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.conftest import (
    LANGUAGES,
    METRICS_TOPIC,
    NEWS_PATH,
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


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_type_passes_axe(site, page, login, screenshot, lang):
    public = {
        "home": f"/{lang}/",
        "seminar": SEMINAR_PATH.format(lang=lang),
        "news": NEWS_PATH.format(lang=lang),
        "forum-latest": f"/{lang}/forum/",
        "category": f"/{lang}/forum/c/social-media-strategy/",
        "topic": topic_path(METRICS_TOPIC, lang),
        "profile": f"/{lang}/forum/u/aigerim/",
        "search-results": f"/{lang}/search/?q=seminar",
        "login": f"/{lang}/accounts/login/",
        "sign-up": f"/{lang}/accounts/signup/",
    }
    members = {
        "composer": f"/{lang}/forum/new-topic/",
        "topic-member": topic_path(METRICS_TOPIC, lang),
    }

    problems = []
    for name, path in public.items():
        problems += scan(page, site, path, lang)
        screenshot(page, f"{name}-{lang}")
    login(page, "aigerim")
    for name, path in members.items():
        problems += scan(page, site, path, lang)
        screenshot(page, f"{name}-{lang}")

    assert not problems, "\n".join(problems)
