"""Reads of notifications and watching levels that views, the fan-out and the
bell share, each in a fixed number of queries.

A member's level for a topic (NotificationLevel) is their TopicWatch row if
they have one, else their CategoryWatch for the topic's category, else for its
parent category, else Normal.
"""

from collections.abc import Iterable

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Subquery

import pagecache
from forum import permissions
from forum.models import (
    Category,
    CategoryWatch,
    Notification,
    NotificationLevel,
    Topic,
    TopicWatch,
)

Level = NotificationLevel
NOTIFICATIONS_PER_PAGE = 30
UNREAD_CACHE_SECONDS = 60 * 60


def watched_categories(topic: Topic) -> list[int]:
    """The topic's category, then its parent: the order in which levels apply."""
    parent_id = topic.category.parent_id
    return [topic.category_id] + ([parent_id] if parent_id else [])


def effective_levels(topic: Topic, user_ids: Iterable[int]) -> dict[int, int]:
    """Each member's level for the topic, in two queries whatever their number."""
    levels = category_levels(topic, user_ids)
    for user_id, level in TopicWatch.objects.filter(
        topic=topic, user_id__in=levels
    ).values_list("user_id", "level"):
        levels[user_id] = level
    return levels


def category_levels(topic: Topic, user_ids: Iterable[int]) -> dict[int, int]:
    """Each member's level as the topic's category and its parent set it (a
    topic of their own aside), in one query."""
    user_ids = set(user_ids)
    if not user_ids:
        return {}
    levels = dict.fromkeys(user_ids, Level.NORMAL)
    category_ids = watched_categories(topic)
    by_user: dict[int, dict[int, int]] = {}
    for user_id, category_id, level in CategoryWatch.objects.filter(
        user_id__in=user_ids, category_id__in=category_ids
    ).values_list("user_id", "category_id", "level"):
        by_user.setdefault(user_id, {})[category_id] = level
    for user_id, rows in by_user.items():
        levels[user_id] = next(rows[pk] for pk in category_ids if pk in rows)
    return levels


def topic_level(user, topic: Topic) -> dict:
    """The member's level for the topic and whether the category sets it.

    From the levels forum.discussions.selectors.topic_for_page set on the
    topic, else one query: the topic row with the member's own level and the
    levels of its category and parent as subqueries.
    """
    if not permissions.is_member(user):
        return _resolved(None)
    columns = ("watch_own", "watch_category", "watch_parent")
    if hasattr(topic, "watch_own"):
        levels = [getattr(topic, column) for column in columns]
    else:
        levels = (
            Topic.objects.filter(pk=topic.pk)
            .annotate(**_level_columns(user))
            .values_list(*columns)
            .first()
        ) or (None, None, None)
    return _resolved(*levels)


def category_level(user, category: Category) -> dict:
    """The member's level for the category, or the one its parent passes down."""
    if not permissions.is_member(user):
        return _resolved(None)
    rows = dict(
        CategoryWatch.objects.filter(
            user=user,
            category_id__in=[pk for pk in (category.pk, category.parent_id) if pk],
        ).values_list("category_id", "level")
    )
    return _resolved(rows.get(category.pk), rows.get(category.parent_id))


def _level_columns(user) -> dict:
    """Annotations for a Topic queryset: the member's TopicWatch level for the
    topic, and their CategoryWatch levels for its category and its parent."""

    def level(watches):
        return Subquery(watches.filter(user=user).values("level")[:1])

    return {
        "watch_own": level(TopicWatch.objects.filter(topic=OuterRef("pk"))),
        "watch_category": level(
            CategoryWatch.objects.filter(category=OuterRef("category"))
        ),
        "watch_parent": level(
            CategoryWatch.objects.filter(category=OuterRef("category__parent"))
        ),
    }


def _resolved(own, *inherited) -> dict:
    """The member's own level, else the first level passed down, else Normal."""
    if own is not None:
        return {"level": own, "inherited": False}
    for level in inherited:
        if level is not None:
            return {"level": level, "inherited": True}
    return {"level": Level.NORMAL, "inherited": False}


def unread_key(user_id: int) -> str:
    return f"forum:notifications:unread:{user_id}"


def unread_count(user) -> int:
    """The bell's number, from the cache; a query only when it is not there."""
    if not permissions.is_member(user):
        return 0
    # Read with the member's page copy when the request has one (forum.apps
    # names the key to pagecache), and once per request.
    return pagecache.remembered(unread_key(user.pk), lambda: _cached_count(user))


def _cached_count(user) -> int:
    key = unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def notifications_page(
    *,
    user,
    unread_only: bool = False,
    page_number=1,
    per_page: int = NOTIFICATIONS_PER_PAGE,
) -> Page:
    """A page of the member's notifications, newest first, in fixed queries:
    the count, the rows with their actor, topic, post and comment, and one
    query per kind of page that comments are on."""
    notifications = (
        Notification.objects.filter(user=user)
        .select_related("actor__profile", "topic", "post", "comment", "page")
        # A line per notification: the post's number, not its text.
        .defer("post__raw", "post__cooked")
    )
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    notifications = notifications.prefetch_related("comment__content_object")
    page = Paginator(notifications, per_page).get_page(page_number)
    page.object_list = list(page.object_list)
    return page
