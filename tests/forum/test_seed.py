"""`manage.py forum_seed` builds a consistent, reproducible forum for benchmarks."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max

from forum.core.markdown import render
from forum.models import Category, Post, PostLike, Profile, Topic

SIZES = {"topics": 30, "posts_per_topic": 5, "long_topic_posts": 40}


def seed(**options) -> str:
    out = io.StringIO()
    call_command(
        "forum_seed",
        stdout=out,
        stderr=io.StringIO(),
        **{"seed": 1, **SIZES, **options},
    )
    return out.getvalue()


def seeded_members():
    return get_user_model().objects.filter(username__startswith="seed_user_")


@pytest.fixture
def no_categories(db):
    """An empty forum: the demo's categories go, so the seed makes its own."""
    Topic.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()


def test_seed_creates_the_numbers_asked_for(no_categories):
    output = seed()

    assert Topic.objects.count() == 30 + 1
    assert Post.objects.count() == 30 * 5 + 40
    assert seeded_members().count() == 20
    assert Profile.objects.filter(user__in=seeded_members()).count() == 20
    assert Category.objects.count() == 6
    members_only = Category.objects.filter(visibility="members")
    assert [c.name_en for c in members_only] == ["Seminar follow-up"]
    assert all(c.name_kk and c.name_ru and c.name_en for c in Category.objects.all())
    long_topic = Topic.objects.get(highest_post_number=40)
    assert long_topic.post_count == 40
    assert long_topic.category.is_public
    assert "31 topics" in output and "190 posts" in output and "rows/s" in output


def test_seeded_topics_are_well_formed(no_categories):
    seed()

    numbering = Post.objects.values("topic").annotate(n=Count("pk"), last=Max("number"))
    assert all(row["n"] == row["last"] for row in numbering)
    assert not Post.objects.filter(number=1).exclude(author=F("topic__author")).exists()
    assert set(Topic.objects.values_list("language", flat=True)) == {"kk", "ru", "en"}
    assert Topic.tags.through.objects.exists()
    assert PostLike.objects.exists()
    assert not PostLike.objects.filter(user=F("post__author")).exists()
    for post in Post.objects.all():
        assert post.cooked == render(post.raw), post.raw


def test_seed_leaves_every_counter_consistent(no_categories):
    seed()
    out = io.StringIO()

    call_command("forum_repair", dry_run=True, stdout=out, stderr=io.StringIO())

    assert out.getvalue() == "Everything was consistent.\n"


def test_seed_writes_the_topic_counters_itself(no_categories):
    """forum_repair only fills in what needs post ids: the seed got the rest right."""
    filled = seed().splitlines()[-1]

    assert filled.startswith("Counters filled in by forum_repair: ")
    assert "topic.last_post 31" in filled
    for counter in (
        "post.like_count",
        "topic.post_count",
        "topic.highest_post_number",
        "topic.like_count",
        "topic.last_poster",
        "topic.bumped_at",
        "topic.participant_ids",
    ):
        assert counter not in filled


def test_seed_uses_existing_categories(db):
    existing = set(Category.objects.values_list("pk", flat=True))

    seed(topics=20, long_topic_posts=0)

    assert existing and set(Category.objects.values_list("pk", flat=True)) == existing
    used = Topic.objects.filter(author__in=seeded_members()).values("category")
    assert used.distinct().count() > 1


class Rollback(Exception):
    pass


def fingerprint(**options):
    """What the seed wrote, minus ids and dates (ids differ between runs)."""
    try:
        with transaction.atomic():
            seed(**options)
            topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
            index = {pk: i for i, pk in enumerate(topics)}
            result = {
                "topics": list(
                    Topic.objects.order_by("pk").values_list(
                        "title", "language", "category__slug", "author__username"
                    )
                ),
                "posts": [
                    (index[topic], number, author, raw, likes, deleted is None)
                    for topic, number, author, raw, likes, deleted in (
                        Post.objects.order_by("topic", "number").values_list(
                            "topic",
                            "number",
                            "author__username",
                            "raw",
                            "like_count",
                            "deleted_at",
                        )
                    )
                ],
                "likes": sorted(
                    (index[topic], number, user)
                    for topic, number, user in PostLike.objects.values_list(
                        "post__topic", "post__number", "user__username"
                    )
                ),
                "tags": sorted(
                    (index[topic], tag)
                    for topic, tag in Topic.tags.through.objects.values_list(
                        "topic", "tag__name"
                    )
                ),
                "profiles": list(
                    Profile.objects.filter(user__in=seeded_members())
                    .order_by("user__username")
                    .values_list("display_name", "organisation")
                ),
            }
            raise Rollback
    except Rollback:
        return result


def test_the_same_seed_gives_the_same_forum(no_categories):
    first = fingerprint()

    assert fingerprint() == first
    assert fingerprint(seed=2) != first
