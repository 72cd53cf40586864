"""Reads for members' pages: the profile, its activity, and invitations.

A profile page costs the same few queries whatever the member has written: the
member with their profile, one aggregate for the three counts, and one query
each for the recent topics and replies. Everything respects what the viewer may
read, so counts and lists never hint at members-only discussions.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import get_language_info

from forum.discussions.models import in_readable_category
from forum.models import Invitation, Post, Profile, Topic

RECENT_LIMIT = 20
INVITATIONS_SHOWN = 100


@dataclass
class ProfilePage:
    member: object
    profile: Profile | None
    topic_count: int = 0
    reply_count: int = 0
    likes_received: int = 0
    topics: list[Topic] = field(default_factory=list)
    replies: list[Post] = field(default_factory=list)

    @property
    def language_names(self) -> list[str]:
        """The languages spoken, named in the reader's language."""
        codes = self.profile.languages if self.profile else []
        return [get_language_info(code)["name_translated"] for code in codes]


def member_by_username(username: str):
    """An active member with their profile (None when they have not made one)."""
    member = (
        get_user_model()
        .objects.filter(username=username, is_active=True)
        .select_related("profile")
        .first()
    )
    if member is None:
        raise Http404
    return member


def _counted_posts(viewer, member):
    """The member's counted posts in listed topics the viewer may read (hidden
    posts count everywhere; held ones nowhere)."""
    return Post.objects.counted().filter(
        in_readable_category(viewer, "topic__category__"),
        author=member,
        topic__is_visible=True,
    )


def member_stats(viewer, member) -> dict[str, int]:
    """Topics started, replies and likes received, in one aggregate query.

    A topic is counted through its first post, which shares its author.
    """
    return _counted_posts(viewer, member).aggregate(
        topics=Count("pk", filter=Q(number=1)),
        replies=Count("pk", filter=Q(number__gt=1)),
        likes=Coalesce(Sum("like_count"), 0),
    )


def recent_topics(viewer, member, limit: int = RECENT_LIMIT) -> list[Topic]:
    return list(
        Topic.objects.listed()
        .readable_by(viewer)
        .filter(author=member)
        .select_related("category")
        .order_by("-created_at", "-pk")[:limit]
    )


def recent_replies(viewer, member, limit: int = RECENT_LIMIT) -> list[Post]:
    return list(
        Post.objects.listed()
        .readable_by(viewer)
        # A hidden post keeps its counts but not its place in the list.
        .filter(author=member, number__gt=1)
        .select_related("topic", "topic__category")
        .order_by("-created_at", "-pk")[:limit]
    )


def profile_page(*, viewer, username: str) -> ProfilePage:
    member = member_by_username(username)
    stats = member_stats(viewer, member)
    return ProfilePage(
        member=member,
        profile=getattr(member, "profile", None),
        topic_count=stats["topics"],
        reply_count=stats["replies"],
        likes_received=stats["likes"],
        topics=recent_topics(viewer, member),
        replies=recent_replies(viewer, member),
    )


def profile_of(user) -> Profile | None:
    return Profile.objects.filter(user=user).first()


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.filter(token=token).first()


def invitations_for_staff(limit: int = INVITATIONS_SHOWN) -> list[Invitation]:
    return list(
        Invitation.objects.select_related("invited_by", "accepted_by").order_by(
            "-created_at", "-pk"
        )[:limit]
    )
