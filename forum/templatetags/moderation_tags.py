"""Template tags for moderation: the flag reasons and the header's queue link."""

from django import template

from forum import permissions
from forum.discussions import selectors
from forum.models import Flag

register = template.Library()


@register.simple_tag
def flag_reasons():
    return Flag.Reason.choices


@register.inclusion_tag("forum/includes/review_link.html", takes_context=True)
def review_link(context):
    """The link to the review queue with its pending count, for reviewers
    only: who reviews comes from the member's permission facts, which the
    page has read already (forum.permissions, cached), so naming a moderator
    shows the link as soon as the facts change."""
    user = context.get("user")
    if (
        user is None
        or not permissions.is_member(user)
        or not permissions.can_review(user)
    ):
        return {"show": False}
    return {
        "show": True,
        "pending": selectors.review_pending_count(user),
        "request": context.get("request"),
    }
