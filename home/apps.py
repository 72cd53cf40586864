from urllib.parse import urlsplit

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.conf import settings
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connections
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

import pagecache


def pages_changed(**kwargs):
    """A page was published, moved or taken down, perhaps by beat's scheduled
    publishing, outside any request: every cached main menu (all hosts and
    languages) and visitors' cached pages are stale."""
    try:
        cache.incr("main-menu-version")
    except ValueError:
        cache.set("main-menu-version", 1, None)
    # A request that publishes and then shows a page reads the menu anew.
    pagecache.forget_remembered("main-menu-version")
    pagecache.changed()


def sync_site(using="default", apps=global_apps, **kwargs):
    """Keep django.contrib.sites' Site (SITE_ID) at the site's own address.

    Comments (django-contrib-comments) need the sites framework; once it is
    installed, django-allauth names the site in its e-mails from that row
    instead of the request's host, and Django's default row is "example.com".
    """
    from django.contrib.sites.models import Site as CurrentSite

    try:
        # The migrated state's model; `flush` sends the signal without one.
        Site = apps.get_model("sites", "Site")
    except LookupError:
        return
    host = urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc or "localhost"
    _site, created = Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": host, "name": host}
    )
    if created:
        # An explicit primary key leaves the sequence behind, as Django's own
        # create_default_site() knows; the next Site would collide with it.
        connection = connections[using]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Site]):
                cursor.execute(sql)
    CurrentSite.objects.clear_cache()


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Site pages")

    def ready(self):
        from django.db.models.signals import post_migrate
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )

        from . import tasks

        for signal in (
            page_published,
            page_unpublished,
            page_slug_changed,
            post_page_move,
        ):
            signal.connect(pages_changed, dispatch_uid=f"home-pages-{id(signal)}")
        page_published.connect(
            tasks.seminar_published_later, dispatch_uid="home-seminar-published"
        )
        from . import seminar_forum

        page_published.connect(
            seminar_forum.open_on_publish, dispatch_uid="home-seminar-open-discussion"
        )
        for signal in (page_published, page_unpublished):
            signal.connect(
                tasks.practice_changed_later,
                dispatch_uid=f"home-practice-changed-{id(signal)}",
            )
        # Every member's page shows the menu: its keys are read with the
        # member's page copy (pagecache.reads_for_members).
        from .templatetags.i18n_links import menu_keys

        pagecache.reads_for_members(
            lambda request, member_id: menu_keys(request, get_language())
        )
        # After django.contrib.sites has created its default row.
        post_migrate.connect(sync_site, sender=self, dispatch_uid="home-sync-site")
        self._hold_new_members_comments()
        self._send_comment_follow_ups_through_the_outbox()

    def _send_comment_follow_ups_through_the_outbox(self):
        """django-comments-xtd e-mails a page's comment followers inside the
        request that posts a comment, through a module-level function its
        receiver looks up when it runs; pointing that name at an outbox job
        keeps xtd's flow and makes the e-mail durable (home/tasks.py)."""
        import django_comments_xtd.views as xtd_views

        from . import tasks

        xtd_views.notify_comment_followers = tasks.notify_comment_followers_later

    def _hold_new_members_comments(self):
        """A new member's comment waits for a moderator (forum/moderation/).

        xtd's own receivers connect when its views module is imported; importing
        it first keeps ours after them, so `confirmation_received` reaches us
        with the saved comment.
        """
        import django_comments_xtd.views  # noqa: F401
        from django_comments.signals import comment_will_be_posted
        from django_comments_xtd.models import TmpXtdComment
        from django_comments_xtd.signals import confirmation_received

        from forum.moderation import receivers

        comment_will_be_posted.connect(
            receivers.hold_new_members_comment,
            sender=TmpXtdComment,
            dispatch_uid="forum-hold-comment",
        )
        confirmation_received.connect(
            receivers.queue_held_comment,
            sender=TmpXtdComment,
            dispatch_uid="forum-queue-held-comment",
        )
