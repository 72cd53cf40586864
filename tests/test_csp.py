"""The Content-Security-Policy: on every page, strict on the public site.

Every page type, in kk, ru and en, for a visitor, a member, a moderator and
staff, answers with a Content-Security-Policy that allows only the site's own
scripts and styles, and its HTML carries nothing that policy would refuse (no
inline script, event handler, style attribute or <style> element), so nothing a
page needs is blocked. The admin's pages get their own policy (config/csp.py).
The browser suite (tests/browser/conftest.py) fails on any violation a page
reports while the journeys run.
"""

import copy
import json
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_comments_xtd.models import XtdComment
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from forum.conf import conf
from forum.discussions import selectors
from forum.models import Post, Topic
from home.models import NewsIndexPage, NewsPage, SeminarIndexPage, SeminarPage
from tests.home.test_comments import form_fields

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en"]
# Demo content (forum/management/demo.py): a public category and topic, and a
# members-only one.
CATEGORY = "social-media-strategy"
TOPIC = "Which metrics do you report to leadership every week?"
MEMBERS_ONLY_TOPIC = "Түнгі ақпараттық шабуыл: алғашқы 60 минут"
# <script> elements that hold data for a script file: the browser runs none.
DATA_SCRIPTS = {"application/json", "application/ld+json", "text/template"}


def policy(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, directive by directive."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


class InlineCode(HTMLParser):
    """What in a page's HTML the public policy would refuse."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            if attrs.get("type") not in DATA_SCRIPTS:
                self.found.append("an inline <script>")
        if tag == "style":
            self.found.append("a <style> element")
        if "style" in attrs:
            self.found.append(f"a style attribute on <{tag}>")
        self.found += [f"{name}= on <{tag}>" for name in attrs if name[:2] == "on"]
        self.found += [
            f"a javascript: URL in <{tag} {name}>"
            for name, value in attrs.items()
            if (value or "").strip().lower().startswith("javascript:")
        ]

    handle_startendtag = handle_starttag


def problems(response, label: str) -> list[str]:
    """What is wrong with one public page's policy and markup."""
    rules = policy(response)
    if not rules:
        return [f"{label}: no Content-Security-Policy header"]
    expected = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    found = [
        f"{label}: {name} is {rules.get(name)}, not {values}"
        for name, values in expected.items()
        if rules.get(name) != values
    ]
    found += [
        f"{label}: {name} allows {value}"
        for name, values in rules.items()
        for value in values
        if value.startswith("'unsafe-")
    ]
    if "html" in response.get("Content-Type", ""):
        parser = InlineCode()
        parser.feed(response.content.decode())
        found += [f"{label}: {what}" for what in dict.fromkeys(parser.found)]
    return found


def check(client, pages: dict[str, str], status: int = 200) -> list[str]:
    found = []
    for label, path in pages.items():
        response = client.get(path)
        if response.status_code != status:
            found.append(f"{label} ({path}): answered {response.status_code}")
        found += problems(response, f"{label} ({path})")
    return found


def user(username: str):
    return get_user_model().objects.get(username=username)


def cms_url(model, lang: str) -> str:
    return model.objects.live().get(locale__language_code=lang).url


def topic_url(title: str, lang: str) -> str:
    topic = Topic.objects.get(title=title)
    with translation.override(lang):
        return topic.get_absolute_url()


def public_pages(lang: str) -> dict[str, str]:
    news = NewsPage.objects.live().filter(locale__language_code=lang).first()
    seminar = SeminarPage.objects.live().filter(locale__language_code=lang).first()
    with translation.override(lang):
        return {
            "home": f"/{lang}/",
            "seminar index": cms_url(SeminarIndexPage, lang),
            "seminar": seminar.url,
            "news index": cms_url(NewsIndexPage, lang),
            "news": news.url,
            "forum latest": reverse("forum:latest"),
            "forum top": reverse("forum:top"),
            "categories": reverse("forum:categories"),
            "category": reverse("forum:category", args=[CATEGORY]),
            "tag": reverse("forum:tag", args=["metrics"]),
            "topic": topic_url(TOPIC, lang),
            "profile": reverse("forum:profile", args=["aigerim"]),
            "search": reverse("search"),
            "search results": reverse("search") + "?q=seminar",
        }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_type_is_strict_for_a_visitor(client, demo, lang):
    with translation.override(lang):
        pages = public_pages(lang) | {
            "log-in": reverse("account_login"),
            "sign-up": reverse("account_signup"),
            "password reset": reverse("account_reset_password"),
        }
    found = check(client, pages)
    found += check(
        client,
        {
            "missing page": f"/{lang}/no-such-page/",
            "members-only topic": topic_url(MEMBERS_ONLY_TOPIC, lang),
        },
        status=404,
    )
    assert not found, "\n".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_member_page_type_is_strict(client, demo, lang):
    aigerim = user("aigerim")
    client.force_login(aigerim)
    topic = Topic.objects.get(title=TOPIC)
    post = Post.objects.filter(topic=topic).exclude(author=aigerim).first()
    with translation.override(lang):
        pages = public_pages(lang) | {
            "unread": reverse("forum:unread"),
            "new": reverse("forum:new"),
            "bookmarks": reverse("forum:bookmarks"),
            "notifications": reverse("forum:notifications"),
            "preferences": reverse("forum:preferences"),
            "composer": reverse("forum:new_topic"),
            "profile form": reverse("forum:profile_edit"),
            "flag form": reverse("forum:flag_post", args=[post.pk]),
            "members-only topic": topic_url(MEMBERS_ONLY_TOPIC, lang),
            "e-mail addresses": reverse("account_email"),
            "password change": reverse("account_change_password"),
        }
    found = check(client, pages)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_comment_pages_are_strict(client, demo, lang):
    """A news page with comments, xtd's reply page and the moderators' delete
    page (django-contrib-comments' own view, for staff)."""
    news = NewsPage.objects.live().get(
        slug="press-services-seminar-astana", locale__language_code=lang
    )
    client.force_login(user("aigerim"))
    data = form_fields(client.get(news.url).content.decode(), f"/{lang}/comments/post/")
    data.update(comment="A comment for the policy to look at.", post="")
    assert client.post(f"/{lang}/comments/post/", data).status_code == 302
    comment = XtdComment.objects.filter(user__username="aigerim").latest("submit_date")
    found = check(
        client,
        {
            "news with a comment": news.url,
            "reply form": f"/{lang}/comments/reply/{comment.pk}/",
        },
    )
    client.force_login(user("editor"))
    found += check(client, {"delete form": f"/{lang}/comments/delete/{comment.pk}/"})
    assert not found, "\n".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_moderator_and_staff_pages_are_strict(client, demo, lang):
    client.force_login(user("moderator"))
    with translation.override(lang):
        found = check(client, {"review queue": reverse("forum:review_queue")})
        client.force_login(user("editor"))
        found += check(
            client,
            {
                "invitations": reverse("forum:invitations"),
                # Wagtail's user bar is on CMS pages for editors.
                "news with the user bar": NewsPage.objects.live()
                .filter(locale__language_code=lang)
                .first()
                .url,
            },
        )
    assert not found, "\n".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rate_limited_pages_are_strict(client, demo, lang, settings):
    """The forum's 429s: a reply and log-ins over their limits."""
    aigerim = user("aigerim")
    limits = copy.deepcopy(conf.FORUM_TRUST_LIMITS)
    for level in limits.values():
        level["rates"]["reply"] = "0/h"
    settings.FORUM_TRUST_LIMITS = limits
    client.force_login(aigerim)
    topic = Topic.objects.get(title=TOPIC)
    with translation.override(lang):
        reply_url = reverse("forum:reply", args=[topic.pk])
        login_url = reverse("account_login")
    response = client.post(reply_url, {"raw": "One reply too many."})
    assert response.status_code == 429
    found = problems(response, "forum 429")

    client.logout()
    for _ in range(40):
        response = client.post(login_url, {"login": "aigerim", "password": "wrong"})
        if response.status_code == 429:
            break
    assert response.status_code == 429, "log-ins were never limited"
    found += problems(response, "log-in 429")
    assert not found, "\n".join(found)


def test_a_video_is_framed_without_a_style_attribute(client, demo):
    """Wagtail's embed template sizes the player with a style attribute; ours
    does not, and the policy frames the player's site."""
    video_url = "https://www.youtube.com/watch?v=csp-check"
    Embed.objects.create(
        url=video_url,
        hash=get_embed_hash(video_url),
        type="video",
        html='<iframe src="https://www.youtube.com/embed/csp-check" width="480" '
        'height="270" title="A seminar video" allowfullscreen></iframe>',
        width=480,
        height=270,
    )
    news = NewsPage.objects.live().get(
        slug="press-services-seminar-astana", locale__language_code="en"
    )
    news.body = json.dumps(
        [*news.body.raw_data, {"type": "video", "value": {"video": video_url}}]
    )
    news.save()

    response = client.get(news.url)

    html = response.content.decode()
    assert 'src="https://www.youtube.com/embed/csp-check"' in html
    assert 'viewBox="0 0 480 270"' in html
    assert "https://www.youtube.com" in policy(response)["frame-src"]
    assert not problems(response, "news"), problems(response, "news")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_csrf_failure_page_is_strict(demo, lang):
    client = Client(enforce_csrf_checks=True)
    with translation.override(lang):
        response = client.post(reverse("account_login"), {"login": "aigerim"})
    assert response.status_code == 403
    assert not problems(response, "CSRF 403"), problems(response, "CSRF 403")


def test_the_server_error_page_is_strict(client, demo, monkeypatch):
    def fail(user):
        raise RuntimeError("a failure for the 500 page")

    monkeypatch.setattr(selectors, "categories_for", fail)
    client.raise_request_exception = False
    response = client.get("/en/forum/categories/")
    assert response.status_code == 500
    assert not problems(response, "500"), problems(response, "500")


@pytest.mark.parametrize(
    ("path", "username"),
    [
        ("/admin/login/", None),
        ("/admin/", "editor"),
        ("/admin/pages/", "editor"),
        ("/django-admin/login/", None),
        ("/django-admin/", "editor"),
    ],
)
def test_the_admin_has_its_own_policy(client, demo, path, username):
    """Wagtail's and Django's admin need inline scripts and styles; they get
    them, and nothing else beyond the public policy."""
    if username:
        client.force_login(user(username))
    response = client.get(path)
    assert response.status_code == 200
    rules = policy(response)
    assert rules["script-src"] == ["'self'", "'unsafe-inline'"]
    assert rules["style-src"] == ["'self'", "'unsafe-inline'"]
    assert rules["object-src"] == ["'none'"]
    assert rules["base-uri"] == ["'self'"]
    assert rules["frame-ancestors"] == ["'self'"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
