"""Who counts as a member: the one role the data layer needs to know.

A member is signed in and active; everyone else is a visitor. forum.permissions
builds every other role (moderator, staff, suspended) on top of this one, and
the querysets ask it for `readable_by(user)`.
"""


def is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)
