"""Who may do what in the forum: the one place views and templates ask.

Roles: a visitor (anonymous) reads public categories; a member (signed-in,
active) also reads members-only categories and writes; a moderator moderates
the categories they are named for, or every category as a member of the
"Moderators" group; staff may do everything. A suspended member still reads
but writes nothing (`can_write`), and what a member may put in a post grows
with their trust level (forum/trust.py).
"""

from django.db.models import Q

from forum.models import Category, Post, Suspension, Topic, TrustLevel

MODERATORS_GROUP = "Moderators"


def is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_suspended(user) -> bool:
    if not is_member(user):
        return False
    cached = getattr(user, "_forum_suspended", None)
    if cached is None:
        cached = Suspension.objects.active().filter(user=user).exists()
        user._forum_suspended = cached
    return cached


def can_write(user) -> bool:
    """Every write starts here: a signed-in, active member who is not suspended."""
    return is_member(user) and not is_suspended(user)


def trust_level(user) -> int:
    """The member's trust level; staff and moderators count as regulars."""
    if not is_member(user):
        return TrustLevel.NEW
    if is_global_moderator(user):
        return TrustLevel.REGULAR
    cached = getattr(user, "_forum_trust_level", None)
    if cached is None:
        profile = getattr(user, "profile", None)
        cached = profile.trust_level if profile is not None else TrustLevel.NEW
        user._forum_trust_level = cached
    return cached


def is_global_moderator(user) -> bool:
    if not is_member(user):
        return False
    if user.is_staff:
        return True
    cached = getattr(user, "_forum_global_moderator", None)
    if cached is None:
        cached = user.groups.filter(name=MODERATORS_GROUP).exists()
        user._forum_global_moderator = cached
    return cached


def moderated_category_ids(user) -> set[int]:
    if not is_member(user):
        return set()
    cached = getattr(user, "_forum_moderated_ids", None)
    if cached is None:
        cached = set(user.moderated_categories.values_list("pk", flat=True))
        user._forum_moderated_ids = cached
    return cached


def can_moderate(user, category: Category) -> bool:
    if is_global_moderator(user):
        return True
    ids = moderated_category_ids(user)
    return category.pk in ids or (
        category.parent_id is not None and category.parent_id in ids
    )


def visible_category_filter(user, prefix: str = "") -> Q:
    """A Q for the categories `user` may read, on a field path ending in `prefix`.

    A subcategory is public only when its parent is public too.
    """
    if is_member(user):
        return Q()
    public = Category.Visibility.PUBLIC
    return Q(**{f"{prefix}visibility": public}) & (
        Q(**{f"{prefix}parent__isnull": True})
        | Q(**{f"{prefix}parent__visibility": public})
    )


def visible_categories(user):
    return Category.objects.filter(visible_category_filter(user))


def can_see_category(user, category: Category) -> bool:
    if is_member(user):
        return True
    return category.is_public and (category.parent is None or category.parent.is_public)


def can_see_topic(user, topic: Topic) -> bool:
    if not can_see_category(user, topic.category):
        return False
    if topic.is_deleted:
        return can_moderate(user, topic.category)
    if topic.awaiting_approval:
        return (is_member(user) and topic.author_id == user.pk) or can_moderate(
            user, topic.category
        )
    return True


def can_read_post(user, post: Post) -> bool:
    """Whether the reader sees the post's text: held and hidden posts are kept
    from everyone but their author and moderators."""
    if not (post.awaiting_approval or post.is_hidden):
        return True
    return (is_member(user) and post.author_id == user.pk) or can_moderate(
        user, post.topic.category
    )


def can_see_deleted_posts(user, topic: Topic) -> bool:
    return can_moderate(user, topic.category)


def can_create_topic(user, category: Category) -> bool:
    return can_write(user) and can_see_category(user, category)


def can_reply(user, topic: Topic) -> bool:
    if not (can_write(user) and can_see_topic(user, topic)):
        return False
    if topic.is_archived or topic.is_deleted:
        return False
    return not topic.is_closed or can_moderate(user, topic.category)


def can_edit_post(user, post: Post) -> bool:
    topic = post.topic
    if not (can_write(user) and can_see_topic(user, topic)):
        return False
    if can_moderate(user, topic.category):
        return True
    return post.author_id == user.pk and not post.is_deleted and not topic.is_archived


def can_delete_post(user, post: Post) -> bool:
    return not post.is_deleted and can_edit_post(user, post)


def can_restore_post(user, post: Post) -> bool:
    topic = post.topic
    if not post.is_deleted or not can_write(user) or not can_see_topic(user, topic):
        return False
    if can_moderate(user, topic.category):
        return True
    # Authors may undo their own deletion, not a moderator's, and only while the
    # topic itself is alive and open to changes.
    return (
        post.author_id == user.pk
        and post.deleted_by_id == user.pk
        and not topic.is_deleted
        and not topic.is_archived
    )


def can_like(user, post: Post) -> bool:
    """Held posts count nowhere yet, and only their readers may like a post."""
    return (
        can_write(user)
        and post.author_id != user.pk
        and not post.is_deleted
        and not post.awaiting_approval
        and can_see_topic(user, post.topic)
        and can_read_post(user, post)
        and not post.topic.is_archived
    )


def can_bookmark(user, post: Post) -> bool:
    """Only a post whose text the member may read: a held or hidden post of
    someone else's is not theirs to keep."""
    return (
        can_write(user)
        and not post.is_deleted
        and can_see_topic(user, post.topic)
        and can_read_post(user, post)
    )


def can_accept_solution(user, post: Post) -> bool:
    topic = post.topic
    if post.is_first or post.is_deleted or not can_write(user):
        return False
    if not can_see_topic(user, topic) or topic.is_archived:
        return False
    return topic.author_id == user.pk or can_moderate(user, topic.category)


def can_change_topic_state(user, topic: Topic) -> bool:
    """Pin, close, archive, unlist: moderators only."""
    return can_moderate(user, topic.category)


def can_edit_topic(user, topic: Topic) -> bool:
    """Title, category and tags: the author while open, or a moderator."""
    if not can_write(user) or not can_see_topic(user, topic):
        return False
    if can_moderate(user, topic.category):
        return True
    return topic.author_id == user.pk and not (topic.is_closed or topic.is_archived)


def can_upload(user) -> bool:
    """Uploads need trust level 1 (basic): new members link to nothing yet."""
    return can_write(user) and trust_level(user) >= TrustLevel.BASIC


def can_invite(user) -> bool:
    """Staff send invitations."""
    return can_write(user) and user.is_staff


def can_edit_profile(actor, user) -> bool:
    """Members edit their own profile."""
    return can_write(actor) and actor.pk == user.pk


# Moderation ---------------------------------------------------------------------


def can_flag(user, post: Post) -> bool:
    return (
        can_write(user)
        and post.author_id != user.pk
        and not post.is_deleted
        and can_see_topic(user, post.topic)
        and can_read_post(user, post)
    )


def can_flag_comment(user, comment) -> bool:
    return (
        can_write(user)
        and comment.user_id != user.pk
        and comment.is_public
        and not comment.is_removed
    )


def can_review(user) -> bool:
    """Opens the review queue: global moderators and category moderators."""
    return can_write(user) and (
        is_global_moderator(user) or bool(moderated_category_ids(user))
    )


def can_review_post(user, post: Post) -> bool:
    return can_write(user) and can_moderate(user, post.topic.category)


def can_review_comment(user, comment) -> bool:
    """Comments belong to CMS pages, which no category covers."""
    return can_write(user) and is_global_moderator(user)


def can_suspend(actor, user) -> bool:
    return (
        can_write(actor)
        and is_global_moderator(actor)
        and actor.pk != user.pk
        and not user.is_staff
    )


def can_lock_trust_level(actor) -> bool:
    return can_write(actor) and actor.is_staff
