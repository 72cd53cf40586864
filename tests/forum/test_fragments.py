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
from forum.discussions.forms import PostForm
from forum.models import Post, Topic

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


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("can_upload", [True, False])
@pytest.mark.parametrize(
    "raw, reply_to",
    [
        ("", None),
        (
            '> @alma [wrote](/t/1/2/):\n> <script>alert("@@forum-composer-topic@@")'
            "</script>\n\n",
            7,
        ),
        ("Черновик ответа & <b>", None),
    ],
    ids=["empty", "quote", "draft"],
)
def test_the_composer_stencil_gives_what_the_template_gives(
    make_topic, language, can_upload, raw, reply_to
):
    """The reply composer from its stencil is the template's HTML for the same
    form, byte for byte, and a marker typed in a draft stays text."""
    topic = make_topic()
    with translation.override(language):
        expected = render_to_string(
            fragments.COMPOSER_TEMPLATE,
            {
                "form": PostForm(
                    initial={"raw": raw, "reply_to": reply_to}, topic=topic
                ),
                "topic_id": topic.pk,
                "heading_level": 3,
                "can_upload": can_upload,
            },
        )
        for _ in range(2):  # built, then from the stencil
            html = fragments.reply_fields(
                topic,
                form_class=PostForm,
                raw=raw,
                reply_to=reply_to,
                can_upload=can_upload,
            )
            assert html == expected
    assert "<script>" not in html


def test_the_topic_heading_is_cached_and_fresh_after_every_change_it_shows(
    client, make_topic, member, moderator
):
    """The heading (title, category, tags, state) costs a warm page no query,
    and shows a new tag, title or state at once."""
    topic = make_topic(author=member, tags=["media"])
    client.force_login(member)
    client.get(topic.get_absolute_url())
    with CaptureQueriesContext(connection) as warm:
        body = client.get(topic.get_absolute_url()).content.decode()
    assert "#media" in body
    assert not [q for q in warm if "forum_topic_tags" in q["sql"]]

    services.topic_edit(actor=member, topic=topic, tags=["media", "брифинг"])
    body = client.get(topic.get_absolute_url()).content.decode()
    assert 'href="/en/forum/tags/брифинг/">#брифинг</a>' in body

    services.topic_edit(actor=member, topic=topic, title="A renamed topic title")
    services.topic_set_state(actor=moderator, topic=topic, closed=True)
    body = client.get(Topic.objects.get(pk=topic.pk).get_absolute_url()).content
    heading = body.decode().split('<div id="posts"')[0]
    assert "A renamed topic title</h1>" in heading and ">Closed</span>" in heading
