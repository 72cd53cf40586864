"""A topic page's posts from cached content and per-reader stencils
(forum/discussions/fragments.py): the same HTML as the templates give, never
one reader's view for another, fresh after every change that shows."""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from forum.discussions import fragments, selectors, services
from forum.models import Post

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page_of(user, topic, focus=None):
    """The topic's first page as `user` reads it, and its posts."""
    request = RequestFactory().get(topic.get_absolute_url())
    request.user = user
    posts = selectors.topic_posts(user=user, topic=topic).object_list
    html = fragments.render_posts(request, posts, topic, focus=focus)
    return html, posts


def by_template(posts, topic, token, focus=None):
    """What the frame template gives each post with its real values: the
    reference the stencils must match byte for byte."""
    solution = ""
    if topic.solution_id:
        solution = render_to_string(fragments.SOLUTION_TEMPLATE, {"topic": topic})
    html = []
    for post in posts:
        facts = fragments._Facts.of(post, topic, focus)
        shown = SimpleNamespace(
            **{name: getattr(facts, name) for name in facts.__dataclass_fields__},
            pk=post.pk,
            number=post.number,
            like_label=fragments.like_label(post.like_count),
            content=post.content,
            solution=solution,
        )
        html.append(
            render_to_string(
                fragments.FRAME_TEMPLATE, {"post": shown, "csrf_token": token}
            )
        )
    return "".join(html)


@pytest.fixture
def busy_topic(make_topic, member, member2, moderator):
    """Posts of every kind: liked, bookmarked, edited, replied to, deleted,
    hidden by the moderators, the accepted answer."""
    topic = make_topic(author=member)
    first = topic.posts.get(number=1)
    answer = services.post_create(actor=member2, topic=topic, raw="The answer.")
    reply = services.post_create(
        actor=member, topic=topic, raw="Thanks, @bolat.", reply_to=answer
    )
    services.post_create(actor=member2, topic=topic, raw="Soon gone.")
    gone = topic.posts.get(number=4)
    services.post_delete(actor=member2, post=gone)
    hidden = services.post_create(actor=member2, topic=topic, raw="Hidden words.")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    services.like_toggle(actor=member2, post=first)
    services.bookmark_toggle(actor=member2, post=reply)
    services.post_edit(actor=member, post=reply, raw="Thanks a lot, @bolat.")
    services.solution_accept(actor=member, post=answer)
    topic.refresh_from_db()
    return selectors.topic_for_reader(member, topic.pk)


@pytest.mark.parametrize("reader", ["member", "member2", "moderator", "visitor"])
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_stencils_give_what_the_template_gives(busy_topic, reader, language, request):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if reader == "visitor" else request.getfixturevalue(reader)
    with translation.override(language):
        html, posts = page_of(user, busy_topic, focus=3)
        token = TOKEN.search(html).group(1) if user.is_authenticated else None

        assert html == by_template(posts, busy_topic, token, focus=3)
    assert "@@forum" not in html and "9090909090909" not in html


def test_each_reader_sees_only_their_own_controls(busy_topic, member, member2):
    mine, _ = page_of(member, busy_topic)
    theirs, _ = page_of(member2, busy_topic)
    edit_reply = f"/forum/p/{busy_topic.posts.get(number=3).pk}/edit/"

    assert edit_reply in mine and edit_reply not in theirs
    assert theirs.count('aria-pressed="true"') == 2  # liked #1, bookmarked #3
    assert 'aria-pressed="true"' not in mine


def test_a_hidden_posts_text_reaches_only_those_who_may_read_it(
    busy_topic, moderator, member
):
    # The moderator's page first, so the text is in the cache for anyone to take.
    assert "Hidden words." in page_of(moderator, busy_topic)[0]

    assert "Hidden words." not in page_of(member, busy_topic)[0]


def test_the_content_is_rendered_once_then_read_from_the_cache(busy_topic, member2):
    with CaptureQueriesContext(connection) as cold:
        page_of(member2, busy_topic)
    with CaptureQueriesContext(connection) as warm:
        html, _ = page_of(member2, busy_topic)

    # Warm: the posts, no author, profile or replied-to post.
    assert len(cold) - len(warm) == 2
    assert not any("auth_user" in query["sql"] for query in warm)
    assert "In reply to" in html


def test_what_a_post_shows_changes_with_its_edits_likes_and_authors(
    busy_topic, member, member2
):
    page_of(member2, busy_topic)  # everything cached
    reply = busy_topic.posts.get(number=3)
    services.post_edit(actor=member, post=reply, raw="Edited once more.")
    services.like_toggle(actor=member2, post=reply)
    member.profile.display_name = "Alma Nurlanqyzy"
    member.profile.save()

    html, _ = page_of(member2, busy_topic)

    assert "Edited once more." in html
    assert "1 like" in html
    assert "Alma Nurlanqyzy" in html


def test_a_marker_in_a_posts_text_stays_text(make_topic, member, member2):
    topic = make_topic(author=member)
    services.post_create(
        actor=member2, topic=topic, raw="Try @@forum-csrf@@ and 9090909090909091."
    )

    html, _ = page_of(member, topic)

    assert "Try @@forum-csrf@@ and 9090909090909091." in html
