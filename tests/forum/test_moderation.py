"""Moderation: flags and auto-hiding, held posts, the review queue and its decisions.

Services are driven the way the site drives them, and the pages are read as a
member, the author and a moderator would read them. On-commit work (indexing,
notification fan-out) runs inside `django_capture_on_commit_callbacks`.
"""

import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from forum import permissions
from forum.discussions import services
from forum.management.commands.forum_repair import repair_counters
from forum.members import trust
from forum.models import (
    AuditEntry,
    Category,
    Flag,
    Notification,
    Post,
    ReviewItem,
    Tag,
    Topic,
    TopicReadState,
    TrustLevel,
)
from forum.moderation import services as moderation
from search.backends.base import VISIBILITY_MEMBERS, VISIBILITY_PUBLIC
from search.backends.database import DatabaseBackend
from search.query import parse

Status = ReviewItem.Status


def found(text) -> set[tuple[str, int]]:
    results = DatabaseBackend().search(
        parse(text), visibilities=(VISIBILITY_PUBLIC, VISIBILITY_MEMBERS), per_page=50
    )
    return {(hit.kind, hit.pk) for hit in results.hits}


def outcomes(user) -> list[str]:
    return [
        n.data["outcome"]
        for n in Notification.objects.filter(
            user=user, kind=Notification.Kind.MODERATION
        ).order_by("pk")
    ]


def nothing_to_repair():
    wrong = repair_counters(dry_run=True)
    return {name: rows for name, rows in wrong.items() if rows} == {}


@pytest.fixture
def trusted(make_user):
    """Two members at trust level 2, whose flags together hide a post."""
    return [make_user(trust_level=TrustLevel.MEMBER) for _ in range(2)]


@pytest.fixture
def reply(make_topic, member, member2, django_capture_on_commit_callbacks):
    """A reply by bolat about "zebra crossings" in alma's topic."""
    topic = make_topic(author=member)
    with django_capture_on_commit_callbacks(execute=True):
        return services.post_create(
            actor=member2, topic=topic, raw="Zebra crossings near the ministry."
        )


@pytest.fixture
def newcomer(make_user, monkeypatch):
    """A level-0 member whose posts and comments wait for a moderator.

    trust.needs_approval is pinned to "this member" so the tests do not depend
    on how many approved posts trust.py asks for.
    """
    user = make_user("nurlan", trust_level=TrustLevel.NEW)
    monkeypatch.setattr(trust, "needs_approval", lambda actor: actor.pk == user.pk)
    return user


def flag(actor, post, capture, reason="spam", note=""):
    with capture(execute=True):
        return moderation.flag_create(actor=actor, post=post, reason=reason, note=note)


def page_text(client, user, post):
    client.force_login(user)
    response = client.get(post.topic.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# Flags and auto-hide ----------------------------------------------------------------


class TestFlags:
    def test_two_trusted_flags_hide_the_post_and_approval_shows_it_again(
        self,
        client,
        reply,
        trusted,
        member,
        member2,
        moderator,
        django_capture_on_commit_callbacks,
    ):
        capture = django_capture_on_commit_callbacks
        assert ("post", reply.pk) in found("zebra")

        flag(trusted[0], reply, capture, reason="spam")
        reply.refresh_from_db()
        assert not reply.is_hidden
        flag(trusted[1], reply, capture, reason="other", note="Advertising.")
        reply.refresh_from_db()

        assert reply.is_hidden
        item = ReviewItem.objects.get(post=reply, status=Status.PENDING)
        assert item.reason == ReviewItem.Reason.FLAGGED
        assert item.flags.count() == 2
        assert outcomes(member2) == ["hidden"]
        entry = AuditEntry.objects.get(action="auto_hide")
        assert entry.actor is None and entry.target_id == str(reply.pk)
        assert ("post", reply.pk) not in found("zebra")
        # Readers see the notice; the author and moderators still read it.
        reader = page_text(client, member, reply)
        assert "This post was hidden by the moderators." in reader
        assert "Zebra crossings" not in reader
        assert "Zebra crossings" in page_text(client, member2, reply)
        # A hidden post keeps its counts.
        assert Topic.objects.get(pk=reply.topic_id).post_count == 2

        client.force_login(moderator)
        with capture(execute=True):
            response = client.post(
                reverse("forum:review_decide", args=[item.pk, "approve"]),
                {"note": "Fine after all."},
            )

        assert response.status_code == 302
        reply.refresh_from_db()
        item.refresh_from_db()
        assert not reply.is_hidden
        assert item.status == Status.APPROVED
        assert item.resolved_by == moderator and item.resolved_at is not None
        assert item.note == "Fine after all."
        assert outcomes(member2) == ["hidden", "approved"]
        approval = AuditEntry.objects.get(action="approve")
        assert approval.actor == moderator
        assert approval.reason == "Fine after all."
        assert approval.target_id == str(reply.pk)
        assert ("post", reply.pk) in found("zebra")
        assert "Zebra crossings" in page_text(client, member, reply)

    def test_flags_from_new_and_basic_members_never_hide_a_post(
        self, reply, make_user, django_capture_on_commit_callbacks
    ):
        for level in (TrustLevel.NEW, TrustLevel.BASIC, TrustLevel.BASIC):
            flag(
                make_user(trust_level=level), reply, django_capture_on_commit_callbacks
            )

        reply.refresh_from_db()
        assert not reply.is_hidden
        item = ReviewItem.objects.get(post=reply, status=Status.PENDING)
        assert item.flags.count() == 3
        assert not AuditEntry.objects.filter(action="auto_hide").exists()

    def test_a_moderators_flag_counts_as_trusted(
        self, reply, make_user, moderator, django_capture_on_commit_callbacks
    ):
        flag(
            make_user(trust_level=TrustLevel.MEMBER),
            reply,
            django_capture_on_commit_callbacks,
        )
        flag(moderator, reply, django_capture_on_commit_callbacks)

        reply.refresh_from_db()
        assert reply.is_hidden

    def test_hidden_by_flags_then_deleted_by_a_moderator(
        self,
        client,
        reply,
        trusted,
        member2,
        moderator,
        django_capture_on_commit_callbacks,
    ):
        capture = django_capture_on_commit_callbacks
        for flagger in trusted:
            flag(flagger, reply, capture)
        item = ReviewItem.objects.get(post=reply, status=Status.PENDING)
        category_posts = Category.objects.get(pk=reply.topic.category_id).post_count

        client.force_login(moderator)
        with capture(execute=True):
            response = client.post(
                reverse("forum:review_decide", args=[item.pk, "delete"]),
                {"note": "Spam."},
            )

        assert response.status_code == 302
        reply.refresh_from_db()
        item.refresh_from_db()
        assert reply.is_deleted and reply.deleted_by == moderator
        assert item.status == Status.DELETED and item.resolved_by == moderator
        assert outcomes(member2) == ["hidden", "deleted"]
        entry = AuditEntry.objects.get(action="delete")
        assert (entry.actor, entry.reason) == (moderator, "Spam.")
        assert Topic.objects.get(pk=reply.topic_id).post_count == 1
        category = Category.objects.get(pk=reply.topic.category_id)
        assert category.post_count == category_posts - 1
        assert ("post", reply.pk) not in found("zebra")
        assert nothing_to_repair()

    def test_a_member_flags_a_post_once(
        self, reply, member3, django_capture_on_commit_callbacks
    ):
        flag(member3, reply, django_capture_on_commit_callbacks)

        with pytest.raises(ValidationError) as error:
            flag(member3, reply, django_capture_on_commit_callbacks, reason="off_topic")

        assert "already flagged" in str(error.value)
        assert Flag.objects.filter(post=reply, user=member3).count() == 1

    def test_authors_cannot_flag_their_own_post(self, reply, member2):
        with pytest.raises(PermissionDenied):
            moderation.flag_create(actor=member2, post=reply, reason="spam")

    def test_the_flag_form_asks_for_a_note_on_something_else_and_keeps_what_was_typed(
        self, client, reply, member3
    ):
        client.force_login(member3)
        url = reverse("forum:flag_post", args=[reply.pk])

        missing_note = client.post(url, {"reason": "other", "note": ""})
        no_reason = client.post(url, {"reason": "", "note": "Looks like an advert"})

        assert missing_note.status_code == 400
        assert (
            "Tell the moderators what is wrong with it."
            in missing_note.content.decode()
        )
        assert no_reason.status_code == 400
        assert "Looks like an advert" in no_reason.content.decode()
        assert not Flag.objects.filter(user=member3).exists()

    def test_flagging_through_the_form_and_a_second_time(self, client, reply, member3):
        client.force_login(member3)
        url = reverse("forum:flag_post", args=[reply.pk])

        first = client.post(url, {"reason": "off_topic", "note": "Not about it."})
        again = client.post(url, {"reason": "spam", "note": "Still here"})

        assert first.status_code == 302
        assert first.url.endswith(f"#post-{reply.number}")
        created = Flag.objects.get(post=reply, user=member3)
        assert (created.reason, created.note) == ("off_topic", "Not about it.")
        assert again.status_code == 400
        assert "already flagged" in again.content.decode()
        assert "Still here" in again.content.decode()

    def test_each_post_carries_a_flag_form_for_other_members(
        self, client, reply, member, member2
    ):
        flag_url = reverse("forum:flag_post", args=[reply.pk])

        assert flag_url in page_text(client, member, reply)
        assert flag_url not in page_text(client, member2, reply)  # the author
        client.logout()
        assert (
            flag_url not in client.get(reply.topic.get_absolute_url()).content.decode()
        )


# Held posts -------------------------------------------------------------------------


class TestHeldPosts:
    def test_a_new_members_reply_waits_and_counts_nowhere_until_approved(
        self,
        client,
        make_topic,
        member,
        member3,
        newcomer,
        moderator,
        django_capture_on_commit_callbacks,
    ):
        capture = django_capture_on_commit_callbacks
        topic = make_topic(author=member)
        first = topic.posts.get(number=1)
        category_before = Category.objects.get(pk=topic.category_id)

        with capture(execute=True):
            held = services.post_create(
                actor=newcomer,
                topic=topic,
                raw="Quokka photos for every press release.",
                reply_to=first,
            )

        assert held.awaiting_approval and held.number == 2
        topic.refresh_from_db()
        assert (topic.post_count, topic.last_post_id) == (1, first.pk)
        category = Category.objects.get(pk=topic.category_id)
        assert category.post_count == category_before.post_count
        assert category.last_post_id == category_before.last_post_id
        assert ReviewItem.objects.get(post=held).reason == ReviewItem.Reason.HELD
        assert outcomes(newcomer) == ["held"]
        assert not Notification.objects.filter(user=member).exists()
        assert ("post", held.pk) not in found("quokka")
        assert nothing_to_repair()
        assert "Quokka" not in page_text(client, member3, held)
        author_view = page_text(client, newcomer, held)
        assert "Quokka" in author_view and "waiting for a moderator" in author_view
        assert "Quokka" in page_text(client, moderator, held)
        # The held reply stays out of the highest post number, so a reader who
        # opened the topic has nothing unread in it while the reply waits.
        assert (
            TopicReadState.objects.get(user=member3, topic=topic).last_read_post_number
            == topic.highest_post_number
            == 1
        )
        # A reply written meanwhile takes the next number after the held one.
        later = services.post_create(actor=member, topic=topic, raw="Meanwhile…")
        assert later.number == 3
        services.post_delete(actor=member, post=later)

        item = ReviewItem.objects.get(post=held)
        client.force_login(moderator)
        with capture(execute=True):
            response = client.post(
                reverse("forum:review_decide", args=[item.pk, "approve"])
            )

        assert response.status_code == 302
        held.refresh_from_db()
        topic.refresh_from_db()
        assert not held.awaiting_approval
        assert (topic.post_count, topic.last_post_id) == (2, held.pk)
        assert newcomer.pk in topic.participant_ids
        category = Category.objects.get(pk=topic.category_id)
        assert category.post_count == category_before.post_count + 1
        assert category.last_post_id == held.pk
        assert ("post", held.pk) in found("quokka")
        assert "Quokka" in page_text(client, member3, held)
        assert outcomes(newcomer) == ["held", "approved"]
        # Approval notifies as posting would have: the replied-to author hears.
        assert Notification.objects.filter(
            user=member, kind=Notification.Kind.REPLY, post=held
        ).exists()
        assert AuditEntry.objects.filter(action="approve", actor=moderator).exists()
        assert nothing_to_repair()

    def test_a_new_members_topic_is_listed_and_counted_only_once_approved(
        self,
        client,
        category,
        member3,
        newcomer,
        moderator,
        django_capture_on_commit_callbacks,
    ):
        capture = django_capture_on_commit_callbacks
        with capture(execute=True):
            topic = services.topic_create(
                actor=newcomer,
                category=category,
                title="Wombat briefing schedules",
                raw="How often do you brief about wombats?",
                tags=["wombats"],
            )

        assert topic.awaiting_approval
        category.refresh_from_db()
        assert (category.topic_count, category.post_count) == (0, 0)
        assert Tag.objects.get(name="wombats").topic_count == 0
        assert ("topic", topic.pk) not in found("wombat")
        client.force_login(member3)
        assert (
            "Wombat briefing"
            not in client.get(reverse("forum:latest")).content.decode()
        )
        assert client.get(topic.get_absolute_url()).status_code == 404
        client.force_login(newcomer)
        assert client.get(topic.get_absolute_url()).status_code == 200
        assert nothing_to_repair()

        item = ReviewItem.objects.get(post__topic=topic)
        with capture(execute=True):
            moderation.review_approve(actor=moderator, item=item)

        topic.refresh_from_db()
        category.refresh_from_db()
        assert not topic.awaiting_approval
        assert (category.topic_count, category.post_count) == (1, 1)
        assert Tag.objects.get(name="wombats").topic_count == 1
        assert ("topic", topic.pk) in found("wombat")
        client.force_login(member3)
        assert "Wombat briefing" in client.get(reverse("forum:latest")).content.decode()
        assert nothing_to_repair()

    def test_a_held_post_deleted_by_a_moderator_never_counted(
        self,
        make_topic,
        member,
        newcomer,
        moderator,
        django_capture_on_commit_callbacks,
    ):
        topic = make_topic(author=member)
        with django_capture_on_commit_callbacks(execute=True):
            held = services.post_create(actor=newcomer, topic=topic, raw="Spam spam.")
            moderation.review_delete(
                actor=moderator, item=ReviewItem.objects.get(post=held), note="Spam"
            )

        topic.refresh_from_db()
        held.refresh_from_db()
        assert held.is_deleted and topic.post_count == 1
        assert outcomes(newcomer) == ["held", "deleted"]
        assert nothing_to_repair()

    def test_nobody_else_can_like_bookmark_or_quote_a_held_post(
        self,
        client,
        make_topic,
        member,
        member3,
        newcomer,
        django_capture_on_commit_callbacks,
    ):
        topic = make_topic(author=member)
        with django_capture_on_commit_callbacks(execute=True):
            held = services.post_create(
                actor=newcomer, topic=topic, raw="Secret held text"
            )
        client.force_login(member3)

        quote = client.get(topic.get_absolute_url() + f"?quote={held.number}")
        with pytest.raises(PermissionDenied):
            services.like_toggle(actor=member, post=held)
        history = client.get(reverse("forum:post_history", args=[held.pk]))

        assert "Secret held text" not in quote.content.decode()
        assert history.status_code == 404


# The queue ---------------------------------------------------------------------------


@pytest.fixture
def flagged_posts(make_topic, make_user, member, django_capture_on_commit_callbacks):
    """`flagged_posts(n, in_category=None)`: n replies, each flagged once."""

    def build(n, in_category=None):
        flagger = make_user(trust_level=TrustLevel.MEMBER)
        author = make_user()
        topic = make_topic(author=member, in_category=in_category)
        posts = []
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(n):
                post = services.post_create(
                    actor=author, topic=topic, raw=f"Reply {i} with @{member.username}"
                )
                moderation.flag_create(
                    actor=flagger, post=post, reason="other", note=f"Note {i}"
                )
                posts.append(post)
        return posts

    return build


class TestQueue:
    @pytest.fixture(autouse=True)
    def _empty_queue(self, db):
        """Without the demo's flagged post, so that counts are the test's own."""
        ReviewItem.objects.all().delete()

    def test_visitors_and_members_cannot_open_the_queue(self, client, member):
        url = reverse("forum:review_queue")
        assert client.get(url).status_code == 302
        client.force_login(member)
        assert client.get(url).status_code == 403

    def test_the_queue_lists_pending_items_oldest_first_with_their_flags(
        self, client, flagged_posts, moderator
    ):
        first, second = flagged_posts(2)
        client.force_login(moderator)

        html = client.get(reverse("forum:review_queue")).content.decode()

        first_item, second_item = first.reviews.get(), second.reviews.get()
        assert html.index(f'id="review-{first_item.pk}"') < html.index(
            f'id="review-{second_item.pk}"'
        )
        assert "Note 0" in html and "Something else" in html
        assert reverse("forum:review_decide", args=[first_item.pk, "hide"]) in html

    @pytest.mark.parametrize("size", [10, 50])
    def test_the_queue_costs_a_fixed_number_of_queries(
        self, client, flagged_posts, moderator, size, django_assert_max_num_queries
    ):
        flagged_posts(size)
        client.force_login(moderator)
        url = reverse("forum:review_queue")
        client.get(url)

        with django_assert_max_num_queries(20):
            response = client.get(url)

        assert response.status_code == 200
        assert response.content.decode().count('class="review-item') == min(size, 30)

    def test_a_category_moderator_reviews_only_their_categories(
        self, client, flagged_posts, make_category, make_user
    ):
        mine, other = make_category(), make_category()
        category_moderator = make_user("cat_mod")
        mine.moderators.add(category_moderator)
        [own] = flagged_posts(1, in_category=mine)
        [foreign] = flagged_posts(1, in_category=other)
        foreign_item = foreign.reviews.get()
        client.force_login(category_moderator)

        html = client.get(reverse("forum:review_queue")).content.decode()
        response = client.post(
            reverse("forum:review_decide", args=[foreign_item.pk, "hide"])
        )

        assert own.topic.title in html and foreign.topic.title not in html
        assert response.status_code == 404
        foreign_item.refresh_from_db()
        assert foreign_item.status == Status.PENDING
        with pytest.raises(PermissionDenied):
            moderation.review_hide(actor=category_moderator, item=foreign_item)

    def test_a_decided_item_cannot_be_decided_again(
        self, flagged_posts, moderator, django_capture_on_commit_callbacks
    ):
        [post] = flagged_posts(1)
        item = post.reviews.get()
        with django_capture_on_commit_callbacks(execute=True):
            moderation.review_hide(actor=moderator, item=item)

        with pytest.raises(ValidationError):
            moderation.review_approve(actor=moderator, item=item)
        post.refresh_from_db()
        assert post.is_hidden

    def test_the_header_links_moderators_to_the_queue_with_the_count(
        self, client, flagged_posts, moderator, member
    ):
        flagged_posts(3)
        url = reverse("forum:review_queue")

        client.force_login(moderator)
        moderator_page = client.get(reverse("forum:latest")).content.decode()
        client.force_login(member)
        member_page = client.get(reverse("forum:latest")).content.decode()

        assert f'href="{url}"' in moderator_page
        assert '<span class="count">3<' in moderator_page
        assert f'href="{url}"' not in member_page

        # Named a moderator: the link shows on the next page, not minutes later.
        Group.objects.get(name=permissions.MODERATORS_GROUP).user_set.add(member)
        member_page = client.get(reverse("forum:latest")).content.decode()
        assert f'href="{url}"' in member_page

    def test_suspending_the_author_from_the_queue_asks_days_and_a_reason(
        self, client, flagged_posts, moderator, django_capture_on_commit_callbacks
    ):
        [post] = flagged_posts(1)
        item = post.reviews.get()
        client.force_login(moderator)
        url = reverse("forum:review_suspend", args=[item.pk])
        prefix = f"suspend-{item.pk}"

        bad = client.post(
            url, {f"{prefix}-days": "0", f"{prefix}-reason": "Typed reason"}
        )
        with django_capture_on_commit_callbacks(execute=True):
            good = client.post(
                url, {f"{prefix}-days": "3", f"{prefix}-reason": "Repeated spam"}
            )

        assert bad.status_code == 400 and "Typed reason" in bad.content.decode()
        assert good.status_code == 302
        suspension = post.author.suspensions.get()
        assert (
            suspension.reason == "Repeated spam" and suspension.created_by == moderator
        )
        assert outcomes(post.author) == ["suspended"]
        assert AuditEntry.objects.get(action="suspend").reason == "Repeated spam"
        item.refresh_from_db()
        assert item.status == Status.PENDING  # the post itself still needs a decision


def test_the_demo_has_a_flagged_post_waiting_for_the_moderator(demo, client):
    from django.contrib.auth import get_user_model

    moderator = get_user_model().objects.get(username="moderator")
    call_command("load_demo", stdout=io.StringIO())  # idempotent: still one

    pending = ReviewItem.objects.filter(status=Status.PENDING, post__isnull=False)
    assert pending.count() == 1
    assert pending.get().flags.get().user.username == "aigerim"
    client.force_login(moderator)
    assert "типографии" in client.get(reverse("forum:review_queue")).content.decode()
    assert Post.objects.filter(raw__contains="типографии").count() == 1


def test_a_decision_made_with_htmx_updates_the_queues_counts_too(
    client, reply, member3, moderator, django_capture_on_commit_callbacks
):
    """htmx swaps the decided item; the "N items wait" sentence and the
    header's count come along out of band instead of going stale."""
    flag(member3, reply, django_capture_on_commit_callbacks)
    item = ReviewItem.objects.get(post=reply, status=Status.PENDING)
    client.force_login(moderator)
    queue = client.get(reverse("forum:review_queue")).content.decode()
    assert 'id="review-count"' in queue and 'id="review-link-count"' in queue

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("forum:review_decide", args=[item.pk, "hide"]),
            HTTP_HX_REQUEST="true",
        )

    page = response.content.decode()
    left = ReviewItem.objects.filter(status=Status.PENDING).count()
    assert f'id="review-{item.pk}"' in page
    assert re.search(
        rf'id="review-count" hx-swap-oob="true">{left} items? wait', page
    ), page
    assert 'id="review-link-count" hx-swap-oob="true"' in page
