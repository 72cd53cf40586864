from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")

    def ready(self):
        # django-comments-xtd saves a posted comment itself, then sends
        # confirmation_received with the new row: replies notify from there.
        from django_comments_xtd.signals import confirmation_received

        from forum.notifications.services import comment_confirmed

        confirmation_received.connect(
            comment_confirmed, dispatch_uid="forum-notify-comment-reply"
        )
        # A topic page served from the anonymous page cache still counts a view.
        import pagecache
        from forum.discussions.viewcounts import count_cached_view

        pagecache.served_from_cache.connect(
            count_cached_view, dispatch_uid="forum-count-cached-view"
        )
        # Cached posts and topic rows show members, categories and tags.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from forum.core import fragment_cache
        from forum.models import Category, Profile, Tag, Topic

        for model in (get_user_model(), Profile, Category, Tag):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(
                    fragment_cache.changed,
                    sender=model,
                    dispatch_uid=f"forum-stamp-{model.__name__}-{name}",
                )
        m2m_changed.connect(
            fragment_cache.changed,
            sender=Topic.tags.through,
            dispatch_uid="forum-stamp-tags",
        )
        # What every member's page reads from the cache (their permission
        # facts and bell, the fragments' stamp, today's visit) comes with the
        # look-up for their page copy, in one round trip.
        from django.utils import timezone

        from forum import permissions
        from forum.members.middleware import visit_key
        from forum.notifications.selectors import unread_key

        def member_reads(request, member_id):
            return [
                permissions.facts_key(member_id),
                unread_key(member_id),
                fragment_cache.KEY,
                visit_key(member_id, timezone.localdate()),
            ]

        pagecache.reads_for_members(member_reads)
        # Members' permission facts are cached (forum.permissions): each change
        # to them drops the copy.
        from forum.models import Suspension

        for model in (Suspension, Profile):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(
                    permissions.facts_changed,
                    sender=model,
                    dispatch_uid=f"forum-facts-{model.__name__}-{name}",
                )
        for name, through in (
            ("groups", get_user_model().groups.through),
            ("moderators", Category.moderators.through),
        ):
            m2m_changed.connect(
                permissions.facts_changed,
                sender=through,
                dispatch_uid=f"forum-facts-{name}",
            )
