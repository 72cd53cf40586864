"""The anonymous page cache (pagecache/): who sees what, before and after each
write, and what it never stores or serves."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from wagtail.models import Page

import pagecache
from forum.core import fragment_cache
from forum.models import Category, Topic


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 120


@pytest.fixture
def visitor(client):
    """A visitor's GET: the response, with the body as text."""

    def get(url, **headers):
        response = client.get(url, headers=headers)
        response.text = response.content.decode()
        return response

    return get


@pytest.fixture
def as_member(client):
    """A POST by a signed-in member, then signed out again: the visitor's
    client has no session cookie afterwards."""

    def post(user, url, data=None):
        client.force_login(user)
        response = client.post(url, data or {})
        client.logout()
        client.cookies.clear()
        return response

    return post


def served(response) -> str:
    return response["X-Page-Cache"]


def leave_message(client, rf, message: str) -> None:
    """A message waiting for the client's next page, in the messages cookie
    (where a redirect after a form leaves it)."""
    storage = CookieStorage(rf.get("/"))
    response = HttpResponse()
    storage.add(constants.INFO, message)
    storage.update(response)
    client.cookies[CookieStorage.cookie_name] = response.cookies[
        CookieStorage.cookie_name
    ].value


class TestWhatIsServed:
    def test_the_second_visitor_gets_the_page_without_a_query(
        self, visitor, make_topic
    ):
        topic = make_topic(replies=2)
        first = visitor(topic.get_absolute_url())
        assert served(first) == "stored"
        with CaptureQueriesContext(connection) as queries:
            second = visitor(topic.get_absolute_url())
        assert served(second) == "hit"
        assert len(queries) == 0
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]
        assert second["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert "Set-Cookie" not in second

    def test_languages_and_pages_are_kept_apart(self, visitor, make_topic):
        topic = make_topic()
        kk = visitor("/kk/forum/")
        en = visitor("/en/forum/")
        page2 = visitor("/en/forum/?page=2")
        assert {served(kk), served(en), served(page2)} == {"stored"}
        assert '<html lang="kk">' in visitor("/kk/forum/").text
        assert '<html lang="en">' in visitor("/en/forum/").text
        assert topic.title in visitor("/en/forum/").text

    def test_a_member_never_gets_nor_leaves_a_cached_page(
        self, client, visitor, make_topic, member2
    ):
        topic = make_topic()
        visitor(topic.get_absolute_url())
        client.force_login(member2)
        page = client.get(topic.get_absolute_url())
        assert served(page) in ("skip", "member-stored")  # never a visitor's
        assert "private" in page["Cache-Control"]
        assert member2.username in page.content.decode()
        client.logout()
        client.cookies.clear()
        again = visitor(topic.get_absolute_url())
        assert served(again) == "hit"
        assert member2.username not in again.text

    def test_members_only_content_is_never_stored(
        self, client, visitor, make_topic, members_category, member2
    ):
        secret = make_topic(in_category=members_category, title="Internal briefing")
        assert visitor(secret.get_absolute_url()).status_code == 404
        assert served(visitor(secret.get_absolute_url())) == "skip"
        client.force_login(member2)
        assert client.get(secret.get_absolute_url()).status_code == 200
        client.logout()
        client.cookies.clear()
        assert visitor(secret.get_absolute_url()).status_code == 404
        assert "Internal briefing" not in visitor("/en/forum/").text

    def test_error_pages_and_redirects_are_not_stored(self, visitor, make_topic):
        topic = make_topic()
        assert visitor("/en/forum/t/nothing/999999/").status_code == 404
        assert served(visitor("/en/forum/t/nothing/999999/")) == "skip"
        wrong_slug = reverse("forum:topic", args=["old-title", topic.pk])
        assert visitor(wrong_slug).status_code == 301
        assert served(visitor(wrong_slug)) == "skip"

    def test_a_page_with_a_form_for_visitors_is_not_shared(self, db, visitor):
        """The log-in form's CSRF token sets a cookie: never another's token."""
        login = visitor("/en/accounts/login/")
        assert login.status_code == 200
        assert served(login) == "skip"
        assert served(visitor("/en/accounts/login/")) == "skip"

    def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(
        self, db, client, visitor, rf
    ):
        visitor("/en/forum/")
        leave_message(client, rf, "You have signed out.")
        page = visitor("/en/forum/")
        assert served(page) == "skip"
        assert "You have signed out." in page.text

    def test_htmx_fragments_search_and_the_admin_are_left_alone(
        self, visitor, make_topic
    ):
        topic = make_topic(replies=25)
        fragment = visitor(topic.get_absolute_url() + "?page=2", HX_Request="true")
        assert "<html" not in fragment.text and served(fragment) == "skip"
        assert "<html" in visitor(topic.get_absolute_url() + "?page=2").text
        assert served(visitor("/en/search/?q=press")) == "skip"
        assert served(visitor("/en/search/?q=press")) == "skip"
        assert served(visitor("/admin/login/")) == "skip"

    def test_conditional_requests_get_304(self, visitor, make_topic):
        topic = make_topic()
        url = topic.get_absolute_url()
        page = visitor(url)
        etag, modified = page["ETag"], page["Last-Modified"]
        assert visitor(url, If_None_Match=etag).status_code == 304
        assert visitor(url, If_Modified_Since=modified).status_code == 304
        assert visitor(url, If_None_Match='"other"').status_code == 200
        assert visitor(url, If_Modified_Since=http_date(0)).status_code == 200

    def test_head_is_served_from_the_cache_without_a_body(
        self, client, visitor, make_topic
    ):
        topic = make_topic()
        visitor(topic.get_absolute_url())
        response = client.head(topic.get_absolute_url())
        assert response.status_code == 200
        assert served(response) == "hit"
        assert response.content == b""

    def test_a_cached_topic_page_still_counts_each_visitors_view(
        self, visitor, make_topic
    ):
        topic = make_topic()
        visitor(topic.get_absolute_url(), User_Agent="Firefox")
        hit = visitor(topic.get_absolute_url(), User_Agent="Chromium")
        assert served(hit) == "hit"
        visitor(topic.get_absolute_url(), User_Agent="Chromium")
        assert Topic.objects.get(pk=topic.pk).view_count == 2


class TestEveryWriteShowsAtOnce:
    """Each write, made as users make it, then the visitor's next look."""

    def test_a_reply(self, visitor, as_member, make_topic, member2):
        topic = make_topic()
        visitor(topic.get_absolute_url())
        visitor("/en/forum/")
        as_member(
            member2,
            reverse("forum:reply", args=[topic.pk]),
            {"raw": "A reply every visitor must see."},
        )
        assert (
            "A reply every visitor must see." in visitor(topic.get_absolute_url()).text
        )
        latest = visitor("/en/forum/")
        assert served(latest) == "stored"

    def test_an_edit(self, visitor, as_member, make_topic, member):
        topic = make_topic()
        visitor(topic.get_absolute_url())
        first = topic.posts.get(number=1)
        as_member(
            member,
            reverse("forum:post_edit", args=[first.pk]),
            {"title": topic.title, "raw": "The first post, corrected by its author."},
        )
        assert "corrected by its author" in visitor(topic.get_absolute_url()).text

    def test_a_delete_and_a_flag_that_hides(
        self, settings, visitor, as_member, make_topic, member, moderator
    ):
        settings.FORUM_AUTO_HIDE_FLAGS = 1
        topic = make_topic(replies=2)
        second, third = topic.posts.get(number=2), topic.posts.get(number=3)
        assert "Reply number 1." in visitor(topic.get_absolute_url()).text
        as_member(member, reverse("forum:post_delete", args=[second.pk]))
        page = visitor(topic.get_absolute_url()).text
        assert "Reply number 1." not in page and "Reply number 2." in page
        as_member(
            moderator,
            reverse("forum:flag_post", args=[third.pk]),
            {"reason": "inappropriate"},
        )
        assert "Reply number 2." not in visitor(topic.get_absolute_url()).text

    def test_a_state_change(self, visitor, as_member, make_topic, moderator):
        topic = make_topic()
        closed = '<span class="badge">Closed</span>'
        assert closed not in visitor(topic.get_absolute_url()).text
        as_member(
            moderator,
            reverse("forum:topic_state", args=[topic.pk]),
            {"action": "close"},
        )
        assert closed in visitor(topic.get_absolute_url()).text

    def test_a_like(self, visitor, as_member, make_topic, member2):
        topic = make_topic()
        first = topic.posts.get(number=1)
        before = visitor(topic.get_absolute_url())
        as_member(member2, reverse("forum:post_like", args=[first.pk]))
        after = visitor(topic.get_absolute_url())
        assert served(after) == "stored"
        assert after.content != before.content

    def test_a_category_made_members_only_in_the_admin(
        self, visitor, as_member, make_topic, category, django_user_model
    ):
        topic = make_topic(title="Soon for members only")
        assert visitor(topic.get_absolute_url()).status_code == 200
        assert "Soon for members only" in visitor("/en/forum/").text
        editor = django_user_model.objects.create_superuser("chief", "c@example.kz")
        response = as_member(
            editor,
            reverse("wagtailsnippets_forum_category:edit", args=[category.pk]),
            {
                "slug": category.slug,
                "name_kk": category.name_kk,
                "name_ru": category.name_ru,
                "name_en": category.name_en,
                "colour": category.colour,
                "position": 0,
                "visibility": "members",
            },
        )
        assert response.status_code == 302
        assert Category.objects.get(pk=category.pk).visibility == "members"
        assert visitor(topic.get_absolute_url()).status_code == 404
        assert "Soon for members only" not in visitor("/en/forum/").text

    def test_a_page_published_outside_any_request(self, visitor, demo):
        page = Page.objects.get(locale__language_code="en", depth=2).specific
        assert page.title in visitor(page.url).text
        page.title = "A title published by beat"
        page.save_revision().publish()
        assert "A title published by beat" in visitor(page.url).text

    def test_writes_no_visitor_sees_keep_the_cache(
        self, visitor, as_member, make_topic, member2
    ):
        topic = make_topic()
        first = topic.posts.get(number=1)
        visitor(topic.get_absolute_url())
        as_member(member2, reverse("forum:post_bookmark", args=[first.pk]))
        as_member(
            member2,
            reverse("forum:draft_save"),
            {"topic": topic.pk, "raw": "Half a thought"},
        )
        assert served(visitor(topic.get_absolute_url())) == "hit"

    def test_a_rejected_write_keeps_the_cache(
        self, visitor, as_member, make_topic, member2
    ):
        topic = make_topic()
        visitor(topic.get_absolute_url())
        response = as_member(
            member2, reverse("forum:reply", args=[topic.pk]), {"raw": ""}
        )
        assert response.status_code == 400
        assert served(visitor(topic.get_absolute_url())) == "hit"


class TestTheCacheFailing:
    def test_a_cache_that_is_down_serves_every_page_fresh(
        self, settings, visitor, make_topic, member2, as_member
    ):
        from config.settings.base import redis_cache

        settings.CACHES = {"default": redis_cache("redis://127.0.0.1:1/0")}
        topic = make_topic()
        for _ in range(2):
            page = visitor(topic.get_absolute_url())
            assert page.status_code == 200 and served(page) != "hit"
        as_member(member2, reverse("forum:reply", args=[topic.pk]), {"raw": "Still."})
        assert "Still." in visitor(topic.get_absolute_url()).text

    @pytest.mark.usefixtures("cache_on_redis")
    def test_on_redis_as_in_production(self, visitor, make_topic):
        topic = make_topic()
        assert served(visitor(topic.get_absolute_url())) == "stored"
        assert served(visitor(topic.get_absolute_url())) == "hit"
        pagecache.changed()
        assert served(visitor(topic.get_absolute_url())) == "stored"


def test_the_generation_is_never_one_used_before(db):
    first = pagecache.generation()
    pagecache.changed()
    assert pagecache.generation() == first + 1
    cache.delete(pagecache.GENERATION)  # evicted
    assert pagecache.generation() > first + 1


def test_members_pages_are_private_even_when_the_cache_is_off(
    settings, client, make_topic, member2
):
    settings.PAGE_CACHE_SECONDS = 0
    client.force_login(member2)
    page = client.get(make_topic().get_absolute_url())
    assert "private" in page["Cache-Control"]


@pytest.fixture
def signed_in(db):
    """A member's browser of its own: signed in, with the CSRF cookie its
    first page gave it (as a browser keeps it), so that its next GET may be
    stored."""

    def sign_in(user, url="/en/forum/"):
        browser = Client()
        browser.force_login(user)
        browser.get(url)
        assert settings_csrf_cookie() in browser.cookies
        return browser

    return sign_in


def settings_csrf_cookie() -> str:
    from django.conf import settings

    return settings.CSRF_COOKIE_NAME


def text(response) -> str:
    return response.content.decode()


class TestAMembersOwnCopy:
    """pagecache.middleware.MemberPageCacheMiddleware: a member's reload."""

    def test_a_reload_is_served_from_their_copy_without_the_view(
        self, signed_in, make_topic, member2
    ):
        topic = make_topic(replies=3)
        browser = signed_in(member2, topic.get_absolute_url())
        stored = browser.get(topic.get_absolute_url())
        assert served(stored) == "member-stored"
        with CaptureQueriesContext(connection) as queries:
            again = browser.get(topic.get_absolute_url())
        assert served(again) == "member-hit"
        # The session (in the database under test settings; production reads
        # it from the cache) and nothing else.
        assert [q["sql"] for q in queries if "django_session" not in q["sql"]] == []
        assert again.content == stored.content
        assert member2.username in text(again)
        assert again["Cache-Control"] == "private"
        assert "Set-Cookie" not in again
        assert (
            browser.get(
                topic.get_absolute_url(), headers={"If-None-Match": again["ETag"]}
            ).status_code
            == 304
        )

    def test_a_hard_reload_makes_the_page_anew(self, signed_in, make_topic, member2):
        url = make_topic().get_absolute_url()
        browser = signed_in(member2, url)
        browser.get(url)
        assert served(browser.get(url)) == "member-hit"
        hard = browser.get(url, headers={"Cache-Control": "no-cache"})
        assert served(hard) == "member-stored"
        assert served(browser.get(url)) == "member-hit"

    def test_no_other_session_gets_it(self, signed_in, make_topic, member, member2):
        topic = make_topic()
        url = topic.get_absolute_url()
        first = signed_in(member2, url)
        first.get(url)
        assert served(first.get(url)) == "member-hit"
        page = signed_in(member, url).get(url)
        assert served(page) == "member-stored"
        assert member.username in text(page) and member2.username not in text(page)
        # The same member in a second browser keeps a copy of its own.
        assert served(signed_in(member2, url).get(url)) == "member-stored"
        # Signed out, the cookie names no member: a visitor's page.
        first.post(reverse("account_logout"))
        assert served(first.get(url)) != "member-hit"
        assert member2.username not in text(first.get(url))

    def test_a_write_anyone_makes_shows_at_once(
        self, signed_in, make_topic, member, member2
    ):
        topic = make_topic()
        url = topic.get_absolute_url()
        browser = signed_in(member2, url)
        browser.get(url)
        assert served(browser.get(url)) == "member-hit"
        writer = signed_in(member, url)
        writer.post(reverse("forum:reply", args=[topic.pk]), {"raw": "Fresh."})
        page = browser.get(url)
        assert "Fresh." in text(page)
        # Reading the new reply moved the reader's marker: kept next time.
        assert served(page) == "skip"
        assert served(browser.get(url)) == "member-stored"

    def test_their_own_write_no_one_else_sees_shows_at_once(
        self, signed_in, make_topic, member2
    ):
        topic = make_topic()
        first = topic.posts.get(number=1)
        url = topic.get_absolute_url()
        browser = signed_in(member2, url)
        browser.get(url)
        assert served(browser.get(url)) == "member-hit"
        generation = pagecache.generation()
        browser.post(reverse("forum:post_bookmark", args=[first.pk]))
        assert pagecache.generation() == generation  # visitors keep theirs
        page = browser.get(url)
        assert served(page) == "member-stored"
        assert 'aria-pressed="true"' in text(page)

    def test_a_notification_made_outside_any_request_shows_at_once(
        self, signed_in, make_topic, member, member2
    ):
        from forum.discussions import services
        from forum.notifications import services as notifications

        topic = make_topic(author=member2)
        browser = signed_in(member2, "/en/forum/")
        browser.get("/en/forum/")
        assert served(browser.get("/en/forum/")) == "member-hit"
        assert "bell-unread" not in text(browser.get("/en/forum/"))
        reply = services.post_create(
            actor=member, topic=topic, raw=f"@{member2.username}, for you."
        )
        assert served(browser.get("/en/forum/")) == "member-hit"
        assert notifications.notify_post(reply.pk) == 1  # the worker, later
        page = browser.get("/en/forum/")
        assert served(page) == "member-stored"
        assert "bell-unread" in text(page)

    def test_what_they_may_do_shows_at_once(self, signed_in, make_topic, member2):
        from forum import permissions
        from forum.members import trust
        from forum.models import TrustLevel

        topic = make_topic()
        url = topic.get_absolute_url()
        browser = signed_in(member2, url)
        browser.get(url)
        assert served(browser.get(url)) == "member-hit"
        trust.raise_trust_level(member2, TrustLevel.REGULAR)
        assert served(browser.get(url)) == "member-stored"
        assert served(browser.get(url)) == "member-hit"
        permissions.drop_facts([member2.pk])  # beat's bulk update of levels
        assert served(browser.get(url)) == "member-stored"

    def test_reading_a_topic_shows_in_their_lists_at_once(
        self, signed_in, make_topic, member, member2
    ):
        from forum.discussions import services

        topic = make_topic(author=member, replies=2)
        browser = signed_in(member2, topic.get_absolute_url())  # read to post 3
        services.post_create(actor=member, topic=topic, raw="One more.")

        def row() -> str:
            page = browser.get("/en/forum/")
            [found] = [r for r in text(page).split("<tr") if f"/{topic.pk}/" in r]
            return served(page), found

        assert row()[0] == "member-stored"
        served_as, before = row()
        assert served_as == "member-hit" and "1 unread" in before
        first_read = browser.get(topic.get_absolute_url())  # a GET that writes
        assert served(first_read) == "skip"  # its copy would be stale at once
        assert served(browser.get(topic.get_absolute_url())) == "member-stored"
        served_as, after = row()
        assert served_as == "member-stored" and "unread" not in after

    def test_a_new_day_renders_the_page_again(
        self, signed_in, make_topic, member2, monkeypatch
    ):
        url = make_topic().get_absolute_url()
        browser = signed_in(member2, url)
        browser.get(url)
        assert served(browser.get(url)) == "member-hit"
        monkeypatch.setattr("pagecache.middleware._today", lambda: "2099-01-01")
        assert served(browser.get(url)) == "member-stored"

    def test_a_hit_still_counts_the_members_view(self, signed_in, make_topic, member2):
        topic = make_topic()
        url = topic.get_absolute_url()
        browser = signed_in(member2, url)  # counted
        browser.get(url)
        cache.delete(f"forum:viewed:{topic.pk}:u:{member2.pk}")  # an hour later
        assert served(browser.get(url)) == "member-hit"
        browser.get(url)  # within the hour: not again
        assert Topic.objects.get(pk=topic.pk).view_count == 2

    def test_what_is_never_kept(self, signed_in, make_topic, member2, rf):
        topic = make_topic(replies=25)
        url = topic.get_absolute_url()
        browser = signed_in(member2, url)
        browser.get(url)
        fragment = browser.get(url + "?page=2", headers={"HX-Request": "true"})
        assert served(fragment) == "skip"
        assert (
            served(browser.get(url + "?page=2", headers={"HX-Request": "true"}))
            == "skip"
        )
        assert served(browser.get("/en/search/?q=press")) == "skip"
        assert served(browser.get("/en/search/?q=press")) == "skip"
        assert served(browser.get("/en/forum/t/nothing/999999/")) == "skip"
        # A message waiting: the page that shows it is made for it, not kept.
        browser.get(url)  # page 2 was read since: a new copy
        assert served(browser.get(url)) == "member-hit"
        leave_message(browser, rf, "Your draft was discarded.")
        with_message = browser.get(url)
        assert served(with_message) == "skip"
        assert "Your draft was discarded." in text(with_message)
        assert "Your draft was discarded." not in text(browser.get(url))

    def test_a_page_that_shows_a_message_or_a_new_token_is_not_kept(self, rf, member2):
        from django.contrib import messages
        from django.contrib.messages.storage.fallback import FallbackStorage

        from pagecache.middleware import MemberPageCacheMiddleware

        def storable(request) -> bool:
            response = HttpResponse("a page")
            middleware = MemberPageCacheMiddleware(lambda request: response)
            return middleware._storable(request, response, member2.pk)

        def request_with(**meta):
            request = rf.get("/en/forum/", **meta)
            request.user, request.session = member2, {}
            request._messages = FallbackStorage(request)
            return request

        assert storable(request_with())
        shown = request_with()
        messages.info(shown, "Saved.")  # added by the view, shown on the page
        assert not storable(shown)
        # A token for a secret made by this request (no CSRF cookie came).
        assert not storable(request_with(CSRF_COOKIE="a-new-secret"))
        kept = request_with(CSRF_COOKIE="their-secret")
        kept.COOKIES[settings_csrf_cookie()] = "their-secret"
        assert storable(kept)

    @pytest.mark.usefixtures("cache_on_redis")
    def test_on_redis_as_in_production(self, signed_in, make_topic, member2):
        url = make_topic().get_absolute_url()
        browser = signed_in(member2, url)
        assert served(browser.get(url)) == "member-stored"
        assert served(browser.get(url)) == "member-hit"
        pagecache.members_changed(member2.pk)
        assert served(browser.get(url)) == "member-stored"

    def test_a_cache_that_is_down_serves_every_page_fresh(
        self, settings, signed_in, make_topic, member2
    ):
        from config.settings.base import redis_cache

        url = make_topic().get_absolute_url()
        browser = signed_in(member2, url)
        settings.CACHES = {"default": redis_cache("redis://127.0.0.1:1/0")}
        for _ in range(2):
            page = browser.get(url)
            assert page.status_code == 200 and served(page) != "member-hit"
            assert member2.username in text(page)


def test_a_write_outside_a_request_starts_a_generation_again_at_commit(
    db, django_capture_on_commit_callbacks
):
    """Beat publishing a page calls changed() inside its transaction: a page
    rendered before the commit must not pass for current after it."""
    first = pagecache.generation()
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.changed()
        assert pagecache.generation() == first + 1
    assert pagecache.generation() == first + 2


def test_a_change_fragments_show_starts_a_stamp_again_at_commit(
    db, django_capture_on_commit_callbacks
):
    """A category renamed in a transaction: a row another process renders
    before the commit, from the old name, is not kept under the new stamp."""
    first = fragment_cache.stamp()
    with django_capture_on_commit_callbacks(execute=True):
        fragment_cache.changed()
        assert fragment_cache.stamp() == first + 1
    assert fragment_cache.stamp() == first + 2


def test_an_invitation_is_seen_by_every_inviter(client, make_user):
    """Staff see everyone's invitations: sending one is not a write only its
    writer sees."""
    other = make_user("protocol_office", is_staff=True)
    inviter = make_user("press_office", is_staff=True)
    watching = Client()
    watching.force_login(other)
    watching.get("/en/forum/invitations/")
    generation = pagecache.generation()
    client.force_login(inviter)
    client.post(reverse("forum:invitations"), {"email": "new.officer@akorda.kz"})
    assert pagecache.generation() > generation
    assert "new.officer@akorda.kz" in text(watching.get("/en/forum/invitations/"))


@pytest.mark.parametrize(
    ("read", "key", "change"),
    [
        # The member's counts and the category cards are keyed by the
        # generation the page cache's middleware read already.
        (pagecache.generation, pagecache.GENERATION, pagecache.changed),
        # A list's rows and its category cards are both keyed by the
        # fragments' stamp (pagecache.remembered).
        (fragment_cache.stamp, fragment_cache.KEY, fragment_cache.changed),
    ],
    ids=["generation", "fragments-stamp"],
)
def test_a_request_reads_what_a_pages_parts_are_keyed_by_once(db, read, key, change):
    """Once per request, no cache round trip per part; again after this
    request's own change; every time outside a request."""
    with pagecache.request_scope():
        first = read()
        cache.set(key, first + 100)  # another process writes
        assert read() == first
        change()  # this request writes: read it again
        assert read() == first + 101
    cache.set(key, first + 200)
    assert read() == first + 200


def test_a_members_list_asks_the_cache_for_the_generation_once(
    signed_in, make_topic, member2, monkeypatch
):
    make_topic()
    browser = signed_in(member2, "/en/forum/")
    asked = []
    get = cache.get

    def counting_get(key, *args, **kwargs):  # get_many asks it too (locmem)
        asked.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    page = browser.get("/en/forum/", headers={"Cache-Control": "no-cache"})
    assert served(page) == "member-stored"
    assert "Categories" in text(page)
    assert asked.count(pagecache.GENERATION) == 1
    assert asked.count(fragment_cache.KEY) == 1  # rows and cards, one read


@pytest.mark.usefixtures("cache_on_redis")
@pytest.mark.parametrize("where", ["topic", "latest"])
def test_what_every_members_page_reads_comes_with_the_look_up_for_their_copy(
    signed_in, make_topic, member, member2, monkeypatch, where
):
    """A member's page rendered anew reads their permission facts, their bell,
    the fragments' stamp, the menu and today's visit in the one round trip
    that looks for their copy of the page, not in one each."""
    import redis

    from forum import permissions
    from forum.members.middleware import visit_key
    from forum.notifications.selectors import unread_key
    from home.templatetags.i18n_links import MENU_VERSION_KEY

    topic = make_topic(author=member, replies=2)
    url = topic.get_absolute_url() if where == "topic" else "/en/forum/"
    browser = signed_in(member2, url)
    browser.get(url)  # every one of them in the cache now
    commands = []
    execute = redis.Redis.execute_command

    def spy(self, *args, **options):
        commands.append([str(part) for part in args])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", spy)
    response = browser.get(url, headers={"Cache-Control": "no-cache"})
    assert served(response) == "member-stored"
    assert "bell" in text(response)
    today = visit_key(member2.pk, timezone.localdate())
    every_page_reads = [
        permissions.facts_key(member2.pk),
        unread_key(member2.pk),
        fragment_cache.KEY,
        MENU_VERSION_KEY,
        "main-menu:",
        today,
    ]
    [look_up] = [
        c for c in commands if any(pagecache.member_key(member2.pk) in a for a in c)
    ]
    assert look_up[0] == "MGET"
    for key in every_page_reads:
        touching = [c for c in commands if any(key in part for part in c[1:])]
        assert touching == [look_up], key


@pytest.mark.usefixtures("cache_on_redis")
def test_a_bell_read_with_their_copy_still_drops_when_the_page_reads_its_topic(
    signed_in, make_topic, member, member2
):
    """The page that reads the topic a notification is about marks it read:
    its own header shows the bell without it, though the count came with the
    look-up for their copy before the view ran."""
    from forum.discussions import services
    from forum.notifications import services as notifications

    topic = make_topic(author=member2)
    reply = services.post_create(
        actor=member, topic=topic, raw=f"@{member2.username}, for you."
    )
    assert notifications.notify_post(reply.pk) == 1
    browser = signed_in(member2, "/en/forum/")
    assert "bell-unread" in text(browser.get("/en/forum/"))  # the count cached
    page = browser.get(reply.topic.get_post_url(reply.number))
    assert "bell-unread" not in text(page)
