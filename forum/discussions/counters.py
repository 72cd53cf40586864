"""The counting steps that posting and moderation share.

Topics and categories carry denormalised counters (posts, likes, tags, last
post, participants) so that lists cost a fixed number of queries. Every
change that makes a post or topic count, or stop counting, goes through
these steps: discussions.services when members write and delete,
moderation.services when a held post is approved. `manage.py forum_repair`
recomputes the same counters from scratch and must agree with them
(tests/forum/test_repair.py).
"""

from django.db.models import F, Max, Value
from django.db.models.functions import Greatest

from forum.models import Category, Post, Tag, Topic
from search import api as search

PARTICIPANTS_SHOWN = 5


def set_tags(topic: Topic, names: list[str]):
    counted = topic.is_counted
    current = {tag.name: tag for tag in topic.tags.all()}
    wanted = set(names)
    removed = [tag for name, tag in current.items() if name not in wanted]
    added = []
    for name in names:
        if name not in current:
            tag, _created = Tag.objects.get_or_create(name=name)
            added.append(tag)
    if removed:
        topic.tags.remove(*removed)
        if counted:
            Tag.objects.filter(pk__in=[t.pk for t in removed]).update(
                topic_count=F("topic_count") - 1
            )
    if added:
        topic.tags.add(*added)
        if counted:
            Tag.objects.filter(pk__in=[t.pk for t in added]).update(
                topic_count=F("topic_count") + 1
            )


def move_topic(topic: Topic, old: Category, new: Category):
    Category.objects.filter(pk=old.pk).update(
        topic_count=F("topic_count") - 1, post_count=F("post_count") - topic.post_count
    )
    Category.objects.filter(pk=new.pk).update(
        topic_count=F("topic_count") + 1, post_count=F("post_count") + topic.post_count
    )
    for category in (old, new):
        refresh_category_last_post(category.pk)


def visibility_changed(post: Post, *, sign: int, now=None):
    """Counters after a post disappears (sign -1) or comes back (sign +1).

    The first post carries its topic with it; a deleted topic's posts count in
    no category and no tag.
    """
    # Fresh counts under a lock: the objects handed in may be stale.
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    post.like_count, post.awaiting_approval = Post.objects.filter(
        pk=post.pk
    ).values_list("like_count", "awaiting_approval")[0]
    if post.is_first:
        Topic.objects.filter(pk=topic.pk).update(deleted_at=now if sign < 0 else None)
        if not topic.awaiting_approval:
            Category.objects.filter(pk=topic.category_id).update(
                topic_count=F("topic_count") + sign,
                post_count=F("post_count") + sign * topic.post_count,
            )
            Tag.objects.filter(topics=topic).update(topic_count=F("topic_count") + sign)
    elif post.awaiting_approval:
        pass  # a held reply never counted
    else:
        Topic.objects.filter(pk=topic.pk).update(
            post_count=F("post_count") + sign,
            like_count=F("like_count") + sign * post.like_count,
        )
        if topic.is_counted:
            Category.objects.filter(pk=topic.category_id).update(
                post_count=F("post_count") + sign
            )
        if sign < 0 and topic.solution_id == post.pk:
            Topic.objects.filter(pk=topic.pk).update(solution=None)
        refresh_topic_activity(topic.pk)
    refresh_category_last_post(topic.category_id)
    reindex_after_visibility(post)


def publish_held(post: Post) -> None:
    """Count a held post as if it had been visible since it was written.

    Called by moderation.review_approve inside its transaction. A held first
    post brings its topic into its category and tags; a held reply joins its
    topic's counters, and the topic's last post and bump follow the newest
    visible post, as forum_repair computes them.
    """
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    fresh = Post.objects.select_for_update().get(pk=post.pk)
    if not fresh.awaiting_approval:
        return
    Post.objects.filter(pk=post.pk).update(awaiting_approval=False)
    post.awaiting_approval = False
    if post.is_first:
        Topic.objects.filter(pk=topic.pk).update(awaiting_approval=False)
        topic.awaiting_approval = False
        if topic.deleted_at is None:
            Category.objects.filter(pk=topic.category_id).update(
                topic_count=F("topic_count") + 1,
                post_count=F("post_count") + topic.post_count,
            )
            Tag.objects.filter(topics=topic).update(topic_count=F("topic_count") + 1)
        search.index_topic_later(topic.pk)
    else:
        # Readers' unread counts take the reply in from now on.
        counters = {
            "highest_post_number": Greatest("highest_post_number", Value(post.number))
        }
        if fresh.deleted_at is None:
            counters["post_count"] = F("post_count") + 1
            counters["like_count"] = F("like_count") + fresh.like_count
        Topic.objects.filter(pk=topic.pk).update(**counters)
        if fresh.deleted_at is None:
            if topic.is_counted:
                Category.objects.filter(pk=topic.category_id).update(
                    post_count=F("post_count") + 1
                )
            refresh_topic_activity(topic.pk)
            index_post_later(post)
    refresh_category_last_post(topic.category_id)


def refresh_topic_activity(topic_id: int):
    """Last post, last poster and participants from the posts the topic counts."""
    visible = Post.objects.counted_in_topic().filter(topic_id=topic_id)
    last = (
        visible.order_by("-number").values_list("pk", "author_id", "created_at").first()
    )
    if last is None:
        return
    participants = list(
        visible.filter(author__isnull=False)
        .values("author_id")
        .annotate(latest=Max("number"))
        .order_by("-latest")
        .values_list("author_id", flat=True)[:PARTICIPANTS_SHOWN]
    )
    Topic.objects.filter(pk=topic_id).update(
        last_post_id=last[0],
        last_poster_id=last[1],
        bumped_at=last[2],
        participant_ids=participants,
    )


def refresh_category_last_post(category_id: int):
    last = (
        Post.objects.counted()
        .filter(topic__category_id=category_id)
        .order_by("-created_at", "-pk")
        .first()
    )
    Category.objects.filter(pk=category_id).update(last_post=last)


def reindex_after_visibility(post: Post):
    """After a post appeared, disappeared or was hidden: a first post takes its
    whole topic (every reply's document carries the topic), a reply itself."""
    if post.is_first:
        search.index_topic_later(post.topic_id)
    else:
        index_post_later(post)


def index_post_later(post: Post):
    """A reply is searched as a post; the first post is searched as its topic."""
    if post.number == 1:
        search.index_later("topic", post.topic_id)
    else:
        search.index_later("post", post.pk)
