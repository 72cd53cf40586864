"""The topic page, the composer and the actions on posts, through the views."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from forum.discussions import services
from forum.models import Draft, Post, Topic, TopicReadState


def textarea(body: str) -> str:
    return re.search(r'<textarea name="raw"[^>]*>(.*?)</textarea>', body, re.S).group(1)


class TestTopicPage:
    def test_permalink_opens_the_page_holding_the_post(self, client, make_topic):
        topic = make_topic(replies=29)
        body = client.get(topic.get_post_url(25)).content.decode()
        assert 'id="post-25"' in body and "post-focus" in body
        assert 'id="post-1"' not in body  # page 2 of 20-post pages

    def test_a_wrong_slug_redirects_to_the_canonical_url(self, client, make_topic):
        topic = make_topic()
        response = client.get(reverse("forum:topic", args=["old-title", topic.pk]))
        assert response.status_code == 301
        assert response["Location"] == topic.get_absolute_url()

    def test_load_more_returns_the_next_posts_as_a_fragment(self, client, make_topic):
        topic = make_topic(replies=25)
        page = client.get(topic.get_absolute_url()).content.decode()
        assert f'hx-get="{topic.get_absolute_url()}?page=2"' in page
        fragment = client.get(
            topic.get_absolute_url() + "?page=2", HTTP_HX_REQUEST="true"
        ).content.decode()
        assert "<html" not in fragment
        assert 'id="post-21"' in fragment and 'id="post-26"' in fragment

    def test_the_page_works_without_javascript(self, client, make_topic):
        topic = make_topic(replies=25)
        page = client.get(topic.get_absolute_url() + "?page=2").content.decode()
        assert 'id="post-26"' in page and "<html" in page

    def test_a_member_gets_a_link_to_the_first_unread_post(
        self, client, make_topic, member2
    ):
        topic = make_topic(replies=24)
        client.force_login(member2)
        client.get(topic.get_absolute_url())  # reads posts 1-20
        body = client.get(topic.get_absolute_url()).content.decode()
        assert f'href="{topic.get_post_url(21)}#post-21"' in body

    def test_reading_again_what_was_read_today_writes_nothing(
        self, client, make_topic, member2
    ):
        """A reload moves no marker: no UPDATE, no commit (issue #12). Reading
        on, or coming back another day, writes as before."""
        topic = make_topic(replies=24)
        client.force_login(member2)
        with CaptureQueriesContext(connection) as first:
            client.get(topic.get_absolute_url())  # reads posts 1-20
        state = TopicReadState.objects.get(user=member2, topic=topic)
        assert state.last_read_post_number == 20
        # The first read makes the marker in one statement (it was an UPDATE
        # that found nothing, then a get_or_create's SELECT and INSERT).
        touching = [q["sql"] for q in first if "forum_topicreadstate" in q["sql"]]
        assert (
            len([sql for sql in touching if sql.startswith(("INSERT", "UPDATE"))]) == 1
        )
        assert not [q for q in first if "SAVEPOINT" in q["sql"]]

        with CaptureQueriesContext(connection) as reload:
            client.get(topic.get_absolute_url())
        assert not [q for q in reload if q["sql"].startswith(("UPDATE", "INSERT"))]

        client.get(topic.get_absolute_url() + "?page=2")  # reads on: 21-25
        state.refresh_from_db()
        assert state.last_read_post_number == 25

        yesterday = timezone.now() - timedelta(days=1)
        TopicReadState.objects.filter(pk=state.pk).update(last_visited_at=yesterday)
        client.get(topic.get_absolute_url())
        state.refresh_from_db()
        assert state.last_visited_at > yesterday + timedelta(hours=23)
        assert state.last_read_post_number == 25  # never back

    def test_views_are_counted_once_per_member_or_visitor(
        self, client, make_topic, member2
    ):
        topic = make_topic()
        client.get(topic.get_absolute_url())
        client.get(topic.get_absolute_url())
        client.force_login(member2)
        client.get(topic.get_absolute_url())
        client.get(topic.get_absolute_url())
        topic.refresh_from_db()
        assert topic.view_count == 2

    def test_a_reply_shows_what_it_replies_to(self, client, make_topic, member2):
        topic = make_topic(replies=2)
        target = topic.posts.get(number=3)
        services.post_create(actor=member2, topic=topic, raw="Agreed.", reply_to=target)
        body = client.get(topic.get_absolute_url()).content.decode()
        assert "In reply to" in body
        assert f'href="{topic.get_post_url(3)}#post-3"' in body

    def test_the_interface_speaks_kazakh(self, client, make_topic):
        topic = make_topic()
        with translation.override("kk"):
            body = client.get(topic.get_absolute_url()).content.decode()
        assert '<html lang="kk">' in body
        assert "Жауап беру үшін кіріңіз" in body  # "Log in to reply"


class TestComposer:
    def test_a_failed_reply_keeps_every_character(self, client, make_topic, member2):
        topic = make_topic()
        client.force_login(member2)
        response = client.post(reverse("forum:reply", args=[topic.pk]), {"raw": "x"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "Write at least 2 characters." in body
        assert textarea(body) == "x"

    def test_a_failed_topic_keeps_title_and_text(self, client, category, member):
        client.force_login(member)
        typed = "A careful post that must not be lost — with <b>markup</b> & “quotes”."
        response = client.post(
            reverse("forum:new_topic"),
            {
                "category": category.pk,
                "title": "Hi",
                "raw": typed,
                "language": "en",
                "tags": "a, b",
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "The title needs at least 5 characters." in body
        assert 'value="Hi"' in body
        assert (
            "A careful post that must not be lost — "
            "with &lt;b&gt;markup&lt;/b&gt; &amp; “quotes”." in body
        )
        assert not Topic.objects.filter(title="Hi").exists()

    def test_the_live_preview_renders_sanitised_markdown(self, client, member):
        client.force_login(member)
        response = client.post(
            reverse("forum:preview"),
            {"raw": "**bold** <script>alert(1)</script>"},
            HTTP_HX_REQUEST="true",
        )
        body = response.content.decode()
        assert "<strong>bold</strong>" in body
        assert "<script>" not in body

    def test_drafts_are_saved_and_restored(self, client, make_topic, member2):
        topic = make_topic()
        client.force_login(member2)
        client.post(
            reverse("forum:draft_save"), {"topic": topic.pk, "raw": "Half a thought"}
        )
        assert "Half a thought" in textarea(
            client.get(topic.get_absolute_url()).content.decode()
        )
        client.post(
            reverse("forum:reply", args=[topic.pk]), {"raw": "The whole thought."}
        )
        assert not Draft.objects.filter(user=member2).exists()

    def test_a_new_topic_draft_is_restored(self, client, member, category):
        client.force_login(member)
        client.post(
            reverse("forum:draft_save"),
            {
                "title": "Unfinished title",
                "raw": "Unfinished body",
                "category": category.pk,
            },
        )
        body = client.get(reverse("forum:new_topic")).content.decode()
        assert 'value="Unfinished title"' in body and "Unfinished body" in body

    def test_quote_prefills_the_reply_with_credit(self, client, make_topic, member2):
        topic = make_topic()
        client.force_login(member2)
        body = client.get(topic.get_absolute_url() + "?quote=1").content.decode()
        assert "&gt; @alma [wrote](" in textarea(body)

    def test_mention_autocomplete_finds_members(self, client, member, member2):
        client.force_login(member)
        results = client.get(reverse("forum:mentions"), {"q": "bol"}).json()["results"]
        assert [r["username"] for r in results] == ["bolat"]

    def test_visitors_cannot_use_the_composer(self, client, make_topic):
        topic = make_topic()
        response = client.post(
            reverse("forum:reply", args=[topic.pk]), {"raw": "Hello"}
        )
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert topic.posts.count() == 1


class TestPostActions:
    def test_editing_keeps_a_history_readers_can_see(
        self, client, make_topic, member, member2
    ):
        topic = make_topic()
        post = topic.posts.get(number=1)
        client.force_login(member)
        client.post(
            reverse("forum:post_edit", args=[post.pk]),
            {"title": topic.title, "raw": "The corrected first post."},
        )
        post.refresh_from_db()
        assert post.edit_count == 1
        client.force_login(member2)
        assert "Edited 1 time" in client.get(topic.get_absolute_url()).content.decode()
        history = client.get(
            reverse("forum:post_history", args=[post.pk])
        ).content.decode()
        assert "The corrected first post." in history
        assert "The first post of the topic, with enough words." in history

    def test_someone_elses_post_cannot_be_edited(self, client, make_topic, member2):
        post = make_topic().posts.get(number=1)
        client.force_login(member2)
        assert client.get(reverse("forum:post_edit", args=[post.pk])).status_code == 403
        response = client.post(
            reverse("forum:post_edit", args=[post.pk]), {"raw": "Hijack"}
        )
        assert response.status_code == 403
        assert Post.objects.get(pk=post.pk).raw != "Hijack"

    def test_delete_is_soft_and_a_moderator_restores(
        self, client, make_topic, member, member2, moderator
    ):
        topic = make_topic(replies=1)
        reply = topic.posts.get(number=2)
        client.force_login(member)
        client.post(reverse("forum:post_delete", args=[reply.pk]))
        client.force_login(member2)
        assert (
            'id="post-2"' not in client.get(topic.get_absolute_url()).content.decode()
        )
        client.force_login(moderator)
        page = client.get(topic.get_absolute_url()).content.decode()
        assert 'id="post-2"' in page and "This post was deleted." in page
        client.post(reverse("forum:post_restore", args=[reply.pk]))
        client.force_login(member2)
        assert 'id="post-2"' in client.get(topic.get_absolute_url()).content.decode()
        topic.refresh_from_db()
        assert topic.post_count == 2

    def test_deleting_the_first_post_deletes_the_topic(
        self, client, make_topic, member, member2
    ):
        topic = make_topic()
        client.force_login(member)
        client.post(reverse("forum:post_delete", args=[topic.posts.get(number=1).pk]))
        client.force_login(member2)
        assert client.get(topic.get_absolute_url()).status_code == 404
        assert topic.title not in client.get(reverse("forum:latest")).content.decode()

    def test_likes_toggle_and_own_posts_cannot_be_liked(
        self, client, make_topic, member, member2
    ):
        post = make_topic().posts.get(number=1)
        client.force_login(member2)
        client.post(reverse("forum:post_like", args=[post.pk]))
        assert Post.objects.get(pk=post.pk).like_count == 1
        fragment = client.post(
            reverse("forum:post_like", args=[post.pk]), HTTP_HX_REQUEST="true"
        ).content.decode()
        assert Post.objects.get(pk=post.pk).like_count == 0
        assert 'aria-pressed="false"' in fragment and "<html" not in fragment
        client.force_login(member)
        assert (
            client.post(reverse("forum:post_like", args=[post.pk])).status_code == 403
        )

    def test_bookmarks_are_listed(self, client, make_topic, member2):
        topic = make_topic()
        client.force_login(member2)
        client.post(reverse("forum:post_bookmark", args=[topic.posts.get(number=1).pk]))
        assert topic.title in client.get(reverse("forum:bookmarks")).content.decode()

    def test_only_the_author_or_a_moderator_accepts_an_answer(
        self, client, make_topic, member2, member3
    ):
        topic = make_topic(replies=1)
        reply = topic.posts.get(number=2)
        client.force_login(member3)
        assert (
            client.post(reverse("forum:post_solve", args=[reply.pk])).status_code == 403
        )
        client.force_login(topic.author)
        client.post(reverse("forum:post_solve", args=[reply.pk]))
        topic.refresh_from_db()
        assert topic.solution == reply
        client.post(reverse("forum:post_solve", args=[reply.pk]), {"undo": "1"})
        topic.refresh_from_db()
        assert topic.solution is None


class TestTopicStates:
    def test_closed_topics_refuse_member_replies_but_not_moderators(
        self, client, make_topic, member2, moderator
    ):
        topic = make_topic()
        client.force_login(moderator)
        client.post(reverse("forum:topic_state", args=[topic.pk]), {"action": "close"})
        client.force_login(member2)
        assert (
            client.post(
                reverse("forum:reply", args=[topic.pk]), {"raw": "Late!"}
            ).status_code
            == 403
        )
        assert (
            "no longer accepts replies"
            in client.get(topic.get_absolute_url()).content.decode()
        )
        client.force_login(moderator)
        assert (
            client.post(
                reverse("forum:reply", args=[topic.pk]), {"raw": "Closing note."}
            ).status_code
            == 302
        )

    def test_members_cannot_change_topic_states(self, client, make_topic, member):
        topic = make_topic()
        client.force_login(member)
        response = client.post(
            reverse("forum:topic_state", args=[topic.pk]), {"action": "pin"}
        )
        assert response.status_code == 403

    def test_pinned_topics_come_first_and_unlisted_ones_are_hidden(
        self, client, make_topic, moderator
    ):
        pinned, _middle, unlisted = make_topic(), make_topic(), make_topic()
        services.topic_set_state(actor=moderator, topic=pinned, pinned=True)
        services.topic_set_state(actor=moderator, topic=unlisted, listed=False)
        body = client.get(
            reverse("forum:category", args=[pinned.category.slug])
        ).content.decode()
        titles = re.findall(r'class="topic-title" href="[^"]+"[^>]*>([^<]+)<', body)
        assert titles[0] == pinned.title
        assert unlisted.title not in titles
        assert client.get(unlisted.get_absolute_url()).status_code == 200

    @pytest.mark.parametrize("period", ["day", "week", "month", "year", "all"])
    def test_top_lists_accept_every_period(self, client, make_topic, period):
        topic = make_topic()
        body = client.get(reverse("forum:top"), {"period": period}).content.decode()
        assert topic.title in body

    def test_tag_pages_list_their_topics(self, client, make_topic):
        tagged = make_topic(tags=["video"])
        other = make_topic()
        body = client.get(reverse("forum:tag", args=["video"])).content.decode()
        assert tagged.title in body and other.title not in body
