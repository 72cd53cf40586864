"""Forum people and content for any test package: members, categories, topics."""

import itertools

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django_comments_xtd.models import XtdComment

from forum.discussions import services
from forum.models import Category, Profile, TrustLevel

_numbers = itertools.count(1)


@pytest.fixture
def make_user(db, django_user_model):
    def make(username=None, trust_level=TrustLevel.BASIC, **fields):
        """A member at trust level 1 unless told otherwise: level 0's first posts
        wait for a moderator, which only the tests about that want."""
        username = username or f"member{next(_numbers)}"
        user = django_user_model.objects.create_user(
            username=username,
            email=f"{username}@example.kz",
            password="pw-12345678",
            **fields,
        )
        Profile.objects.create(user=user, trust_level=trust_level)
        return user

    return make


@pytest.fixture
def member(make_user):
    return make_user("alma")


@pytest.fixture
def member2(make_user):
    return make_user("bolat")


@pytest.fixture
def member3(make_user):
    return make_user("saule")


@pytest.fixture
def moderator(make_user):
    user = make_user("mod_zhan")
    user.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    return user


@pytest.fixture
def make_category(db):
    def make(visibility="public", **fields):
        n = next(_numbers)
        return Category.objects.create(
            slug=fields.pop("slug", f"test-category-{n}"),
            name_kk=f"Санат {n}",
            name_ru=f"Категория {n}",
            name_en=f"Category {n}",
            visibility=visibility,
            **fields,
        )

    return make


@pytest.fixture
def category(make_category):
    return make_category()


@pytest.fixture
def members_category(make_category):
    return make_category("members")


@pytest.fixture
def make_topic(category, member):
    def make(author=None, in_category=None, replies=0, title=None, **fields):
        author = author or member
        topic = services.topic_create(
            actor=author,
            category=in_category or category,
            title=title or f"A topic about press work {next(_numbers)}",
            raw="The first post of the topic, with enough words.",
            **fields,
        )
        for n in range(replies):
            services.post_create(
                actor=author, topic=topic, raw=f"Reply number {n + 1}."
            )
        topic.refresh_from_db()
        return topic

    return make


def page_comment(page, user, text, *, parent=None, followup=False) -> XtdComment:
    """A public comment by `user` on a news or seminar page."""
    return XtdComment.objects.create(
        content_type=ContentType.objects.get_for_model(page),
        object_pk=str(page.pk),
        site_id=1,
        user=user,
        user_name=user.get_username(),
        user_email=user.email,
        comment=text,
        followup=followup,
        parent_id=parent.pk if parent else 0,
    )
