from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        """Connect the receivers (search/receivers.py) for what other code
        saves itself: Wagtail's pages, xtd's comments, the admin's categories
        and page privacy."""
        from django.db.models.signals import post_delete, post_save, pre_save
        from wagtail.signals import page_published, page_unpublished

        from . import receivers

        page_published.connect(
            receivers.page_changed, dispatch_uid="search-page-published"
        )
        page_unpublished.connect(
            receivers.page_changed, dispatch_uid="search-page-unpublished"
        )
        for model in ("NewsPage", "SeminarPage", "PracticePage"):
            post_delete.connect(
                receivers.page_deleted,
                sender=f"home.{model}",
                dispatch_uid=f"search-delete-{model}",
            )
        category = "forum.Category"
        pre_save.connect(
            receivers.category_saving, sender=category, dispatch_uid="search-category"
        )
        post_save.connect(
            receivers.category_saved, sender=category, dispatch_uid="search-category"
        )
        for signal, uid in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                receivers.privacy_changed,
                sender="wagtailcore.PageViewRestriction",
                dispatch_uid=f"search-privacy-{uid}",
            )
        comment = "django_comments_xtd.XtdComment"
        post_save.connect(
            receivers.comment_saved, sender=comment, dispatch_uid="search-comment"
        )
        post_delete.connect(
            receivers.comment_deleted,
            sender=comment,
            dispatch_uid="search-comment-delete",
        )
