"""Browser tests: Debian's Chromium, driven by Playwright, against live_server.

pytest-playwright shares one browser for the session and gives each test a fresh
context. Playwright's own browser download does not work on CI's closed network,
so the system Chromium is launched instead; when it is missing or cannot start,
the tests skip with the reason on a developer's machine and fail when CI=true,
like every other service (tests/conftest.py).

live_server tests are transactional: the database is flushed after each one, so
every test asks for `site`, which reloads the demo content when it has gone.
Tests find things the way a person does, by role, label and text; the markup
is written so that this works.
"""

import os
import shutil
from contextlib import suppress
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.conftest import service_missing

# Without the background-networking flags Chromium keeps dialling Google's
# services, and a closed network refuses those connections.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "demo-forum-2026"  # noqa: S105 - the demo accounts' published password
# The password make_user (tests/forum_fixtures.py) gives the members it creates.
MEMBER_PASSWORD = "pw-12345678"  # noqa: S105 - a test-only password
PHONE = {"width": 390, "height": 844}
LANGUAGES = ["kk", "ru", "en"]
SEMINAR_PATH = "/{lang}/seminars/strategic-digital-communications-astana/"
NEWS_PATH = "/{lang}/news/press-services-seminar-astana/"
# Demo threads (forum/management/demo.py) the tests use.
METRICS_TOPIC = "Which metrics do you report to leadership every week?"
SUBTITLES_TOPIC = "Subtitles on every video: worth the effort?"
MEMBERS_ONLY_TOPIC = "Түнгі ақпараттық шабуыл: алғашқы 60 минут"

# Web-first assertions retry; ten seconds is ample on a loaded two-core machine.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test's thread, and Django
    refuses ORM calls from a thread with a running loop. These tests only touch
    the ORM between browser calls, never concurrently with them. Set from the
    first browser test to the end of the session (the test database is dropped
    while Playwright's loop may still run), not at import: a session without
    browser tests never sees it, and `check --deploy` rightly refuses it.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def chromium_path() -> str:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
        or "/usr/bin/chromium"
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium (`--browser-channel` does not find it)."""
    executable = chromium_path()
    if not os.access(executable, os.X_OK):
        service_missing(
            "Chromium", executable, FileNotFoundError("no Chromium executable")
        )
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser(launch_browser, browser_type_launch_args):
    """pytest-playwright's shared browser; a failed launch is a missing service."""
    try:
        browser = launch_browser()
    except PlaywrightError as error:
        service_missing("Chromium", browser_type_launch_args["executable_path"], error)
    yield browser
    browser.close()


@pytest.fixture
def context(context):
    """Fail in seconds, not Playwright's default half-minute, when a step hangs."""
    context.set_default_timeout(10_000)
    return context


# Runs in every frame before the page's own scripts (an init script is not
# subject to the page's Content-Security-Policy) and hands each violation the
# browser reports to the test.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.__reportCspViolation({
        page: document.location.href,
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`,
        disposition: event.disposition,
    });
}, true);
"""


@pytest.fixture
def new_context(new_context, site):
    """pytest-playwright's context factory (so also `context` and `page`), with
    the Content-Security-Policy watched in every context a test opens: the test
    fails when any page reports a violation (something the site needs was
    blocked) or when a page of the site came without the header.
    """
    violations: list[dict] = []
    contexts = []

    def check_header(response) -> None:
        if (
            response.request.resource_type == "document"
            and response.url.startswith(site)
            and "content-security-policy" not in response.headers
        ):
            violations.append({"page": response.url, "missing": "the CSP header"})

    def create(**kwargs):
        context = new_context(**kwargs)
        context.expose_binding(
            "__reportCspViolation", lambda source, report: violations.append(report)
        )
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("response", check_header)
        contexts.append(context)
        return context

    yield create
    # A round trip to each open page delivers the reports still on their way.
    for context in contexts:
        for open_page in context.pages:
            # A page closed or navigating away delivered its reports before.
            with suppress(PlaywrightError):
                open_page.evaluate("0")
    reports = dict.fromkeys(map(str, violations))  # each once, in order
    assert not reports, "Content-Security-Policy problems:\n" + "\n".join(reports)


@pytest.fixture
def site(live_server, demo, settings) -> str:
    """The live server's URL, with the demo content in place, and the page
    caches on as in production (pagecache/): every journey also checks that
    what a visitor or member just did shows on their next page."""
    settings.PAGE_CACHE_SECONDS = 120
    return live_server.url


@pytest.fixture
def login(site):
    """Log `page` in as `username` through the real log-in form (a demo account
    unless `password` says otherwise: MEMBER_PASSWORD for make_user's members)."""

    def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{site}/en/accounts/login/")
        page.get_by_label("Username or email").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        # In the header's menu, which a phone folds away.
        account = page.get_by_role("navigation", name="Account", include_hidden=True)
        expect(
            account.get_by_role("link", name=username, include_hidden=True)
        ).to_have_count(1)

    return log_in


@pytest.fixture
def admin_login(site):
    """Sign `page` in to Wagtail's admin as `username` through its own form."""

    def sign_in(page: Page, username: str) -> None:
        page.goto(f"{site}/admin/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()

    return sign_in


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig) -> Path:
    """test-results/screenshots (git-ignored), emptied once per browser session."""
    path = pytestconfig.rootpath / "test-results" / "screenshots"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture
def screenshot(screenshot_dir):
    def take(page: Page, name: str) -> None:
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)

    return take


def topic_path(title: str, lang: str) -> str:
    """A demo topic's URL under the `lang` prefix."""
    from forum.models import Topic

    topic = Topic.objects.get(title=title)
    with translation.override(lang):
        return reverse("forum:topic", args=[topic.slug, topic.pk])


def assert_fits_the_screen(page: Page) -> None:
    """Nothing pushes the page wider than the viewport (no sideways scrolling)."""
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["view"], f"{page.url} overflows: {widths}"


def select_text(page: Page, container, text: str) -> None:
    """Select `text` inside `container` (a Locator) as a mouse drag would."""
    container.evaluate(
        """(element, text) => {
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const start = node.textContent.indexOf(text);
                if (start === -1) continue;
                const range = document.createRange();
                range.setStart(node, start);
                range.setEnd(node, start + text.length);
                const selection = document.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return;
            }
            throw new Error("text not found: " + text);
        }""",
        text,
    )
