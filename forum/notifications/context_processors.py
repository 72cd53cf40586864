"""The bell in the header: the member's unread count, cached, and counted only
when a template shows it."""

from django.utils.functional import cached_property

from forum import permissions
from forum.notifications.selectors import unread_count


class Bell:
    """The header's unread count, worked out only if a template shows it."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)


def bell(request) -> dict:
    """Context processor: `notification_bell.unread` for signed-in members."""
    user = getattr(request, "user", None)
    if not permissions.is_member(user):
        return {}
    return {"notification_bell": Bell(user)}
