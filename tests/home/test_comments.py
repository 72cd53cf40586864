"""Comments on news and seminars: members write, visitors read, through xtd's flow.

Every post goes through the real form: the test reads the form from the page
(its security hash, timestamp and hidden fields) and posts it back, as a
browser would.
"""

import datetime
import re
import smtplib
from html import unescape

import django_comments
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from config.celery import app as celery_app
from home.models import NewsIndexPage, NewsPage, SeminarPage
from outbox.models import Job
from outbox.tasks import run_job

NEWS_URL = "/en/news/press-services-seminar-astana/"
NEWS_INDEX_URL = "/en/news/"
SEMINAR_URL = "/en/seminars/strategic-digital-communications-astana/"
INPUT = re.compile(r"<input\b[^>]*>", re.S)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def form_fields(html: str, action: str = "/en/comments/post/") -> dict[str, str]:
    """The named inputs of the comment form posting to `action`, as a browser sends."""
    start = html.index(f'action="{action}"')
    form = html[start : html.index("</form>", start)]
    fields = {}
    for tag in INPUT.findall(form):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs and attrs.get("type") != "checkbox":
            fields[attrs["name"]] = unescape(attrs.get("value", ""))
    return fields


@pytest.fixture
def news(demo):
    return NewsPage.objects.get(
        slug="press-services-seminar-astana", locale__language_code="en"
    )


class RefusingBackend(LocmemBackend):
    """A mail server that refuses some addresses."""

    refused = {"alma@example.kz"}

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & RefusingBackend.refused:
                raise smtplib.SMTPRecipientsRefused(
                    dict.fromkeys(message.to, (550, b"No such user"))
                )
        return super().send_messages(messages)


@pytest.fixture
def comment_on(client, django_capture_on_commit_callbacks):
    """Post a comment as `user` through the page's (or a reply page's) form."""

    def post(user, text, url=NEWS_URL, followup=False, reply_to=None, **extra):
        client.force_login(user)
        page_url = f"/en/comments/reply/{reply_to.pk}/" if reply_to else url
        response = client.get(page_url)
        assert response.status_code == 200
        data = form_fields(response.content.decode())
        data.update(comment=text, post="", **extra)
        if followup:
            data["followup"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/en/comments/post/", data)

    return post


def comment_by(user) -> XtdComment:
    return XtdComment.objects.filter(user=user).latest("submit_date")


class TestPosting:
    def test_a_member_comments_and_the_text_is_shown_sanitised(
        self, client, news, member, comment_on
    ):
        response = comment_on(
            member, "**Useful** briefing <script>alert('x')</script> for press offices"
        )

        assert response.status_code == 302
        assert response.url.startswith(NEWS_URL)
        comment = comment_by(member)
        assert comment.content_object == news
        assert comment.user_name == "alma" and comment.user_email == "alma@example.kz"
        assert "<script>" in comment.comment  # stored as written
        html = client.get(NEWS_URL).content.decode()
        assert f'id="c{comment.pk}"' in html
        assert "<strong>Useful</strong> briefing" in html
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert" in html  # shown as text, never run

    def test_a_visitor_sees_comments_but_no_form(
        self, client, news, member, comment_on
    ):
        comment_on(member, "Visible to everyone who reads the news.")
        client.logout()

        html = client.get(NEWS_URL).content.decode()

        assert "Visible to everyone who reads the news." in html
        assert 'action="/en/comments/post/"' not in html
        assert "Log in to comment" in html

    def test_a_visitor_post_is_refused_on_the_server(self, client, news, member):
        client.force_login(member)
        data = form_fields(client.get(NEWS_URL).content.decode())
        client.logout()

        response = client.post("/en/comments/post/", {**data, "comment": "Spam"})

        assert response.status_code == 302
        assert response.url.startswith("/en/accounts/login/")
        assert not XtdComment.objects.exists()

    def test_a_visitor_cannot_open_the_reply_form(
        self, client, news, member, comment_on
    ):
        comment_on(member, "A comment to answer.")
        client.logout()

        response = client.get(f"/en/comments/reply/{comment_by(member).pk}/")

        assert response.status_code == 302
        assert "/accounts/login/" in response.url

    def test_an_inactive_account_cannot_post(self, client, news, make_user):
        user = make_user("sleepy")
        client.force_login(user)
        data = form_fields(client.get(NEWS_URL).content.decode())
        user.is_active = False
        user.save()

        response = client.post("/en/comments/post/", {**data, "comment": "Hello"})

        assert response.status_code in (302, 403)
        assert not XtdComment.objects.exists()

    def test_a_seminar_without_a_forum_category_takes_comments_too(
        self, client, demo, member, comment_on
    ):
        SeminarPage.objects.update(follow_up_category=None)
        response = comment_on(member, "See you at the seminar.", url=SEMINAR_URL)

        assert response.status_code == 302
        assert isinstance(comment_by(member).content_object, SeminarPage)
        assert "See you at the seminar." in client.get(SEMINAR_URL).content.decode()

    def test_a_seminar_discussed_in_the_forum_takes_no_comments(
        self, client, demo, member, comment_on
    ):
        """One place to discuss it (docs/seminars.md): its forum category."""
        seminar = SeminarPage.objects.get(
            url_path__endswith="-astana/", locale__language_code="en"
        )
        # The page offers no form: a signed one, as a stale page would post.
        form = django_comments.get_form()(seminar)
        client.force_login(member)
        response = client.post(
            "/en/comments/post/",
            {**form.initial, "comment": "See you at the seminar.", "post": ""},
        )

        assert response.status_code == 403
        assert not XtdComment.objects.exists()
        html = client.get(SEMINAR_URL).content.decode()
        assert 'id="comments"' not in html
        assert 'id="discussion"' in html

    def test_a_failed_post_shows_the_form_again_with_the_text(
        self, client, news, member, comment_on
    ):
        text = "My carefully written thoughts. " * 120  # over the 3000 limit

        response = comment_on(member, text)

        assert response.status_code == 200
        html = response.content.decode()
        assert "Your comment was not posted" in html
        assert 'class="errorlist' in html
        assert text.strip() in unescape(html)
        assert 'action="/en/comments/post/"' in html
        assert not XtdComment.objects.exists()

    def test_the_page_section_is_accessible(self, client, news, member):
        client.force_login(member)

        html = client.get(NEWS_URL).content.decode()

        assert '<h2 id="comments-heading">Comments' in html
        assert '<label for="id_comment">Your comment' in html
        assert '<label for="id_followup" class="inline-label">' in html


class TestThreads:
    def test_replies_nest_two_levels_and_no_deeper(
        self, client, news, member, member2, comment_on
    ):
        comment_on(member, "The first comment.")
        top = comment_by(member)
        comment_on(member2, "A reply to it.", reply_to=top)
        reply = comment_by(member2)

        assert (top.level, reply.level) == (0, 1)
        assert reply.parent_id == top.pk and reply.thread_id == top.thread_id
        html = client.get(NEWS_URL).content.decode()
        replies = html[html.index('class="comment-replies"') :]
        assert f'id="c{reply.pk}"' in replies
        # A reply has no reply link, and its reply page refuses a third level.
        assert f"/en/comments/reply/{top.pk}/" in html
        assert f"/en/comments/reply/{reply.pk}/" not in html
        assert client.get(f"/en/comments/reply/{reply.pk}/").status_code == 403

    def test_a_forged_reply_to_a_reply_is_refused(
        self, client, news, member, member2, comment_on
    ):
        comment_on(member, "The first comment.")
        top = comment_by(member)
        comment_on(member2, "A reply to it.", reply_to=top)
        reply = comment_by(member2)

        client.force_login(member)
        data = form_fields(client.get(NEWS_URL).content.decode())

        response = client.post(
            "/en/comments/post/",
            {**data, "comment": "Third level", "reply_to": str(reply.pk)},
        )

        assert response.status_code == 403
        assert XtdComment.objects.count() == 2

    def test_a_reply_must_answer_a_comment_on_the_same_page(
        self, client, demo, news, member, member2, comment_on
    ):
        SeminarPage.objects.update(follow_up_category=None)  # takes comments
        comment_on(member, "On the seminar.", url=SEMINAR_URL)
        elsewhere = comment_by(member)
        client.force_login(member2)
        data = form_fields(client.get(NEWS_URL).content.decode())

        response = client.post(
            "/en/comments/post/",
            {**data, "comment": "Misplaced", "reply_to": str(elsewhere.pk)},
        )

        assert response.status_code == 403
        assert XtdComment.objects.count() == 1


class TestLikes:
    def like(self, client, comment, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/en/comments/like/{comment.pk}/")

    def test_a_like_counts_once_and_a_second_click_undoes_it(
        self,
        client,
        news,
        member,
        member2,
        comment_on,
        django_capture_on_commit_callbacks,
    ):
        comment_on(member, "Worth a like.")
        comment = comment_by(member)
        client.force_login(member2)

        response = self.like(client, comment, django_capture_on_commit_callbacks)

        assert response.status_code == 302
        assert response.url == f"{NEWS_URL}#c{comment.pk}"
        likes = CommentFlag.objects.filter(comment=comment, flag=LIKEDIT_FLAG)
        assert list(likes.values_list("user", flat=True)) == [member2.pk]
        html = client.get(NEWS_URL).content.decode()
        assert "1 like" in html and 'aria-pressed="true"' in html

        self.like(client, comment, django_capture_on_commit_callbacks)

        assert not likes.exists()

    def test_members_do_not_like_their_own_comments_and_visitors_log_in(
        self, client, news, member, comment_on, django_capture_on_commit_callbacks
    ):
        comment_on(member, "My own words.")
        comment = comment_by(member)

        own = self.like(client, comment, django_capture_on_commit_callbacks)
        client.logout()
        visitor = self.like(client, comment, django_capture_on_commit_callbacks)

        assert own.status_code == 403
        assert visitor.status_code == 302 and "/accounts/login/" in visitor.url
        assert not CommentFlag.objects.exists()

    def test_liking_needs_a_post(self, client, news, member, member2, comment_on):
        comment_on(member, "Worth a like.")
        client.force_login(member2)

        response = client.get(f"/en/comments/like/{comment_by(member).pk}/")

        assert response.status_code == 405


class TestFollowUps:
    def test_a_reply_e_mails_the_author_who_asked_for_follow_ups(
        self, news, member, member2, member3, comment_on
    ):
        comment_on(member, "Tell me when someone answers.", followup=True)
        comment_on(member3, "I do not want e-mails.")
        mail.outbox.clear()

        comment_on(member2, "Here is an answer.", reply_to=comment_by(member))

        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["alma@example.kz"]
        assert "Here is an answer." in message.body
        assert f"{NEWS_URL}#c{comment_by(member2).pk}" in message.body
        # In the follower's own language (Kazakh unless they chose another).
        assert "/kk/comments/mute/" in message.body

    def test_an_address_the_mail_server_refuses_holds_up_nobody_and_nobody_gets_two(
        self, news, member, member2, member3, comment_on, settings, monkeypatch
    ):
        """One job per follower: alma's refused address is tried again later,
        and saule, who got hers, does not get it again."""
        comment_on(member, "Tell me about answers.", followup=True)
        comment_on(member3, "Me too, please.", followup=True)
        mail.outbox.clear()
        RefusingBackend.refused = {"alma@example.kz"}
        settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
        monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)

        comment_on(member2, "Here is an answer.")

        assert [m.to for m in mail.outbox] == [["saule@example.kz"]]
        [waiting] = Job.objects.filter(action="comments.send_follow_up").exclude(
            done_at__isnull=False
        )
        assert waiting.args[1] == "alma@example.kz"
        assert "SMTPRecipientsRefused" in waiting.last_error
        assert run_job(waiting.pk) == "failed"  # still refused
        assert len(mail.outbox) == 1
        RefusingBackend.refused = set()
        assert run_job(waiting.pk) == "done"
        assert sorted(m.to[0] for m in mail.outbox) == [
            "alma@example.kz",
            "saule@example.kz",
        ]

    def test_no_e_mail_without_follow_up(self, news, member, member2, comment_on):
        comment_on(member, "No e-mails for me.")
        mail.outbox.clear()

        comment_on(member2, "An answer.", reply_to=comment_by(member))

        assert mail.outbox == []


class TestCardCounts:
    def add_news(self, count: int):
        index = NewsIndexPage.objects.get(locale__language_code="en")
        pages = []
        for n in range(count):
            page = NewsPage(
                title=f"Bulk news {n}",
                slug=f"bulk-news-{n}",
                summary="A short summary.",
                body=[("paragraph", "<p>Body.</p>")],
                date=datetime.date(2030, 1, 1) + datetime.timedelta(days=n),
            )
            index.add_child(instance=page)
            page.save_revision().publish()
            pages.append(page)
        return pages

    def add_comments(self, page, user, count: int):
        for n in range(count):
            XtdComment.objects.create(
                content_object=page,
                site_id=1,
                user=user,
                user_name=user.username,
                user_email=user.email,
                comment=f"Comment {n}",
            )

    def test_cards_show_how_many_comments_each_page_has(self, client, news, member):
        self.add_comments(news, member, 2)
        removed = XtdComment.objects.filter(object_pk=str(news.pk)).first()
        self.add_comments(news, member, 1)
        removed.is_removed = True
        removed.save()

        html = client.get(NEWS_INDEX_URL).content.decode()

        assert f'href="{NEWS_URL}#comments">2 comments</a>' in html

    @pytest.mark.parametrize("count", [3, 12])
    def test_the_news_list_costs_the_same_queries_however_many_cards(
        self, client, demo, member, count, django_assert_max_num_queries
    ):
        for page in self.add_news(count):
            self.add_comments(page, member, 1)
        client.get(NEWS_INDEX_URL)  # warm Wagtail's site and locale caches

        with django_assert_max_num_queries(13):
            response = client.get(NEWS_INDEX_URL)

        assert response.content.decode().count(">1 comment</a>") == min(count, 10)


class TestDetailQueries:
    @pytest.mark.parametrize("threads", [1, 6])
    def test_the_comments_cost_the_same_queries_however_many(
        self, client, news, member, member2, threads, django_assert_max_num_queries
    ):
        for n in range(threads):
            top = XtdComment.objects.create(
                content_object=news,
                site_id=1,
                user=member,
                user_name="alma",
                user_email=member.email,
                comment=f"Thread {n} by @bolat",
            )
            reply = XtdComment.objects.create(
                content_object=news,
                site_id=1,
                user=member2,
                user_name="bolat",
                user_email=member2.email,
                comment=f"Reply {n}",
                parent_id=top.pk,
            )
            CommentFlag.objects.create(comment=top, user=member2, flag=LIKEDIT_FLAG)
            CommentFlag.objects.create(comment=reply, user=member, flag=LIKEDIT_FLAG)
        client.force_login(member2)
        client.get(NEWS_URL)

        # 19: the page, its comments and likes, and whether the member is suspended.
        with django_assert_max_num_queries(19):
            response = client.get(NEWS_URL)

        assert response.content.decode().count('class="comment"') == 2 * threads


def test_the_sites_framework_row_is_the_sites_own_address(db, settings):
    """Comments need django.contrib.sites; its row must not say "example.com"."""
    from urllib.parse import urlsplit

    from django.contrib.sites.models import Site

    site = Site.objects.get_current()

    assert site.domain == urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc
    assert site.domain != "example.com"
