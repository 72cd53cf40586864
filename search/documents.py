"""Rows to search documents, with everything a result needs flattened in.

`document_for(kind, pk)` re-reads one row and answers None when it must not be
searchable (deleted, unpublished, unlisted, hidden): the indexing task then
removes it. `documents(kind)` streams every document of a kind for a rebuild.
The Elasticsearch backend maps the same SearchDocument onto its own Document
classes (search/backends/elasticsearch.py).
"""

import io
import logging
import re
from collections.abc import Iterator
from datetime import datetime, time
from html import unescape

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from wagtail.documents import get_document_model

from forum.core.markdown import render as render_markdown
from forum.models import Category, Post, Topic
from home.models import COMMENTABLE, NewsPage, PracticePage, SeminarPage

from .backends.base import KINDS, VISIBILITY_MEMBERS, VISIBILITY_PUBLIC, SearchDocument
from .language import detect_language

logger = logging.getLogger(__name__)

LANGUAGE_PREFIX = re.compile(r"^/(kk|ru|en)/")
PAGE_MODELS = {"news": NewsPage, "seminar": SeminarPage, "practice": PracticePage}
PDF_MAX_PAGES = 200
BODY_MAX_CHARS = 100_000


def _visibility(category: Category) -> str:
    public = category.is_public and (
        category.parent is None or category.parent.is_public
    )
    return VISIBILITY_PUBLIC if public else VISIBILITY_MEMBERS


def _status(topic: Topic) -> str:
    if topic.solution_id:
        return "solved"
    return "closed" if topic.is_closed or topic.is_archived else "open"


def _neutral(url: str) -> str:
    """A forum URL without its language prefix; the search page adds the reader's."""
    return LANGUAGE_PREFIX.sub("/", url, count=1)


def _text(html: str) -> str:
    """The words of rendered HTML, entities read back ("it&#x27;s" -> "it's"):
    snippets escape what they show, and an entity left here shows literally."""
    return " ".join(unescape(strip_tags(html)).split())


# Forum ---------------------------------------------------------------------------

_TOPICS = Topic.objects.select_related("category", "category__parent", "author")
_POSTS = Post.objects.select_related(
    "topic", "topic__category", "topic__category__parent", "author"
)


def topic_document(
    topic: Topic, first_post: Post | None = None
) -> SearchDocument | None:
    if not topic.is_searchable:
        return None
    if first_post is None:
        first_post = topic.posts.filter(number=1).first()
    if first_post is not None and first_post.is_hidden:
        return None
    return SearchDocument(
        kind="topic",
        pk=topic.pk,
        title=topic.title,
        body=_text(first_post.cooked) if first_post else "",
        url=_neutral(topic.get_absolute_url()),
        language=topic.language,
        visibility=_visibility(topic.category),
        created_at=topic.created_at,
        updated_at=topic.bumped_at,
        author=topic.author.get_username() if topic.author else "",
        category=topic.category.slug,
        category_name=topic.category.name_en,
        tags=[tag.name for tag in topic.tags.all()],
        likes=topic.like_count,
        status=_status(topic),
        topic_title=topic.title,
        group=f"topic:{topic.pk}",
    )


def post_document(post: Post) -> SearchDocument | None:
    topic = post.topic
    if not post.is_searchable:
        return None  # a first post is searched as its topic
    body = _text(post.cooked)
    return SearchDocument(
        kind="post",
        pk=post.pk,
        title=topic.title,
        body=body,
        url=_neutral(topic.get_post_url(post.number)),
        language=detect_language(body, default=topic.language),
        visibility=_visibility(topic.category),
        created_at=post.created_at,
        updated_at=post.edited_at or post.created_at,
        author=post.author.get_username() if post.author else "",
        category=topic.category.slug,
        category_name=topic.category.name_en,
        tags=[tag.name for tag in topic.tags.all()],
        likes=post.like_count,
        is_answer=topic.solution_id == post.pk,
        status=_status(topic),
        topic_title=topic.title,
        group=f"topic:{topic.pk}",
    )


# CMS pages and materials ---------------------------------------------------------


def _page_searchable(page) -> bool:
    return page.live and not page.get_view_restrictions().exists()


def _midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _stream_text(stream) -> str:
    return _text(str(stream)) if stream else ""


def page_document(page) -> SearchDocument | None:
    """A news or seminar page as its readers see it: the blocks are rendered,
    and their weekdays and headings translated, in the page's own language,
    whatever language the indexing task runs in."""
    page = page.specific
    if not _page_searchable(page):
        return None
    with translation.override(page.locale.language_code):
        if isinstance(page, NewsPage):
            kind, body = "news", f"{page.summary} {_stream_text(page.body)}"
            created = _midnight(page.date)
            tags = [tag.slug for tag in page.tags.all()]
        elif isinstance(page, SeminarPage):
            kind, tags = "seminar", []
            body = " ".join(
                [
                    page.summary,
                    page.venue,
                    page.city,
                    _stream_text(page.description),
                    *_speaker_lines(page),
                    _stream_text(page.agenda),
                    _stream_text(page.outcomes),
                ]
            )
            created = _midnight(page.start_date)
        elif isinstance(page, PracticePage):
            kind = "practice"
            body = " ".join(
                _text(html)
                for html in (
                    page.problem,
                    page.background,
                    page.what_worked,
                    page.answer,
                )
            )
            created = page.first_published_at or page.last_published_at
            tags = [tag.slug for tag in page.tags.all()]
        else:
            return None
    return SearchDocument(
        kind=kind,
        pk=page.pk,
        title=page.title,
        body=body[:BODY_MAX_CHARS],
        url=page.url or "",
        language=page.locale.language_code,
        visibility=VISIBILITY_PUBLIC,
        created_at=created,
        updated_at=page.last_published_at,
        tags=tags,
        # The section it is in ("Семинары", "News"), as its breadcrumb shows:
        # a search for "семинар" finds a seminar whose title does not say so.
        topic_title=page.get_parent().title,
        # A page's translations share their translation key: one result.
        group=f"page:{page.translation_key}",
    )


def _speaker_lines(page) -> list[str]:
    """The seminar's speakers, as its "Speakers" section shows them."""
    return [_("Speakers")] + [
        f"{speaker.name} {speaker.role} {speaker.organisation}"
        for speaker in page.speakers
    ]


def pdf_text(document) -> str:
    """The text of an uploaded PDF, or "" when it has none or cannot be read."""
    if document.file_extension.lower() != "pdf":
        return ""
    try:
        with document.open_file() as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
            pages = reader.pages[:PDF_MAX_PAGES]
            return " ".join((page.extract_text() or "") for page in pages)[
                :BODY_MAX_CHARS
            ]
    except (PdfReadError, OSError, ValueError) as error:
        logger.warning("cannot read PDF %s: %s", document.pk, error)
        return ""


def _material_blocks(document_id: int):
    """Every (seminar, block value) that offers this document as a material."""
    for seminar in SeminarPage.objects.live().select_related("locale"):
        for block in seminar.materials:
            if (
                block.block_type == "document"
                and block.value["document"].pk == document_id
            ):
                yield seminar, block.value


def material_document(document) -> SearchDocument | None:
    uses = list(_material_blocks(document.pk))
    if not uses:
        return None  # only files offered on a published seminar are searchable
    descriptions = " ".join(
        f"{value['title']} {value['description']}" for _seminar, value in uses
    )
    text = pdf_text(document)
    body = f"{descriptions} {text}".strip()
    seminar = uses[0][0]
    titles = {}
    for use, value in uses:
        if value["title"]:
            titles.setdefault(use.locale.language_code, value["title"])
    return SearchDocument(
        kind="material",
        pk=document.pk,
        title=uses[0][1]["title"] or document.title,
        titles=titles,
        body=body,
        url=document.url,
        language=detect_language(body, default=seminar.locale.language_code),
        visibility=VISIBILITY_PUBLIC,
        created_at=document.created_at,
        updated_at=document.created_at,
        topic_title=seminar.title,
    )


# Comments on news and seminars ------------------------------------------------------


def _comments():
    return XtdComment.norel_objects.select_related("user").annotate(
        like_count=Count("flags", filter=Q(flags__flag=LIKEDIT_FLAG))
    )


def comment_document(comment: XtdComment, page=None) -> SearchDocument | None:
    """A comment under its page's title; None when hidden, removed or the page is.

    `page` (the comment's page, with its locale) saves a query in a rebuild.
    """
    if not comment.is_public or comment.is_removed:
        return None
    page = page if page is not None else comment.content_object
    if not isinstance(page, COMMENTABLE) or not _page_searchable(page):
        return None
    # Plain text: the tags go and the entities the renderer escaped come back.
    body = _text(render_markdown(comment.comment))
    return SearchDocument(
        kind="comment",
        pk=comment.pk,
        title=page.title,
        body=body,
        url=f"{page.url or ''}#c{comment.pk}",
        language=detect_language(body, default=page.locale.language_code),
        visibility=VISIBILITY_PUBLIC,
        created_at=comment.submit_date,
        updated_at=comment.submit_date,
        author=comment.user.get_username() if comment.user else "",
        likes=getattr(comment, "like_count", 0),
        topic_title=page.title,
    )


def _comment_documents() -> Iterator[SearchDocument]:
    for model in COMMENTABLE:
        comments = _comments().filter(
            content_type=ContentType.objects.get_for_model(model),
            is_public=True,
            is_removed=False,
        )
        pages = {
            str(page.pk): page
            for page in model.objects.live().select_related("locale")
            if _page_searchable(page)
        }
        for comment in comments.filter(object_pk__in=pages).iterator(chunk_size=2000):
            if document := comment_document(comment, pages[comment.object_pk]):
                yield document


# One entry point per kind ---------------------------------------------------------


def document_for(kind: str, pk: int) -> SearchDocument | None:
    """The current document for a row, or None if it should not be in the index."""
    if kind == "topic":
        row = _TOPICS.filter(pk=pk).first()
        return topic_document(row) if row else None
    if kind == "post":
        row = _POSTS.filter(pk=pk).first()
        return post_document(row) if row else None
    if kind in PAGE_MODELS:
        model = PAGE_MODELS[kind]
        row = model.objects.filter(pk=pk).select_related("locale").first()
        return page_document(row) if row else None
    if kind == "material":
        row = get_document_model().objects.filter(pk=pk).first()
        return material_document(row) if row else None
    if kind == "comment":
        row = _comments().filter(pk=pk).first()
        return comment_document(row) if row else None
    raise ValueError(f"unknown search kind {kind!r}")


def documents(kind: str) -> Iterator[SearchDocument]:
    """Every searchable document of a kind, streamed for a rebuild."""
    if kind == "topic":
        topics = _TOPICS.searchable().prefetch_related("tags")
        firsts = {
            post.topic_id: post
            for post in Post.objects.filter(number=1, topic__in=topics).only(
                "topic_id", "cooked", "hidden_at"
            )
        }
        for topic in topics.iterator(chunk_size=2000):
            if document := topic_document(topic, firsts.get(topic.pk)):
                yield document
    elif kind == "post":
        posts = _POSTS.searchable().prefetch_related("topic__tags")
        for post in posts.iterator(chunk_size=2000):
            if document := post_document(post):
                yield document
    elif kind in PAGE_MODELS:
        model = PAGE_MODELS[kind]
        for page in model.objects.live().select_related("locale"):
            if document := page_document(page):
                yield document
    elif kind == "material":
        ids = {
            value["document"].pk
            for seminar in SeminarPage.objects.live()
            for block in seminar.materials
            if block.block_type == "document"
            for value in [block.value]
        }
        for document in get_document_model().objects.filter(pk__in=ids):
            if found := material_document(document):
                yield found
    elif kind == "comment":
        yield from _comment_documents()


def all_documents() -> Iterator[SearchDocument]:
    """Every searchable document of every kind: what a rebuild writes."""
    for kind in KINDS:
        yield from documents(kind)
