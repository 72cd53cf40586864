"""A topic page's posts, rendered without running a template per post.

A topic page shows up to 20 posts, and rendering each one's template was most
of a member's page (issue #12). A post is two parts here:

The **content** (forum/_post_content.html): the author's picture, name and
organisation, the date and permalink, "in reply to", the notices, the text and
"edited". It is the same for every reader who may read the post, so it is
rendered once and kept in the cache under a digest of everything it shows:
the post's row (text, language, edits, deleted, held, hidden), the topic's slug
(its links), the language and time zone, whether the reader may read a hidden
post, and the fragments' stamp (forum.core.fragment_cache: a name, a picture
or an organisation changed). An entry is therefore never stale, only
unused, and expires after CONTENT_SECONDS. A page fetches all its posts'
content in one cache round trip and renders only what is missing, loading
those posts' authors and replied-to posts with two queries whatever their
number; so the page's own query for posts loads none of them. A failing
cache is a miss.

The **frame** (forum/_post.html): the article around the content, the accepted
answer under the first post, and the reader's controls (like, bookmark, reply,
accept, edit, delete, restore, flag). What it shows depends on a handful of
facts: the post's state, the reader's abilities from forum.permissions, and
whether the reader liked and bookmarked it. Posts that share those facts have
the same frame but for their id, number, like count, content and the
request's CSRF token. So the frame is rendered once per distinct set of facts
and language, with markers standing for those values, as a *stencil*; each
post's HTML is then the stencil's pieces joined with its own values, without
ever scanning a post's text. Stencils are kept per process
(fragment_cache.Stencils; per call when DEBUG, so that an edited template
shows at once).
tests/forum/test_fragments.py checks that a stencil gives the very HTML the
template gives a real post, for every kind of post and reader.
"""

import re
from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from forum.core import fragment_cache
from forum.models import Post

CONTENT_TEMPLATE = "forum/_post_content.html"
FRAME_TEMPLATE = "forum/_post.html"
SOLUTION_TEMPLATE = "forum/_solution_box.html"
CONTENT_SECONDS = 24 * 60 * 60
# Bump when CONTENT_TEMPLATE changes in a way cached entries must not outlive.
CONTENT_VERSION = 2

# What a stencil's markers stand for. The id and number go through {% url %},
# whose converters take digits only, so they are numbers no post will have.
PK = "9090909090909091"
NUMBER = "9090909090909092"
LIKES = "@@forum-likes@@"
CSRF = "@@forum-csrf@@"
CONTENT = "<!--@@forum-content@@-->"
SOLUTION = "<!--@@forum-solution@@-->"
_MARKERS = re.compile(
    "|".join(map(re.escape, (PK, NUMBER, LIKES, CSRF, CONTENT, SOLUTION)))
)
_STENCILS = fragment_cache.Stencils()


def render_page(request, posts: list[Post], topic, focus=None):
    """(the topic's heading, the HTML of `posts`) for a topic page: the
    cached parts of both come in one cache round trip."""
    context = _context(topic)
    heading_key = _heading_key(topic, context)
    found = _attach_content(posts, topic, context, also=[heading_key])
    heading = found.get(heading_key)
    if heading is None:
        heading = render_to_string(HEADING_TEMPLATE, {"topic": topic})
        cache.set(heading_key, heading, CONTENT_SECONDS)
    return mark_safe(heading), _frames(request, posts, topic, focus)  # noqa: S308 - our template's output


def render_posts(request, posts: list[Post], topic, focus=None) -> SafeString:
    """The HTML of `posts` (each carrying `post.can`, and for members
    `post.liked` and `post.bookmarked`) on the topic page."""
    _attach_content(posts, topic, _context(topic))
    return _frames(request, posts, topic, focus)


def _frames(request, posts: list[Post], topic, focus) -> SafeString:
    """The posts, their content attached, each in its frame."""
    if not posts:
        return mark_safe("")  # noqa: S308 - empty
    language = translation.get_language()
    shared = {}
    if topic.solution_id and any(post.is_first for post in posts):
        shared[SOLUTION] = render_to_string(SOLUTION_TEMPLATE, {"topic": topic})
    html = []
    for post in posts:
        facts = _Facts.of(post, topic, focus)
        stencil = _STENCILS.get((language, facts), partial(_stencil, facts))
        # Only a page with a form asks for the token: asking sets the CSRF
        # cookie, which would keep a visitor's page out of the page cache.
        if CSRF not in shared and CSRF in stencil:
            shared[CSRF] = get_token(request)
        values = shared | {
            PK: str(post.pk),
            NUMBER: str(post.number),
            LIKES: conditional_escape(like_label(post.like_count)),
            CONTENT: post.content,
        }
        html.append(fragment_cache.fill(stencil, values))
    return mark_safe("".join(html))  # noqa: S308 - templates' output, joined


def like_label(count: int) -> str:
    return ngettext("%(counter)s like", "%(counter)s likes", count) % {"counter": count}


@dataclass(frozen=True)
class _Facts:
    """Everything of a post and its reader that the frame shows, but the
    values its markers stand for."""

    can: object  # forum.permissions.PostAbilities
    liked: bool
    bookmarked: bool
    has_likes: bool
    is_first: bool
    is_deleted: bool
    awaiting_approval: bool
    is_hidden: bool
    is_solution: bool
    is_focus: bool
    shows_solution: bool

    @classmethod
    def of(cls, post, topic, focus):
        return cls(
            can=post.can,
            liked=bool(getattr(post, "liked", False)),
            bookmarked=bool(getattr(post, "bookmarked", False)),
            has_likes=post.like_count > 0,
            is_first=post.is_first,
            is_deleted=post.is_deleted,
            awaiting_approval=post.awaiting_approval,
            is_hidden=post.is_hidden,
            is_solution=topic.solution_id == post.pk,
            is_focus=focus == post.number,
            shows_solution=post.is_first and topic.solution_id is not None,
        )


def _stencil(facts: _Facts) -> list[str]:
    """The frame for posts with these facts, split at its markers (which
    stay as pieces of their own)."""
    post = SimpleNamespace(
        **{name: getattr(facts, name) for name in facts.__dataclass_fields__},
        pk=int(PK),
        number=int(NUMBER),
        like_label=LIKES,
        content=mark_safe(CONTENT),  # noqa: S308 - a marker
        solution=mark_safe(SOLUTION),  # noqa: S308 - a marker
    )
    html = render_to_string(FRAME_TEMPLATE, {"post": post, "csrf_token": CSRF})
    return fragment_cache.split(html, _MARKERS)


# The topic's heading ------------------------------------------------------------

HEADING_TEMPLATE = "forum/_topic_heading.html"
# Bump when HEADING_TEMPLATE changes in a way cached headings must not outlive.
HEADING_VERSION = 1


def _heading_key(topic, context: str) -> str:
    """The topic's title, category, tags and state badges are cached: the
    tags cost the page a query and the ORM compiling it, the rest a dozen
    template lookups. Keyed like a list's row (forum/discussions/rows.py): the
    topic's columns shown and the fragments' stamp, which moves when a
    category, a tag or a topic's tags change."""
    return fragment_cache.key(
        "heading",
        topic.pk,
        context,
        HEADING_VERSION,
        topic.title,
        topic.language,
        topic.category_id,
        topic.solution_id is not None,
        topic.is_pinned,
        topic.is_closed,
        topic.is_archived,
        topic.is_visible,
        topic.is_deleted,
    )


# The reply composer -------------------------------------------------------------

COMPOSER_TEMPLATE = "forum/includes/composer_fields.html"
RAW = "@@forum-composer-raw@@"
REPLY_TO = "9090909090909093"  # a number, as the hidden field's value is
TOPIC = "@@forum-composer-topic@@"
_COMPOSER_MARKERS = re.compile("|".join(map(re.escape, (RAW, REPLY_TO, TOPIC))))


def reply_fields(
    topic, *, form_class, raw: str, reply_to, can_upload: bool
) -> SafeString:
    """The topic page's reply composer (COMPOSER_TEMPLATE for an unbound
    `form_class`, the views' PostForm, holding `raw` and `reply_to`), from a
    stencil.

    The composer is the same on every topic but for the topic's id, the saved
    draft or quote, and whether the member may upload: building the form and
    rendering its fields and widgets cost as much as all twenty posts of the
    page, so that happens once per language and those facts. A form sent back
    with errors is drawn by the template itself (views.reply)."""

    def make():
        initial = {"raw": RAW, "reply_to": REPLY_TO if reply_to is not None else None}
        html = render_to_string(
            COMPOSER_TEMPLATE,
            {
                "form": form_class(initial=initial, topic=topic),
                "topic_id": TOPIC,
                "heading_level": 3,
                "can_upload": can_upload,
            },
        )
        return fragment_cache.split(html, _COMPOSER_MARKERS)

    facts = ("composer", translation.get_language(), can_upload, reply_to is not None)
    stencil = _STENCILS.get(facts, make)
    values = {
        RAW: conditional_escape(raw),
        REPLY_TO: str(reply_to),
        TOPIC: str(topic.pk),
    }
    return mark_safe(fragment_cache.fill(stencil, values))  # noqa: S308 - our template's output


# The content --------------------------------------------------------------------


def _context(topic) -> str:
    """What every cached part of a topic page depends on besides its own row."""
    return fragment_cache.context_key(CONTENT_VERSION, topic.pk, topic.slug)


def _attach_content(posts: list[Post], topic, context: str, also=()) -> dict:
    """Set `post.content` on each post (which must carry `post.can`); the
    cache's answer for the keys `also`, read in the same round trip."""
    keys = {post.pk: _content_key(post, context) for post in posts}
    found = cache.get_many([*keys.values(), *also])
    fresh = _render_content([p for p in posts if keys[p.pk] not in found], topic)
    if fresh:
        cache.set_many({keys[pk]: html for pk, html in fresh.items()}, CONTENT_SECONDS)
    for post in posts:
        html = fresh[post.pk] if post.pk in fresh else found[keys[post.pk]]
        post.content = mark_safe(html)  # noqa: S308 - our own template's output
    return found


def _content_key(post: Post, context: str) -> str:
    return fragment_cache.key(
        "post",
        post.pk,
        context,
        post.number,
        post.author_id,
        post.reply_to_id,
        post.created_at.isoformat(),
        post.edit_count,
        post.deleted_at is not None,
        post.awaiting_approval,
        post.is_hidden,
        post.can.read,
        post.cooked,
        post.language,
    )


def _render_content(posts: list[Post], topic) -> dict[int, str]:
    """The content of `posts`, with their authors and the posts they reply
    to loaded in two queries for all of them."""
    if not posts:
        return {}
    replied = {
        reply.pk: reply
        for reply in Post.objects.filter(
            pk__in={post.reply_to_id for post in posts if post.reply_to_id}
        ).only("pk", "number", "author_id")
    }
    author_ids = {post.author_id for post in posts} | {
        reply.author_id for reply in replied.values()
    }
    people = get_user_model().objects.select_related("profile")
    authors = people.in_bulk(author_ids - {None})
    for reply in replied.values():
        reply.author = authors.get(reply.author_id)
    rendered = {}
    for post in posts:
        post.author = authors.get(post.author_id)
        if post.reply_to_id in replied:
            post.reply_to = replied[post.reply_to_id]
        rendered[post.pk] = render_to_string(
            CONTENT_TEMPLATE, {"post": post, "topic": topic}
        )
    return rendered
