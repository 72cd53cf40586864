"""Topic lists' rows, each rendered once per version of its topic.

A row shows the topic's title and state, its category, tags and participants,
and its counts: the same for every reader but two things,
whether the reader has unread posts in it (and the link to the first), and
how long ago it was active, which changes with the hour. A row is rendered
(forum/_topic_row.html) with markers for those, cut at the markers
(forum.core.fragment_cache) and kept in the cache under a digest of the topic's columns
it shows, the language, the time zone and the fragments' stamp
(forum.core.fragment_cache: a category, a tag, a topic's tags or a member changed).
A list then reads its rows in one cache round trip and loads category, tags
and people (selectors.topic_row_details, three queries) only for the topics
whose row is missing; its own query reads nothing but the topics' columns.

The category cards under the latest list (and on the categories page) are
kept the same way, whole, per language and kind of reader (a member reads
every category, a visitor the public ones), under the page cache generation:
a new topic changes a card's count, and so does any write that could change
them, the admin's included.
"""

import functools
import re
from types import SimpleNamespace

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

import pagecache
from forum import permissions
from forum.core import dates, fragment_cache
from forum.discussions import selectors

TEMPLATE = "forum/_topic_row.html"
SECONDS = 24 * 60 * 60
# Bump when TEMPLATE changes in a way cached rows must not outlive.
VERSION = 5

CARDS_TEMPLATE = "forum/includes/category_cards.html"
# Writes outside requests (commands) show within this, as on cached pages.
CARDS_SECONDS = 120

STATE = "@@forum-row-state@@"
UNREAD = "<!--@@forum-row-unread@@-->"
AGO = "@@forum-row-ago@@"
_MARKERS = re.compile("|".join(map(re.escape, (STATE, UNREAD, AGO))))
_ROW = SimpleNamespace(state=STATE, unread=mark_safe(UNREAD), ago=AGO)  # noqa: S308 - markers


def render_rows(topics: list) -> SafeString:
    """The rows of `topics` (from selectors.topic_list, which sets each
    one's `unread_count` and, for members, `last_read`)."""
    if not topics:
        return mark_safe("")  # noqa: S308 - empty
    context = fragment_cache.context_key(VERSION)
    keys = {topic.pk: _key(topic, context) for topic in topics}
    found = cache.get_many(list(keys.values()))
    missing = [topic for topic in topics if keys[topic.pk] not in found]
    fresh = {}
    if missing:
        selectors.topic_row_details(missing)
        for topic in missing:
            html = render_to_string(TEMPLATE, {"topic": topic, "row": _ROW})
            pieces = fragment_cache.split(html, _MARKERS)
            fresh[keys[topic.pk]] = (pieces, topic.get_absolute_url())
        cache.set_many(fresh, SECONDS)
    language = translation.get_language()
    rows = []
    for topic in topics:
        pieces, url = fresh.get(keys[topic.pk]) or found[keys[topic.pk]]
        values = {
            STATE: " has-unread" if topic.unread_count else "",
            UNREAD: _unread_link(topic, url, language),
            AGO: dates.ago(topic.bumped_at),
        }
        rows.append(fragment_cache.fill(pieces, values))
    return mark_safe("".join(rows))  # noqa: S308 - our template's output, joined


def category_cards(user) -> SafeString:
    """The top-level categories `user` may read, as cards with their
    subcategories (forum/includes/category_cards.html); empty when there are
    none."""
    key = fragment_cache.key(
        "category-cards",
        0,
        fragment_cache.context_key(VERSION),
        permissions.is_member(user),
        pagecache.generation(),
    )
    html = cache.get(key)
    if html is None:
        categories = selectors.categories_for(user)
        html = (
            render_to_string(CARDS_TEMPLATE, {"categories": categories})
            if categories
            else ""
        )
        cache.set(key, html, CARDS_SECONDS)
    return mark_safe(html)  # noqa: S308 - our template's output


def _unread_link(topic, url: str, language: str | None) -> str:
    """The link to the first unread post: the topic's `url` (kept with its
    row) and the post's number, which is all a post's URL adds to it."""
    if not topic.unread_count:
        return ""
    return format_html(
        ' <a class="unread-count" href="{}{}/">{}</a>',
        url,
        topic.last_read + 1,
        _unread_label(language, topic.unread_count),
    )


@functools.lru_cache(maxsize=4096)
def _unread_label(language: str | None, count: int) -> str:
    """ "3 unread", made once per language and count."""
    return ngettext("%(counter)s unread", "%(counter)s unread", count) % {
        "counter": count
    }


def _key(topic, context: str) -> str:
    return fragment_cache.key(
        "row",
        topic.pk,
        context,
        topic.title,
        topic.language,
        topic.slug,
        topic.category_id,
        topic.is_pinned,
        topic.solution_id is not None,
        topic.is_closed,
        topic.is_archived,
        topic.post_count,
        topic.view_count,
        topic.like_count,
        topic.bumped_at.isoformat(),
        topic.participant_ids,
    )
