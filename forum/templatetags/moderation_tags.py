"""Template tags for moderation: the flag reasons and the header's queue link."""

from django import template
from django.core.cache import cache

from forum import permissions
from forum.discussions import selectors
from forum.models import Flag

register = template.Library()

# How long the header remembers that a member is not a reviewer: ordinary
# pages then cost no query for it. Naming someone a moderator shows the link
# within this many seconds; the queue itself checks permission on every request.
REVIEWER_CACHE_SECONDS = 300


@register.simple_tag
def flag_reasons():
    return Flag.Reason.choices


def _is_reviewer(user) -> bool:
    if user.is_staff:
        return permissions.can_review(user)
    key = f"forum:reviewer:{user.pk}"
    cached = cache.get(key)
    if cached is None:
        cached = permissions.can_review(user)
        cache.set(key, cached, REVIEWER_CACHE_SECONDS)
    return cached


@register.inclusion_tag("forum/includes/review_link.html", takes_context=True)
def review_link(context):
    """The link to the review queue with its pending count, for reviewers only."""
    user = context.get("user")
    if user is None or not permissions.is_member(user) or not _is_reviewer(user):
        return {"show": False}
    return {
        "show": True,
        "pending": selectors.review_pending_count(user),
        "request": context.get("request"),
    }
