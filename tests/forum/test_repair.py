"""`manage.py forum_repair` recomputes every denormalised counter from scratch."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db.models import F

from forum.discussions import services
from forum.models import Category, Post, Tag, Topic


def repair(**options) -> str:
    out = io.StringIO()
    call_command("forum_repair", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def post(topic, number: int) -> Post:
    """The post as a view passes it to the services: fetched fresh, topic too."""
    return Post.objects.select_related("topic").get(topic=topic, number=number)


def counters() -> dict:
    """Every stored counter, keyed by table and row."""
    return {
        "topics": list(
            Topic.objects.order_by("pk").values(
                "pk",
                "post_count",
                "highest_post_number",
                "like_count",
                "last_post",
                "last_poster",
                "bumped_at",
                "participant_ids",
            )
        ),
        "posts": list(Post.objects.order_by("pk").values_list("pk", "like_count")),
        "categories": list(
            Category.objects.order_by("pk").values(
                "pk", "topic_count", "post_count", "last_post"
            )
        ),
        "tags": list(Tag.objects.order_by("pk").values_list("pk", "topic_count")),
    }


@pytest.fixture
def forum(make_category, member, member2, member3):
    """Two categories, three topics (one deleted), replies, likes, views, tags.

    Built only through forum.services, in ways the services keep consistent.
    """
    strategy, crisis = make_category(), make_category()
    topic = services.topic_create(
        actor=member,
        category=strategy,
        title="Publishing statements in three languages",
        raw="How fast do you publish the Kazakh, Russian and English versions?",
        tags=["crisis", "smm"],
    )
    first = post(topic, 1)
    early = services.post_create(actor=member2, topic=topic, raw="Within an hour.")
    services.post_create(actor=member3, topic=topic, raw="Lawyers read it first.")
    services.post_create(actor=member2, topic=topic, raw="We translate in parallel.")
    services.like_toggle(actor=member2, post=first)
    services.like_toggle(actor=member3, post=first)
    services.like_toggle(actor=member, post=early)
    services.like_toggle(actor=member3, post=early)
    services.like_toggle(actor=member3, post=early)  # taken back
    # member2 still has a later reply, so the participants do not change.
    services.post_delete(actor=member2, post=early)

    video = services.topic_create(
        actor=member2,
        category=crisis,
        title="Vertical video for a crisis briefing",
        raw="Which format works for a live briefing?",
        tags=["smm"],
    )
    reply = services.post_create(actor=member, topic=video, raw="Square, subtitled.")
    services.like_toggle(actor=member2, post=reply)
    services.post_delete(actor=member, post=reply)
    services.post_restore(actor=member, post=reply)

    # Deleting the first post deletes the topic: it counts nowhere any more.
    gone = services.topic_create(
        actor=member3,
        category=crisis,
        title="A question asked twice by mistake",
        raw="Please ignore this one.",
    )
    services.post_create(actor=member, topic=gone, raw="Answered elsewhere.")
    services.post_delete(actor=member3, post=post(gone, 1))
    return {"topic": topic, "video": video, "gone": gone}


def test_services_leave_nothing_to_repair(forum):
    """The repair's definitions are the services' own: no drift to report."""
    assert repair(dry_run=True) == "Everything was consistent.\n"


def test_repair_restores_every_counter(forum, member, member2, member3):
    before = counters()
    Post.objects.update(like_count=F("like_count") + 3)
    Topic.objects.update(
        post_count=F("post_count") + 5,
        highest_post_number=0,
        like_count=F("like_count") + 2,
        last_post=None,
        last_poster=None,
        bumped_at=datetime(2001, 1, 1, tzinfo=UTC),
        participant_ids=[],
    )
    Category.objects.update(
        topic_count=F("topic_count") + 1, post_count=F("post_count") + 1, last_post=None
    )
    Tag.objects.update(topic_count=F("topic_count") + 4)

    output = repair()

    assert counters() == before
    topic = Topic.objects.get(pk=forum["topic"].pk)
    assert (topic.post_count, topic.highest_post_number, topic.like_count) == (3, 4, 2)
    assert topic.participant_ids == [member2.pk, member3.pk, member.pk]
    assert topic.last_post.number == 4
    assert topic.last_poster == member2
    assert topic.bumped_at == topic.last_post.created_at
    assert Category.objects.get(pk=forum["gone"].category_id).topic_count == 1
    assert Tag.objects.get(name="smm").topic_count == 2
    posts, topics = Post.objects.count(), Topic.objects.count()
    tags = Tag.objects.count()
    categories = Category.objects.count()
    with_posts = sum(1 for row in before["categories"] if row["last_post"])
    assert output.splitlines() == [
        f"post.like_count: {posts} fixed",
        f"topic.post_count: {topics} fixed",
        f"topic.highest_post_number: {topics} fixed",
        f"topic.like_count: {topics} fixed",
        f"topic.last_post: {topics} fixed",
        f"topic.last_poster: {topics} fixed",
        f"topic.bumped_at: {topics} fixed",
        f"category.topic_count: {categories} fixed",
        f"category.post_count: {categories} fixed",
        f"tag.topic_count: {tags} fixed",
        f"category.last_post: {with_posts} fixed",
        f"topic.participant_ids: {topics} fixed",
    ]


def test_deleted_topic_keeps_its_counters_for_a_restore(forum, moderator):
    """A deleted topic keeps counting its first post, so restoring it adds up."""
    gone = forum["gone"]
    Topic.objects.filter(pk=gone.pk).update(post_count=0, participant_ids=[])

    assert repair() == "topic.post_count: 1 fixed\ntopic.participant_ids: 1 fixed\n"

    gone.refresh_from_db()
    assert gone.post_count == 2
    services.post_restore(actor=moderator, post=post(gone, 1))
    assert repair(dry_run=True) == "Everything was consistent.\n"


def test_only_the_wrong_rows_are_reported(forum):
    Topic.objects.filter(pk=forum["video"].pk).update(like_count=9)
    Post.objects.filter(topic=forum["topic"], number=1).update(like_count=0)

    assert repair() == "post.like_count: 1 fixed\ntopic.like_count: 1 fixed\n"


def test_a_second_run_finds_everything_consistent(forum):
    Topic.objects.update(post_count=0, participant_ids=[9_999])
    Category.objects.update(last_post=None)

    assert "fixed" in repair()
    assert repair() == "Everything was consistent.\n"


def test_dry_run_reports_without_writing(forum):
    Topic.objects.update(like_count=F("like_count") + 1)
    Tag.objects.filter(name="smm").update(topic_count=0)
    corrupted = counters()

    output = repair(dry_run=True)

    assert counters() == corrupted
    assert output.splitlines() == [
        f"topic.like_count: {Topic.objects.count()} wrong",
        "tag.topic_count: 1 wrong",
        "Dry run: nothing was changed.",
    ]


# The services keep these counters right themselves, without the repair.


def test_deleting_a_topic_takes_it_off_its_tags(forum, member):
    services.post_delete(actor=member, post=post(forum["topic"], 1))

    assert "tag.topic_count" not in repair(dry_run=True)


def test_deleting_a_reply_updates_the_participants(forum, member2):
    services.post_delete(actor=member2, post=post(forum["topic"], 4))

    assert "topic.participant_ids" not in repair(dry_run=True)


def test_deleting_a_reply_in_a_deleted_topic_leaves_the_category(forum, moderator):
    services.post_delete(actor=moderator, post=post(forum["gone"], 2))

    assert "category.post_count" not in repair(dry_run=True)
