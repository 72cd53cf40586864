"""What the header offers a member beyond the forum: invitations, the admin.

Worked out only if a template asks, and from forum.permissions, never from
`user.is_staff` in a template.
"""

from django.utils.functional import SimpleLazyObject

from forum import permissions


def member_abilities(request) -> dict:
    user = getattr(request, "user", None)

    def abilities() -> dict:
        return {
            "invite": permissions.can_invite(user),
            "open_admin": permissions.can_open_admin(user),
        }

    return {"member_can": SimpleLazyObject(abilities)}
