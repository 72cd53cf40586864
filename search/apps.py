from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _page_kind(page) -> str | None:
    from home.models import NewsPage, SeminarPage

    if isinstance(page, NewsPage):
        return "news"
    if isinstance(page, SeminarPage):
        return "seminar"
    return None


def _index_page_comments(page) -> None:
    """A page's comments follow it in and out of the index."""
    from django.contrib.contenttypes.models import ContentType
    from django_comments_xtd.models import XtdComment

    from .services import index_later

    comments = XtdComment.norel_objects.filter(
        content_type=ContentType.objects.get_for_model(type(page)),
        object_pk=str(page.pk),
    )
    for pk in comments.values_list("pk", flat=True):
        index_later("comment", pk)


def page_changed(sender, instance, **kwargs):
    """Wagtail publishes pages itself, so its signals are where indexing starts."""
    from .services import index_later

    page = instance.specific
    kind = _page_kind(page)
    if kind is None:
        return
    index_later(kind, page.pk)
    _index_page_comments(page)
    if kind == "seminar":
        for block in page.materials:
            if block.block_type == "document":
                index_later("material", block.value["document"].pk)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save
        from wagtail.signals import page_published, page_unpublished

        page_published.connect(page_changed, dispatch_uid="search-page-published")
        page_unpublished.connect(page_changed, dispatch_uid="search-page-unpublished")
        for model in ("NewsPage", "SeminarPage"):
            post_delete.connect(
                page_deleted,
                sender=f"home.{model}",
                dispatch_uid=f"search-delete-{model}",
            )
        pre_save.connect(
            category_saving, sender="forum.Category", dispatch_uid="search-category"
        )
        post_save.connect(
            category_saved, sender="forum.Category", dispatch_uid="search-category"
        )
        restriction = "wagtailcore.PageViewRestriction"
        for signal in (post_save, post_delete):
            signal.connect(
                privacy_changed,
                sender=restriction,
                dispatch_uid=f"search-privacy-{id(signal)}",
            )
        comment = "django_comments_xtd.XtdComment"
        post_save.connect(comment_saved, sender=comment, dispatch_uid="search-comment")
        post_delete.connect(
            comment_deleted, sender=comment, dispatch_uid="search-comment-delete"
        )


def page_deleted(sender, instance, **kwargs):
    from .services import index_later

    kind = _page_kind(instance)
    if kind is not None:
        index_later(kind, instance.pk)
        _index_page_comments(instance)


def comment_saved(sender, instance, raw=False, **kwargs):
    """django-comments-xtd and django-contrib-comments write comments themselves.

    Posting (xtd's comment_was_posted receiver creates the row), editing in the
    admin, and moderation (hide, remove, approve) all end in a save of the
    model, so this one hook sees every change, whichever view made it. xtd
    saves a new comment twice, the first time before it has a thread: that
    save is skipped. Hiding or removing a comment also hides its replies with a
    queryset update (no signal), so the whole thread (two levels, a few rows)
    is indexed again; the task is idempotent.
    """
    from django_comments_xtd.models import XtdComment

    from .services import index_later

    if raw or not instance.thread_id:
        return
    thread = XtdComment.norel_objects.filter(thread_id=instance.thread_id)
    for pk in thread.values_list("pk", flat=True):
        index_later("comment", pk)


def comment_deleted(sender, instance, **kwargs):
    from .services import index_later

    index_later("comment", instance.pk)


# What every topic and post document carries of its category: who may read
# it (with its parent's), its slug and its name.
CATEGORY_INDEXED_FIELDS = ("visibility", "parent_id", "slug", "name_en")


def _indexed_state(category) -> tuple:
    return tuple(getattr(category, field) for field in CATEGORY_INDEXED_FIELDS)


def category_saving(sender, instance, raw=False, **kwargs):
    """Staff edit categories in the Wagtail admin, which saves the model
    itself; note what the documents carry before the save changes it."""
    if raw or instance.pk is None:
        instance._search_indexed_state = None
        return
    before = sender.objects.filter(pk=instance.pk).first()
    instance._search_indexed_state = _indexed_state(before) if before else None


def category_saved(sender, instance, created=False, raw=False, **kwargs):
    """A category whose visibility, parent, slug or name changed re-indexes
    its topics and posts, and its subcategories' (whose visibility follows
    it). Searches exclude categories a reader may not read meanwhile
    (search.views.readable_by), so nothing leaks while that runs."""
    before = getattr(instance, "_search_indexed_state", None)
    if raw or created or before is None or before == _indexed_state(instance):
        return
    from .services import index_category_later

    index_category_later(instance.pk)


def privacy_changed(sender, instance, raw=False, **kwargs):
    """Wagtail's privacy setting (a PageViewRestriction: password, log-in or
    groups) is saved by the admin itself and publishes nothing: the page and
    every news and seminar page below it leave the index, or come back to it,
    with their comments and materials."""
    from home.models import NewsPage, SeminarPage

    if raw:
        return
    pages = (
        instance.page.get_descendants(inclusive=True)
        .type(NewsPage, SeminarPage)
        .specific()
    )
    for page in pages:
        page_changed(sender, page)
