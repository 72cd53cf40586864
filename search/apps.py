from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _page_kind(page) -> str | None:
    from home.models import NewsPage, SeminarPage

    if isinstance(page, NewsPage):
        return "news"
    if isinstance(page, SeminarPage):
        return "seminar"
    return None


def page_changed(sender, instance, **kwargs):
    """Wagtail publishes pages itself, so its signals are where indexing starts."""
    from .services import index_later

    page = instance.specific
    kind = _page_kind(page)
    if kind is None:
        return
    index_later(kind, page.pk)
    if kind == "seminar":
        for block in page.materials:
            if block.block_type == "document":
                index_later("material", block.value["document"].pk)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import post_delete
        from wagtail.signals import page_published, page_unpublished

        page_published.connect(page_changed, dispatch_uid="search-page-published")
        page_unpublished.connect(page_changed, dispatch_uid="search-page-unpublished")
        for model in ("NewsPage", "SeminarPage"):
            post_delete.connect(
                page_deleted,
                sender=f"home.{model}",
                dispatch_uid=f"search-delete-{model}",
            )


def page_deleted(sender, instance, **kwargs):
    from .services import index_later

    kind = _page_kind(instance)
    if kind is not None:
        index_later(kind, instance.pk)
