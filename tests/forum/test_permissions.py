"""Who may do what: a role × action matrix, asked of forum.permissions and the services.

Each cell of MATRIX is checked twice: the permissions function must answer it,
and the service doing that write must agree, refusing with PermissionDenied
where the answer is no and going through where it is yes. Views ask the same
functions, so this is the forum's whole access policy in one table.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from forum import permissions
from forum.discussions import selectors, services
from forum.discussions.uploads import upload_create
from forum.models import Category, Post, Profile, Topic, TrustLevel

_numbers = itertools.count(1)

ROLES = (
    "visitor",  # anonymous
    "member",  # signed in and active; not the author of the content acted on
    "author",  # the member who wrote the topic and the post acted on
    "category_moderator",  # named moderator of both test categories
    "global_moderator",  # in the "Moderators" group
    "staff",  # is_staff, nothing else
    "inactive",  # a deactivated member
)

# "Own post" is a post the acting role wrote itself (a visitor has none, so it
# acts on the author's); "other's post" is one somebody else wrote.
# fmt: off
MATRIX = {
    #                                 visitor member author c_mod g_mod staff inactive
    "see-category-public":            "Y       Y      Y      Y     Y     Y     Y",
    "see-category-members":           "-       Y      Y      Y     Y     Y     -",
    "see-topic-public":               "Y       Y      Y      Y     Y     Y     Y",
    "see-topic-members":              "-       Y      Y      Y     Y     Y     -",
    "see-topic-deleted":              "-       -      -      Y     Y     Y     -",
    "create-topic-public":            "-       Y      Y      Y     Y     Y     -",
    "create-topic-members":           "-       Y      Y      Y     Y     Y     -",
    "reply-public":                   "-       Y      Y      Y     Y     Y     -",
    "reply-members":                  "-       Y      Y      Y     Y     Y     -",
    "reply-closed":                   "-       -      -      Y     Y     Y     -",
    "reply-archived":                 "-       -      -      -     -     -     -",
    "edit-own-post":                  "-       Y      Y      Y     Y     Y     -",
    "edit-others-post":               "-       -      -      Y     Y     Y     -",
    "delete-own-post":                "-       Y      Y      Y     Y     Y     -",
    "delete-others-post":             "-       -      -      Y     Y     Y     -",
    "restore-deleted-by-author":      "-       -      Y      Y     Y     Y     -",
    "restore-deleted-by-moderator":   "-       -      -      Y     Y     Y     -",
    "like-own-post":                  "-       -      -      -     -     -     -",
    "like-others-post":               "-       Y      Y      Y     Y     Y     -",
    "bookmark":                       "-       Y      Y      Y     Y     Y     -",
    "bookmark-held-post":             "-       -      Y      Y     Y     Y     -",
    "bookmark-hidden-post":           "-       -      Y      Y     Y     Y     -",
    "like-held-post":                 "-       -      -      -     -     -     -",
    "like-hidden-post":               "-       -      -      Y     Y     Y     -",
    "accept-solution":                "-       -      Y      Y     Y     Y     -",
    "accept-solution-first-post":     "-       -      -      -     -     -     -",
    "change-topic-state":             "-       -      -      Y     Y     Y     -",
    "edit-topic":                     "-       -      Y      Y     Y     Y     -",
    "edit-topic-closed":              "-       -      -      Y     Y     Y     -",
    "upload":                         "-       Y      Y      Y     Y     Y     -",
}
# fmt: on


def expected(action: str, role: str) -> bool:
    flags = MATRIX[action].split()
    assert len(flags) == len(ROLES), action
    return flags[ROLES.index(role)] == "Y"


class Forum:
    """The people and content one matrix cell needs, built on first use."""

    def __init__(self, user_model):
        self.User = user_model
        self._users = {}
        self._topics = {}
        self._own_replies = {}

    def _category(self, visibility):
        n = next(_numbers)
        return Category.objects.create(
            slug=f"perm-matrix-{n}",
            name_kk=f"Рұқсат {n}",
            name_ru=f"Права {n}",
            name_en=f"Permissions {n}",
            visibility=visibility,
        )

    @cached_property
    def public(self) -> Category:
        return self._category(Category.Visibility.PUBLIC)

    @cached_property
    def members_only(self) -> Category:
        return self._category(Category.Visibility.MEMBERS)

    def user(self, role: str):
        if role == "visitor":
            return AnonymousUser()
        if role not in self._users:
            n = next(_numbers)
            user = self.User.objects.create_user(
                username=f"perm_{role}_{n}",
                email=f"perm_{role}_{n}@example.kz",
                password="pw-12345678",
                is_staff=role == "staff",
                is_active=role != "inactive",
            )
            Profile.objects.create(user=user, trust_level=TrustLevel.BASIC)
            if role == "category_moderator":
                self.public.moderators.add(user)
                self.members_only.moderators.add(user)
            if role == "global_moderator":
                group, _created = Group.objects.get_or_create(name="Moderators")
                user.groups.add(group)
            self._users[role] = user
        return self._users[role]

    def topic(self, kind: str) -> Topic:
        """The author's topic: "public", "members", "closed", "archived", "deleted"."""
        if kind not in self._topics:
            category = self.members_only if kind == "members" else self.public
            topic = services.topic_create(
                actor=self.user("author"),
                category=category,
                title=f"Press release rules, {kind} topic",
                raw="How do ministries publish their press releases?",
            )
            state = {
                "closed": {"is_closed": True},
                "archived": {"is_archived": True},
                "deleted": {"deleted_at": topic.created_at},
            }.get(kind)
            if state:
                Topic.objects.filter(pk=topic.pk).update(**state)
                topic.refresh_from_db()
            self._topics[kind] = topic
        return self._topics[kind]

    def new_reply(self, role: str):
        """A fresh reply by `role` in the author's public topic."""
        writer = self.User.objects.get(pk=self.user(role).pk)
        # Written while the account was still active, for the "inactive" role.
        writer.is_active = True
        return services.post_create(
            actor=writer,
            topic=self.topic("public"),
            raw=f"A reply written by the {role}.",
        )

    def own_reply(self, role: str):
        role = "author" if role == "visitor" else role
        if role not in self._own_replies:
            self._own_replies[role] = self.new_reply(role)
        return self._own_replies[role]

    def others_reply(self, role: str):
        return self.own_reply("member" if role == "author" else "author")

    def withheld_reply(self, state: str):
        """The author's reply, held for a moderator or hidden by one: only the
        author and moderators read its text (permissions.can_read_post)."""
        post = self.new_reply("author")
        fields = {"awaiting_approval": True} if state == "held" else {}
        if state == "hidden":
            fields["hidden_at"] = post.created_at
        Post.objects.filter(pk=post.pk).update(**fields)
        post.refresh_from_db()
        return post

    def deleted_reply(self, deleted_by: str):
        post = self.new_reply("author")
        return services.post_delete(actor=self.user(deleted_by), post=post)


@dataclass
class Check:
    allowed: bool
    write: Callable[[], object] | None = None


def _see_category(kind):
    def check(forum, actor, role):
        category = forum.members_only if kind == "members" else forum.public
        return Check(permissions.can_see_category(actor, category))

    return check


def _see_topic(kind):
    def check(forum, actor, role):
        return Check(permissions.can_see_topic(actor, forum.topic(kind)))

    return check


def _create_topic(kind):
    def check(forum, actor, role):
        category = forum.members_only if kind == "members" else forum.public
        return Check(
            permissions.can_create_topic(actor, category),
            lambda: services.topic_create(
                actor=actor,
                category=category,
                title="A new question about accreditation",
                raw="Who accredits journalists for briefings?",
            ),
        )

    return check


def _reply(kind):
    def check(forum, actor, role):
        topic = forum.topic(kind)
        return Check(
            permissions.can_reply(actor, topic),
            lambda: services.post_create(
                actor=actor, topic=topic, raw="My answer to the question."
            ),
        )

    return check


def _edit(target):
    def check(forum, actor, role):
        post = target(forum, role)
        return Check(
            permissions.can_edit_post(actor, post),
            lambda: services.post_edit(actor=actor, post=post, raw="Edited words."),
        )

    return check


def _delete(target):
    def check(forum, actor, role):
        post = target(forum, role)
        return Check(
            permissions.can_delete_post(actor, post),
            lambda: services.post_delete(actor=actor, post=post),
        )

    return check


def _restore(deleted_by):
    def check(forum, actor, role):
        post = forum.deleted_reply(deleted_by)
        return Check(
            permissions.can_restore_post(actor, post),
            lambda: services.post_restore(actor=actor, post=post),
        )

    return check


def _like(target):
    def check(forum, actor, role):
        post = target(forum, role)
        return Check(
            permissions.can_like(actor, post),
            lambda: services.like_toggle(actor=actor, post=post),
        )

    return check


def _bookmark(target=None):
    def check(forum, actor, role):
        post = forum.withheld_reply(target) if target else forum.own_reply("author")
        return Check(
            permissions.can_bookmark(actor, post),
            lambda: services.bookmark_toggle(actor=actor, post=post),
        )

    return check


def _withheld(state):
    def target(forum, role):
        return forum.withheld_reply(state)

    return target


def _accept_solution(first_post):
    def check(forum, actor, role):
        if first_post:
            post = forum.topic("public").posts.get(number=1)
        else:
            post = forum.own_reply("member")
        return Check(
            permissions.can_accept_solution(actor, post),
            lambda: services.solution_accept(actor=actor, post=post),
        )

    return check


def _change_topic_state(forum, actor, role):
    topic = forum.topic("public")
    return Check(
        permissions.can_change_topic_state(actor, topic),
        lambda: services.topic_set_state(actor=actor, topic=topic, closed=True),
    )


def _edit_topic(kind):
    def check(forum, actor, role):
        topic = forum.topic(kind)
        return Check(
            permissions.can_edit_topic(actor, topic),
            lambda: services.topic_edit(
                actor=actor, topic=topic, title="Press release rules, revised"
            ),
        )

    return check


def _upload(forum, actor, role):
    return Check(
        permissions.can_upload(actor),
        lambda: upload_create(
            actor=actor,
            file=SimpleUploadedFile("notes.txt", b"Briefing at 10:00.", "text/plain"),
        ),
    )


def _own(forum, role):
    return forum.own_reply(role)


def _others(forum, role):
    return forum.others_reply(role)


ACTIONS = {
    "see-category-public": _see_category("public"),
    "see-category-members": _see_category("members"),
    "see-topic-public": _see_topic("public"),
    "see-topic-members": _see_topic("members"),
    "see-topic-deleted": _see_topic("deleted"),
    "create-topic-public": _create_topic("public"),
    "create-topic-members": _create_topic("members"),
    "reply-public": _reply("public"),
    "reply-members": _reply("members"),
    "reply-closed": _reply("closed"),
    "reply-archived": _reply("archived"),
    "edit-own-post": _edit(_own),
    "edit-others-post": _edit(_others),
    "delete-own-post": _delete(_own),
    "delete-others-post": _delete(_others),
    "restore-deleted-by-author": _restore("author"),
    "restore-deleted-by-moderator": _restore("global_moderator"),
    "like-own-post": _like(_own),
    "like-others-post": _like(_others),
    "bookmark": _bookmark(),
    "bookmark-held-post": _bookmark("held"),
    "bookmark-hidden-post": _bookmark("hidden"),
    "like-held-post": _like(_withheld("held")),
    "like-hidden-post": _like(_withheld("hidden")),
    "accept-solution": _accept_solution(first_post=False),
    "accept-solution-first-post": _accept_solution(first_post=True),
    "change-topic-state": _change_topic_state,
    "edit-topic": _edit_topic("public"),
    "edit-topic-closed": _edit_topic("closed"),
    "upload": _upload,
}

CELLS = [
    pytest.param(role, action, expected(action, role), id=f"{role}-{action}")
    for action in MATRIX
    for role in ROLES
]
WRITE_ACTIONS = {
    action
    for action in MATRIX
    if not action.startswith("see-")  # reads have no service to refuse them
}


def cells(allowed: bool):
    return [
        cell
        for cell in CELLS
        if cell.values[1] in WRITE_ACTIONS and cell.values[2] is allowed
    ]


@pytest.fixture
def forum(db, django_user_model):
    return Forum(django_user_model)


def test_matrix_covers_every_action():
    assert set(MATRIX) == set(ACTIONS)


@pytest.mark.parametrize("role, action, allowed", CELLS)
def test_permissions_answer_the_matrix(forum, role, action, allowed):
    actor = forum.user(role)
    assert ACTIONS[action](forum, actor, role).allowed is allowed


@pytest.mark.parametrize("role, action, allowed", cells(False))
def test_services_refuse_what_the_matrix_forbids(forum, role, action, allowed):
    check = ACTIONS[action](forum, forum.user(role), role)
    with pytest.raises(PermissionDenied):
        check.write()


@pytest.mark.parametrize("role, action, allowed", cells(True))
def test_services_carry_out_what_the_matrix_allows(forum, role, action, allowed):
    check = ACTIONS[action](forum, forum.user(role), role)
    check.write()


def test_author_cannot_restore_their_post_inside_a_topic_a_moderator_deleted(forum):
    """Undoing one's own deletion stops where the author can no longer see the topic.

    Every other permission asks can_see_topic first; restoring must too, or the
    author acts on a topic that is hidden from them and the category counts a
    post of a deleted topic.
    """
    reply = forum.deleted_reply("author")
    first = forum.topic("public").posts.get(number=1)
    services.post_delete(actor=forum.user("global_moderator"), post=first)
    reply.refresh_from_db()
    author = forum.user("author")

    assert not permissions.can_see_topic(author, reply.topic)
    assert not permissions.can_restore_post(author, reply)
    with pytest.raises(PermissionDenied):
        services.post_restore(actor=author, post=reply)


# Moderation reaches exactly the categories a moderator is named for.


def test_category_moderator_does_not_moderate_another_category(forum):
    moderator = forum.user("category_moderator")  # of forum.public, forum.members_only
    elsewhere = forum._category(Category.Visibility.PUBLIC)
    topic = services.topic_create(
        actor=forum.user("author"),
        category=elsewhere,
        title="A topic somewhere else",
        raw="Nobody moderates this for them.",
    )
    Topic.objects.filter(pk=topic.pk).update(is_closed=True)
    topic.refresh_from_db()

    assert permissions.can_moderate(moderator, forum.public)
    assert not permissions.can_moderate(moderator, elsewhere)
    assert not permissions.can_change_topic_state(moderator, topic)
    assert not permissions.can_reply(moderator, topic)
    with pytest.raises(PermissionDenied):
        services.topic_set_state(actor=moderator, topic=topic, pinned=True)
    with pytest.raises(PermissionDenied):
        services.post_create(actor=moderator, topic=topic, raw="Reopening this.")


def test_moderator_of_a_parent_category_moderates_its_subcategory(forum):
    parent = forum.public
    sub = Category.objects.create(
        slug=f"perm-sub-{next(_numbers)}",
        name_kk="Ішкі",
        name_ru="Подкатегория",
        name_en="Subcategory",
        parent=parent,
    )
    moderator = forum.user("category_moderator")
    topic = services.topic_create(
        actor=forum.user("author"),
        category=sub,
        title="A topic in the subcategory",
        raw="The parent's moderator looks after this.",
    )

    assert permissions.can_moderate(moderator, sub)
    assert permissions.can_change_topic_state(moderator, topic)
    services.topic_set_state(actor=moderator, topic=topic, pinned=True)
    topic.refresh_from_db()
    assert topic.is_pinned


def test_moderator_of_a_subcategory_does_not_moderate_its_parent(
    forum, django_user_model
):
    parent = forum._category(Category.Visibility.PUBLIC)
    sub = Category.objects.create(
        slug=f"perm-sub-{next(_numbers)}",
        name_kk="Ішкі",
        name_ru="Подкатегория",
        name_en="Subcategory",
        parent=parent,
    )
    moderator = django_user_model.objects.create_user(
        username=f"perm_submod_{next(_numbers)}", password="pw-12345678"
    )
    sub.moderators.add(moderator)

    assert permissions.can_moderate(moderator, sub)
    assert not permissions.can_moderate(moderator, parent)


def test_deactivated_category_moderator_moderates_nothing(forum, django_user_model):
    moderator = forum.user("category_moderator")
    moderator = django_user_model.objects.get(pk=moderator.pk)
    moderator.is_active = False
    assert not permissions.can_moderate(moderator, forum.public)
    assert not permissions.can_change_topic_state(moderator, forum.topic("public"))


def test_deactivated_staff_has_no_powers(forum, django_user_model):
    staff = django_user_model.objects.create_user(
        username=f"perm_oldstaff_{next(_numbers)}", is_staff=True, is_active=False
    )
    topic = forum.topic("members")
    assert not permissions.is_global_moderator(staff)
    assert not permissions.can_see_topic(staff, topic)
    with pytest.raises(PermissionDenied):
        services.topic_set_state(actor=staff, topic=topic, closed=True)


# Members-only categories do not leak to visitors through lists.


def _listed(user):
    # A page large enough for the demo site's topics as well as ours.
    listing = selectors.topic_list(user=user, view="latest", per_page=1000)
    return list(listing.page.object_list)


def test_visitor_never_lists_members_only_topics(forum):
    public_topic, members_topic = forum.topic("public"), forum.topic("members")
    listed = _listed(AnonymousUser())
    assert public_topic in listed
    assert members_topic not in listed
    assert all(topic.category.is_public for topic in listed)


def test_default_latest_page_for_a_visitor_has_no_members_only_topic(forum):
    forum.topic("members")
    listing = selectors.topic_list(user=AnonymousUser(), view="latest")
    assert listing.page.object_list
    assert all(topic.category.is_public for topic in listing.page.object_list)


def test_member_lists_members_only_topics(forum):
    members_topic = forum.topic("members")
    assert members_topic in _listed(forum.user("member"))


def test_inactive_user_lists_no_members_only_topics(forum):
    members_topic = forum.topic("members")
    assert members_topic not in _listed(forum.user("inactive"))


def test_visitor_categories_leave_out_members_only_ones(forum):
    public, members_only = forum.public, forum.members_only
    categories = list(selectors.categories_for(AnonymousUser()))
    assert public in categories
    assert members_only not in categories
    assert all(category.is_public for category in categories)


def test_member_categories_include_members_only_ones(forum):
    public, members_only = forum.public, forum.members_only
    categories = list(selectors.categories_for(forum.user("member")))
    assert public in categories
    assert members_only in categories


def test_visitor_does_not_see_a_members_only_subcategory_of_a_public_one(forum):
    hidden = Category.objects.create(
        slug=f"perm-sub-{next(_numbers)}",
        name_kk="Жабық",
        name_ru="Закрытая",
        name_en="Closed circle",
        parent=forum.public,
        visibility=Category.Visibility.MEMBERS,
    )
    (for_visitor,) = [
        c for c in selectors.categories_for(AnonymousUser()) if c == forum.public
    ]
    (for_member,) = [
        c for c in selectors.categories_for(forum.user("member")) if c == forum.public
    ]
    assert hidden not in for_visitor.visible_subcategories
    assert hidden in for_member.visible_subcategories


def test_visitor_gets_404_for_a_members_only_category_and_topic(forum):
    with pytest.raises(Http404):
        selectors.category_by_slug(AnonymousUser(), forum.members_only.slug)
    with pytest.raises(Http404):
        selectors.topic_for_reader(AnonymousUser(), forum.topic("members").pk)
