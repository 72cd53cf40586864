"""The comment URLs show nothing a reader may not see.

django-contrib-comments and django-comments-xtd look comments and their targets
up by id and show them to anyone: the `cr/` permalink redirected to any object's
URL (the slug of a members-only, held or deleted topic, or of a members-only
category, gives its title away), and xtd's reply page showed the text of held,
hidden and removed comments. Each comment URL now answers 404 for what the
reader may not see, the same answer as for an id that does not exist.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django_comments_xtd.models import XtdComment

from forum.discussions import services
from forum.models import Category, Topic, TrustLevel
from home.models import NewsPage
from tests.home.test_comments import NEWS_URL

pytestmark = pytest.mark.django_db

SECRET = "Text of a comment that readers must not see"


@pytest.fixture
def news(demo):
    return NewsPage.objects.get(
        slug="press-services-seminar-astana", locale__language_code="en"
    )


def add_comment(page, user, text="A comment everyone may read.", **fields):
    return XtdComment.objects.create(
        content_object=page,
        site_id=1,
        user=user,
        user_name=user.username,
        user_email=user.email,
        comment=text,
        **fields,
    )


def permalink(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return f"/en/comments/cr/{content_type.pk}/{obj.pk}/"


@pytest.fixture(params=["visitor", "member"])
def reader(request, client, make_user):
    """A visitor, or a member who wrote none of what is looked at."""
    if request.param == "member":
        client.force_login(make_user("reader"))
    return client


class TestPermalink:
    def test_a_comment_permalink_leads_to_its_page(self, client, news, member):
        comment = add_comment(news, member)

        response = client.get(comment.get_absolute_url())

        assert response.status_code == 302
        assert response.url == NEWS_URL

    @pytest.mark.parametrize(
        "kind", ["members-topic", "held-topic", "deleted-topic", "members-category"]
    )
    def test_forum_objects_are_not_reachable_through_the_permalink(
        self, reader, kind, make_category, make_topic, make_user, member
    ):
        """The permalink serves the pages that take comments, nothing else."""
        members_only = make_category(Category.Visibility.MEMBERS)
        title = "Night-time information attack: the first sixty minutes"
        if kind == "members-category":
            target = members_only
        elif kind == "members-topic":
            target = make_topic(in_category=members_only, title=title)
        elif kind == "held-topic":
            newcomer = make_user("newcomer", trust_level=TrustLevel.NEW)
            target = make_topic(author=newcomer, title=title)
            Topic.objects.filter(pk=target.pk).update(awaiting_approval=True)
        else:
            target = make_topic(title=title)
            services.post_delete(actor=member, post=target.posts.get(number=1))
            target.refresh_from_db()
            assert target.is_deleted

        response = reader.get(permalink(target))

        assert response.status_code == 404
        assert "Location" not in response
        assert "night-time" not in response.content.decode().lower()

    def test_a_public_topic_is_not_served_either(self, client, make_topic):
        """Nothing in the forum takes comments, so nothing there needs the route."""
        assert client.get(permalink(make_topic())).status_code == 404

    def test_an_unpublished_page_is_not_served(self, client, news, member):
        comment = add_comment(news, member)
        news.unpublish()

        assert client.get(comment.get_absolute_url()).status_code == 404
        assert client.get(permalink(news)).status_code == 404

    @pytest.mark.parametrize(
        "path",
        [
            "/en/comments/cr/1/abc/",
            "/en/comments/cr/1/²/",
            "/en/comments/cr/999999999/1/",
            "/en/comments/cr/1/99999999999999999999999/",
            f"/en/comments/cr/1/{2**64}/",
        ],
    )
    def test_nonsense_permalinks_answer_404(self, client, demo, path):
        assert client.get(path).status_code == 404


@pytest.fixture(params=["held-or-hidden", "removed", "unpublished-page"])
def unseen_comment(request, news, make_user):
    """A comment by someone else that readers may not see, and why."""
    author = make_user("writer")
    fields = {
        # Held for a moderator and hidden by flags are both is_public=False.
        "held-or-hidden": {"is_public": False},
        "removed": {"is_removed": True},
        "unpublished-page": {},
    }[request.param]
    comment = add_comment(news, author, SECRET, **fields)
    if request.param == "unpublished-page":
        news.unpublish()
    return comment


class TestCommentViews:
    def test_the_reply_page_does_not_show_a_comment_readers_may_not_see(
        self, client, make_user, unseen_comment
    ):
        client.force_login(make_user("reader"))

        response = client.get(f"/en/comments/reply/{unseen_comment.pk}/")

        assert response.status_code == 404
        assert SECRET not in response.content.decode()

    def test_the_reply_page_still_shows_a_published_comment(
        self, client, news, member, member2
    ):
        comment = add_comment(news, member2, "A comment to answer.")
        client.force_login(member)

        response = client.get(f"/en/comments/reply/{comment.pk}/")

        assert response.status_code == 200
        assert "A comment to answer." in response.content.decode()

    @pytest.mark.parametrize(
        "url",
        [
            "/en/comments/reply/{pk}/",
            "/en/comments/flag/{pk}/",
            "/en/comments/sent/?c={pk}",
            "/en/comments/posted/?c={pk}",
            "/en/comments/delete/{pk}/",
            "/en/comments/approve/{pk}/",
            "/en/comments/flagged/?c={pk}",
            "/en/comments/deleted/?c={pk}",
            "/en/comments/approved/?c={pk}",
        ],
    )
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_no_comment_view_shows_or_acts_on_an_unseen_comment(
        self, client, make_user, unseen_comment, url, method
    ):
        client.force_login(make_user("reader"))

        response = getattr(client, method)(url.format(pk=unseen_comment.pk))

        assert response.status_code == 404
        assert SECRET not in response.content.decode()
        unseen_comment.refresh_from_db()
        assert not unseen_comment.flags.exists()

    def test_liking_an_unseen_comment_answers_404(
        self, client, make_user, unseen_comment
    ):
        client.force_login(make_user("reader"))

        response = client.post(f"/en/comments/like/{unseen_comment.pk}/")

        assert response.status_code == 404
        assert not unseen_comment.flags.exists()

    def test_the_author_of_a_held_comment_is_told_it_waits(self, client, news, member):
        comment = add_comment(news, member, "My held comment", is_public=False)
        client.force_login(member)

        response = client.get(f"/en/comments/sent/?c={comment.pk}")

        assert response.status_code == 200

    def test_a_published_comment_on_a_live_page_is_flagged_as_before(
        self, client, news, member, member2
    ):
        comment = add_comment(news, member2)
        client.force_login(member)

        assert client.get(f"/en/comments/flag/{comment.pk}/").status_code == 200
