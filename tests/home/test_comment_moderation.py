"""Comments in moderation: a new member's comment waits, flags join the forum's
review queue, and what a moderator approves becomes searchable.

Comments are posted through the real form and django-comments-xtd's own flow
(tests/home/test_comments.py's helpers); the search is the database backend.
"""

import pytest
from django.urls import reverse
from django_comments_xtd.models import XtdComment

from forum.members import trust
from forum.models import Flag, Notification, ReviewItem, TrustLevel
from forum.moderation import services as moderation
from home.models import NewsPage
from search.backends.base import VISIBILITY_PUBLIC
from search.backends.database import DatabaseBackend
from search.query import parse
from tests.home.test_comments import NEWS_URL, form_fields

Status = ReviewItem.Status


def found(text) -> set[tuple[str, int]]:
    results = DatabaseBackend().search(
        parse(text), visibilities=(VISIBILITY_PUBLIC,), per_page=50
    )
    return {(hit.kind, hit.pk) for hit in results.hits}


@pytest.fixture
def news(demo):
    return NewsPage.objects.get(
        slug="press-services-seminar-astana", locale__language_code="en"
    )


@pytest.fixture
def comment_on(client, news, django_capture_on_commit_callbacks):
    def post(user, text, reply_to=None):
        client.force_login(user)
        url = f"/en/comments/reply/{reply_to.pk}/" if reply_to else NEWS_URL
        data = form_fields(client.get(url).content.decode())
        data.update(comment=text, post="")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/en/comments/post/", data, follow=True)
        assert response.status_code == 200
        return XtdComment.objects.filter(user=user).latest("submit_date"), response

    return post


@pytest.fixture
def newcomer(make_user, monkeypatch):
    user = make_user("nurlan", trust_level=TrustLevel.NEW)
    monkeypatch.setattr(trust, "needs_approval", lambda actor: actor.pk == user.pk)
    return user


@pytest.fixture(autouse=True)
def _empty_queue(db):
    """Without the demo's flagged post, so that the queue is the test's own."""
    ReviewItem.objects.all().delete()


def moderation_outcomes(user) -> list[str]:
    return [
        n.data["outcome"]
        for n in Notification.objects.filter(
            user=user, kind=Notification.Kind.MODERATION
        ).order_by("pk")
    ]


def test_a_new_members_comment_waits_and_becomes_searchable_once_approved(
    client,
    news,
    member,
    newcomer,
    moderator,
    comment_on,
    django_capture_on_commit_callbacks,
):
    parent, _response = comment_on(member, "A first comment about accreditation.")
    comment, response = comment_on(
        newcomer, "Platypus accreditation questions.", reply_to=parent
    )

    assert not comment.is_public
    assert "wait for a moderator" in response.content.decode()
    item = ReviewItem.objects.get(comment=comment)
    assert (item.reason, item.status) == (ReviewItem.Reason.HELD, Status.PENDING)
    assert moderation_outcomes(newcomer) == ["held"]
    assert not Notification.objects.filter(
        user=member, kind=Notification.Kind.COMMENT_REPLY
    ).exists()
    client.logout()
    assert "Platypus" not in client.get(NEWS_URL).content.decode()
    assert ("comment", comment.pk) not in found("platypus")

    client.force_login(moderator)
    queue = client.get(reverse("forum:review_queue")).content.decode()
    assert "Platypus accreditation" in queue and news.title in queue
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(
            reverse("forum:review_decide", args=[item.pk, "approve"])
        )

    assert approved.status_code == 302
    comment.refresh_from_db()
    item.refresh_from_db()
    assert comment.is_public and item.status == Status.APPROVED
    assert ("comment", comment.pk) in found("platypus")
    client.logout()
    assert "Platypus" in client.get(NEWS_URL).content.decode()
    assert moderation_outcomes(newcomer) == ["held", "approved"]
    # Approval notifies the way posting would have: the parent's author hears.
    assert Notification.objects.filter(
        user=member, kind=Notification.Kind.COMMENT_REPLY, comment=comment
    ).exists()


def test_trusted_flags_hide_a_comment_and_a_moderator_removes_it(
    client,
    news,
    member,
    make_user,
    moderator,
    comment_on,
    django_capture_on_commit_callbacks,
):
    comment, _response = comment_on(member, "Cheap followers for sale, narwhal.")
    assert ("comment", comment.pk) in found("narwhal")
    flaggers = [make_user(trust_level=TrustLevel.MEMBER) for _ in range(2)]

    for flagger in flaggers:
        client.force_login(flagger)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("comments-flag", args=[comment.pk]), {"reason": "spam"}
            )
        assert response.status_code == 302

    comment.refresh_from_db()
    assert not comment.is_public
    assert ("comment", comment.pk) not in found("narwhal")
    item = ReviewItem.objects.get(comment=comment, status=Status.PENDING)
    assert Flag.objects.filter(review=item).count() == 2
    assert moderation_outcomes(member) == ["hidden"]

    with django_capture_on_commit_callbacks(execute=True):
        moderation.review_delete(actor=moderator, item=item, note="Spam")

    comment.refresh_from_db()
    item.refresh_from_db()
    assert comment.is_removed and item.status == Status.DELETED
    assert moderation_outcomes(member) == ["hidden", "deleted"]


def test_comment_flags_are_for_global_moderators_only(
    client, news, member, member2, make_user, make_category, comment_on
):
    comment, _response = comment_on(member, "A comment somebody dislikes.")
    client.force_login(member2)
    client.post(
        reverse("comments-flag", args=[comment.pk]),
        {"reason": "off_topic", "note": "Not about the news"},
    )
    item = ReviewItem.objects.get(comment=comment)
    category_moderator = make_user("cat_mod")
    make_category().moderators.add(category_moderator)

    client.force_login(category_moderator)
    queue = client.get(reverse("forum:review_queue")).content.decode()
    decide = client.post(reverse("forum:review_decide", args=[item.pk, "hide"]))

    assert "A comment somebody dislikes." not in queue
    assert decide.status_code == 404


def test_the_comment_flag_page_works_without_javascript(
    client, news, member, member2, comment_on
):
    comment, _response = comment_on(member, "A comment to report.")
    client.force_login(member2)

    page = client.get(NEWS_URL).content.decode()
    form = client.get(reverse("comments-flag", args=[comment.pk]))
    missing = client.post(
        reverse("comments-flag", args=[comment.pk]), {"note": "Kept text"}
    )

    assert reverse("comments-flag", args=[comment.pk]) in page
    assert form.status_code == 200 and 'type="radio"' in form.content.decode()
    assert missing.status_code == 400 and "Kept text" in missing.content.decode()
