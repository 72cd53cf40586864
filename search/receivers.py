"""How content that other code writes reaches the index: Wagtail publishes
pages, django-comments-xtd writes comments, staff edit categories and page
privacy in the admin. Each of those saves the model itself, so these signal
receivers (connected in search/apps.py) are where their indexing starts; the
forum's own services call search/api.py directly.
"""

from django.contrib.contenttypes.models import ContentType
from django_comments_xtd.models import XtdComment

from home.models import NewsPage, PracticePage, SeminarPage

from .api import index_category_later, index_later, index_many_later

# What every topic and post document carries of its category: who may read
# it (with its parent's), its slug and its name.
CATEGORY_INDEXED_FIELDS = ("visibility", "parent_id", "slug", "name_en")


def _page_kind(page) -> str | None:
    if isinstance(page, NewsPage):
        return "news"
    if isinstance(page, SeminarPage):
        return "seminar"
    if isinstance(page, PracticePage):
        return "practice"
    return None


def _index_page_comments(page) -> None:
    """A page's comments follow it in and out of the index."""
    comments = XtdComment.norel_objects.filter(
        content_type=ContentType.objects.get_for_model(type(page)),
        object_pk=str(page.pk),
    )
    index_many_later("comment", comments.values_list("pk", flat=True))


def page_changed(sender, instance, **kwargs):
    """Wagtail publishes pages itself, so its signals are where indexing starts."""
    page = instance.specific
    kind = _page_kind(page)
    if kind is None:
        return
    index_later(kind, page.pk)
    _index_page_comments(page)
    if kind == "seminar":
        documents = [
            block.value["document"].pk
            for block in page.materials
            if block.block_type == "document"
        ]
        index_many_later("material", documents)


def page_deleted(sender, instance, **kwargs):
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
    if raw or not instance.thread_id:
        return
    thread = XtdComment.norel_objects.filter(thread_id=instance.thread_id)
    index_many_later("comment", thread.values_list("pk", flat=True))


def comment_deleted(sender, instance, **kwargs):
    index_later("comment", instance.pk)


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
    index_category_later(instance.pk)


def privacy_changed(sender, instance, raw=False, **kwargs):
    """Wagtail's privacy setting (a PageViewRestriction: password, log-in or
    groups) is saved by the admin itself and publishes nothing: the page and
    every news and seminar page below it leave the index, or come back to it,
    with their comments and materials."""
    if raw:
        return
    pages = (
        instance.page.get_descendants(inclusive=True)
        .type(NewsPage, SeminarPage, PracticePage)
        .specific()
    )
    for page in pages:
        page_changed(sender, page)
