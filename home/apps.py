from django.apps import AppConfig
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _


def clear_menu_cache(**kwargs):
    """Make every cached main menu (all hosts and languages) stale."""
    try:
        cache.incr("main-menu-version")
    except ValueError:
        cache.set("main-menu-version", 1, None)


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Site pages")

    def ready(self):
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )

        for signal in (
            page_published,
            page_unpublished,
            page_slug_changed,
            post_page_move,
        ):
            signal.connect(clear_menu_cache, dispatch_uid=f"home-menu-{id(signal)}")
