"""Who may do what in the forum: the one place views and templates ask.

Roles: a visitor (anonymous) reads public categories; a member (signed-in,
active) also reads members-only categories and writes; a moderator moderates
the categories they are named for, or every category as a member of the
"Moderators" group; staff may do everything. A suspended member still reads
but writes nothing (`can_write`), and what a member may put in a post grows
with their trust level (forum/members/trust.py).

Lists ask the querysets instead (`Topic.objects.readable_by(user)` and its
kin in forum/discussions/models.py), which apply the same rules in SQL.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import CharField, Exists, F, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast

import pagecache
from forum.core.roles import is_member, resolved
from forum.models import Category, Post, Profile, Suspension, Topic, TrustLevel

MODERATORS_GROUP = "Moderators"


# What the checks below look up about a member (suspended, trust level,
# moderator of what) is read with one query and kept twice: on the user object
# under one name, so once per request, and in the cache for FACTS_SECONDS, so
# that a member's pages do not each pay for that query. Every change to those
# facts deletes the cached copy (forum/apps.py connects `facts_changed` to
# suspensions, profiles, group membership and category moderators), and
# `forget(user)` drops the object's. The cache's copy is short-lived all the
# same: a suspension that starts or ends by the clock, or a deletion lost in a
# cache outage, shows within a minute.
CACHE = "_forum_permissions"
FACTS_SECONDS = 60


def facts_key(user_id: int) -> str:
    return f"forum:permission-facts:{user_id}"


def _facts(user) -> dict:
    # On the user itself, not on request.user's lazy wrapper: whichever of
    # the two a caller holds, the facts are read once.
    kept = resolved(user).__dict__
    if CACHE not in kept:
        # Read with the member's page copy when the request has one
        # (forum.apps names the key to pagecache).
        kept[CACHE] = pagecache.remembered(
            facts_key(user.pk), lambda: _cached_facts(user)
        )
    return kept[CACHE]


def _cached_facts(user) -> dict:
    facts = cache.get(facts_key(user.pk))
    if facts is None:
        facts = _read_facts(user)
        cache.set(facts_key(user.pk), facts, FACTS_SECONDS)
    return facts


def forget(user) -> None:
    """Drop what this user object and the cache remember (a suspension or a
    trust level just changed)."""
    resolved(user).__dict__.pop(CACHE, None)
    drop_facts([user.pk])


def facts_changed(sender, instance=None, action=None, pk_set=None, **kwargs):
    """A receiver: a suspension, a profile, a member's groups or a category's
    moderators changed, so the members concerned have new facts."""
    if action is not None and action not in ("post_add", "post_remove", "pre_clear"):
        return
    user_model = get_user_model()
    if isinstance(instance, user_model):
        users = {instance.pk}
    elif isinstance(instance, (Suspension, Profile)):
        users = {instance.user_id}
    elif action == "pre_clear":  # a group or category losing all its members
        users = set(
            sender.objects.filter(**{_side(sender, instance): instance}).values_list(
                "user_id", flat=True
            )
        )
    else:  # a group or category gaining or losing the members in pk_set
        users = set(pk_set or ())
    drop_facts(users)


def drop_facts(user_ids) -> None:
    """The cached facts of these members are out of date (a change made
    without signals, such as a bulk update of trust levels)."""
    user_ids = list(user_ids)
    keys = [facts_key(pk) for pk in user_ids]
    cache.delete_many(keys)
    for key in keys:
        pagecache.forget_remembered(key)
    # What they may do shows on their pages: none of their copies is current.
    pagecache.members_changed(*user_ids)


def _side(through, instance) -> str:
    """The through model's field that points at `instance`'s model."""
    for field in through._meta.get_fields():
        if getattr(field, "related_model", None) is type(instance):
            return field.name
    raise LookupError(through)


def _read_facts(user) -> dict:
    """Suspended now, in the Moderators group, the categories moderated (as
    text: "3,7"), the trust level."""
    member = OuterRef("pk")
    moderated = (
        Category.moderators.through.objects.filter(user=member)
        .values("user")
        .annotate(ids=StringAgg(Cast("category_id", CharField()), Value(",")))
        .values("ids")
    )
    rows = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(trust_level=F("profile__trust_level"))
        .annotate(
            suspended=Exists(Suspension.objects.active().filter(user=member)),
            in_moderators=Exists(
                get_user_model().groups.through.objects.filter(
                    user=member, group__name=MODERATORS_GROUP
                )
            ),
            moderated=Subquery(moderated),
        )
        .order_by()  # one row by its key: nothing to order
    )
    facts = next(iter(rows), None) or {
        "trust_level": None,
        "suspended": False,
        "in_moderators": False,
    }
    facts["moderated"] = {
        int(pk) for pk in (facts.get("moderated") or "").split(",") if pk
    }
    return facts


def is_suspended(user) -> bool:
    if not is_member(user):
        return False
    return _facts(user)["suspended"]


def can_write(user) -> bool:
    """Every write starts here: a signed-in, active member who is not suspended."""
    return is_member(user) and not is_suspended(user)


def trust_level(user) -> int:
    """The member's trust level; staff and moderators count as regulars."""
    if not is_member(user):
        return TrustLevel.NEW
    if is_global_moderator(user):
        return TrustLevel.REGULAR
    level = _facts(user)["trust_level"]
    return level if level is not None else TrustLevel.NEW


def is_global_moderator(user) -> bool:
    if not is_member(user):
        return False
    return user.is_staff or _facts(user)["in_moderators"]


def moderated_category_ids(user) -> set[int]:
    if not is_member(user):
        return set()
    return _facts(user)["moderated"]


def can_moderate(user, category: Category) -> bool:
    if is_global_moderator(user):
        return True
    ids = moderated_category_ids(user)
    return category.pk in ids or (
        category.parent_id is not None and category.parent_id in ids
    )


def can_see_category(user, category: Category) -> bool:
    """The row-by-row twin of `Category.objects.readable_by(user)`: a
    subcategory is public only when its parent is public too."""
    return is_member(user) or is_public_category(category)


def is_public_category(category: Category) -> bool:
    """Everyone reads it: public, and so is its parent, if any."""
    return category.is_public and (category.parent is None or category.parent.is_public)


def is_public_post(post: Post) -> bool:
    """Every reader may read it: not deleted, hidden or held."""
    return not (post.is_deleted or post.is_hidden or post.awaiting_approval)


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


def can_decide_solution(user, post: Post) -> bool:
    """The topic's author or a moderator, on a reply of a live topic."""
    topic = post.topic
    if post.is_first or post.is_deleted or not can_write(user):
        return False
    if not can_see_topic(user, topic) or topic.is_archived:
        return False
    return topic.author_id == user.pk or can_moderate(user, topic.category)


def can_accept_solution(user, post: Post) -> bool:
    """Choosing a held or hidden reply as the answer is not possible."""
    return (
        can_decide_solution(user, post)
        and not (post.is_hidden or post.awaiting_approval)
        and post.topic.solution_id != post.pk
    )


def can_clear_solution(user, topic: Topic) -> bool:
    """Clearing stays possible on a hidden answer."""
    return topic.solution is not None and can_decide_solution(user, topic.solution)


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


def can_watch_topic(user, topic: Topic) -> bool:
    """Choose how closely to follow a topic (notifications)."""
    return can_write(user) and can_see_topic(user, topic)


def can_watch_category(user, category: Category) -> bool:
    return can_write(user) and can_see_category(user, category)


def can_upload(user) -> bool:
    """Uploads need trust level 1 (basic): new members link to nothing yet."""
    return can_write(user) and trust_level(user) >= TrustLevel.BASIC


def can_invite(user) -> bool:
    """Staff send invitations."""
    return can_write(user) and user.is_staff


def can_open_admin(user) -> bool:
    """Staff work in the Wagtail admin (the header links it for them)."""
    return is_member(user) and user.is_staff


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


# What a page shows ------------------------------------------------------------
#
# Templates never re-derive a permission: the selectors hand every post, and
# the view the topic, the answers of the checks above.


@dataclass(frozen=True)
class PostAbilities:
    read: bool  # its text (held and hidden posts: author and moderators)
    like: bool
    bookmark: bool
    reply: bool  # reply to it, quote it
    accept: bool  # mark it as the topic's answer
    unaccept: bool  # it is the answer, and this reader may clear that
    edit: bool
    delete: bool
    restore: bool
    flag: bool


def post_abilities(user, post: Post) -> PostAbilities:
    """Every check one post's controls need: no query once the reader's own
    facts are cached (post.topic must be the page's topic)."""
    topic = post.topic
    return PostAbilities(
        read=can_read_post(user, post),
        like=can_like(user, post),
        bookmark=can_bookmark(user, post),
        reply=can_reply(user, topic) and not post.is_deleted,
        accept=can_accept_solution(user, post),
        unaccept=topic.solution_id == post.pk and can_decide_solution(user, post),
        edit=can_edit_post(user, post),
        delete=can_delete_post(user, post),
        restore=can_restore_post(user, post),
        flag=can_flag(user, post),
    )


def post_facts(user, post: Post) -> tuple:
    """Everything of the post itself that `post_abilities` reads through the
    checks above, for this reader: two posts of one topic with the same facts
    have the same abilities. A check that comes to read more of a post must
    add it here (tests/forum/test_abilities.py compares the two ways)."""
    return (
        post.author_id == user.pk,
        post.deleted_by_id == user.pk,
        post.is_deleted,
        post.is_hidden,
        post.awaiting_approval,
        post.is_first,
        post.pk == post.topic.solution_id,
    )


def page_post_abilities(user, posts) -> list[PostAbilities]:
    """`post_abilities` of each of a topic page's posts (each post.topic the
    page's topic), worked out once for each set of `post_facts`: a page of
    twenty posts has two or three."""
    found: dict[tuple, PostAbilities] = {}
    abilities = []
    for post in posts:
        facts = post_facts(user, post)
        if (known := found.get(facts)) is None:
            known = found[facts] = post_abilities(user, post)
        abilities.append(known)
    return abilities


@dataclass(frozen=True)
class TopicAbilities:
    reply: bool
    edit: bool  # title, category, tags
    change_state: bool  # pin, close, archive, unlist
    watch: bool  # choose a notification level
    member: bool  # signed in: read markers, bookmarks page
    propose_practice: bool  # "Propose for the library"


def topic_abilities(user, topic: Topic) -> TopicAbilities:
    return TopicAbilities(
        reply=can_reply(user, topic),
        edit=can_edit_topic(user, topic),
        change_state=can_change_topic_state(user, topic),
        watch=can_watch_topic(user, topic),
        member=is_member(user),
        propose_practice=can_propose_practice(user, topic),
    )


def can_propose_practice(user, topic: Topic) -> bool:
    """Moderators and editors (staff, who moderate too) turn a solved,
    public, listed topic that is not in the library yet into a draft
    practice; its accepted answer must be one every reader may read."""
    if not (is_member(user) and topic.solution_id and not topic.in_library):
        return False
    if not is_public_post(topic.solution):
        return False
    if topic.is_deleted or not topic.is_visible or topic.awaiting_approval:
        return False
    return is_public_category(topic.category) and is_global_moderator(user)
