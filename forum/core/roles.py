"""Who counts as a member: the one role the data layer needs to know.

A member is signed in and active; everyone else is a visitor. forum.permissions
builds every other role (moderator, staff, suspended) on top of this one, and
the querysets ask it for `readable_by(user)`.
"""

from django.utils.functional import LazyObject


def resolved(user):
    """The user behind `request.user`'s lazy wrapper, which costs every
    attribute lookup a detour: a topic page asks about its reader a thousand
    times (every ability of every post)."""
    if isinstance(user, LazyObject):
        user.is_authenticated  # noqa: B018 - loads the user if it is not yet
        return user._wrapped
    return user


def is_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)
