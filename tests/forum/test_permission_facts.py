"""A member's permission facts (suspended, moderator, trust level) come from
the cache on every request but the first, and every change to them shows on
the next request (forum.permissions: facts_changed, drop_facts)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import permissions
from forum.members import trust
from forum.models import Profile, TrustLevel
from forum.moderation import services as moderation


def fresh(user):
    """The member as the next request loads them."""
    return get_user_model().objects.get(pk=user.pk)


def test_the_facts_are_read_once_then_from_the_cache(member, category):
    permissions.can_moderate(fresh(member), category)
    again = fresh(member)
    with CaptureQueriesContext(connection) as queries:
        assert not permissions.can_moderate(again, category)
        assert not permissions.is_suspended(again)
        assert permissions.trust_level(again) == TrustLevel.BASIC
    assert len(queries) == 0


def test_a_suspension_and_its_lifting_show_at_once(member, moderator):
    assert permissions.can_write(fresh(member))  # cached: may write
    suspension = moderation.suspend_user(
        actor=moderator, user=member, days=3, reason="Spam."
    )
    assert not permissions.can_write(fresh(member))
    moderation.suspension_lift(actor=moderator, suspension=suspension)
    assert permissions.can_write(fresh(member))


# A moderator made and unmade, from each side of each relation (clear included).
MODERATOR_CHANGES = {
    "joins and leaves the group": (
        lambda member, category, group: member.groups.add(group),
        lambda member, category, group: member.groups.clear(),
    ),
    "the group gains and loses them": (
        lambda member, category, group: group.user_set.add(member),
        lambda member, category, group: group.user_set.clear(),
    ),
    "named for the category and removed": (
        lambda member, category, group: member.moderated_categories.add(category),
        lambda member, category, group: member.moderated_categories.remove(category),
    ),
    "the category names them and clears its moderators": (
        lambda member, category, group: category.moderators.add(member),
        lambda member, category, group: category.moderators.clear(),
    ),
}


@pytest.mark.parametrize("change", MODERATOR_CHANGES)
def test_a_moderator_made_and_unmade_shows_at_once(member, category, change):
    group = Group.objects.get_or_create(name=permissions.MODERATORS_GROUP)[0]
    make, unmake = MODERATOR_CHANGES[change]
    assert not permissions.can_moderate(fresh(member), category)  # cached
    make(member, category, group)
    assert permissions.can_moderate(fresh(member), category)
    unmake(member, category, group)
    assert not permissions.can_moderate(fresh(member), category)


def test_trust_levels_changed_one_by_one_or_in_bulk_show_at_once(make_user):
    newcomer = make_user(trust_level=TrustLevel.NEW)
    assert permissions.trust_level(fresh(newcomer)) == TrustLevel.NEW
    profile = Profile.objects.get(user=newcomer)
    profile.trust_level = TrustLevel.MEMBER
    profile.save()
    assert permissions.trust_level(fresh(newcomer)) == TrustLevel.MEMBER

    # The nightly recalculation writes with bulk_update, which sends no
    # signal: a regular without recent activity goes back to member.
    regular = make_user(trust_level=TrustLevel.REGULAR)
    assert permissions.trust_level(fresh(regular)) == TrustLevel.REGULAR
    assert trust.recalculate_trust_levels().demoted >= 1
    assert permissions.trust_level(fresh(regular)) == TrustLevel.MEMBER
