"""The public search: pages, materials, topics, posts and comments.

The query language is parsed by search.query; what the reader may see decides
the visibility filter; when Elasticsearch does not answer, the database
backend does, and the page says so.
"""

import dataclasses
import datetime
import logging
from math import ceil

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from forum.models import Category
from forum.permissions import is_member

from . import health
from .backend import fallback_backend, get_backend
from .backends.base import (
    TRANSLATED_KINDS,
    VISIBILITY_MEMBERS,
    VISIBILITY_PUBLIC,
    SearchUnavailable,
)
from .query import ParsedQuery, parse

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 500
RESULTS_PER_PAGE = 10
MAX_PAGE = 100

TYPE_LABELS = {
    "news": gettext_lazy("News"),
    "seminar": gettext_lazy("Seminar"),
    "practice": gettext_lazy("Practice"),
    "material": gettext_lazy("Material"),
    "topic": gettext_lazy("Topic"),
    "post": gettext_lazy("Post"),
    "comment": gettext_lazy("Comment"),
}
LANGUAGE_LABELS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
STATUS_LABELS = {
    "solved": gettext_lazy("solved topics"),
    "open": gettext_lazy("open topics"),
    "closed": gettext_lazy("closed topics"),
}
ORDER_LABELS = {
    "latest": gettext_lazy("newest first"),
    "likes": gettext_lazy("most liked first"),
}


def visibilities_for(user) -> tuple[str, ...]:
    if is_member(user):
        return (VISIBILITY_PUBLIC, VISIBILITY_MEMBERS)
    return (VISIBILITY_PUBLIC,)


def readable_by(user) -> dict:
    """The search filters for what `user` may read: the visibilities, and for
    a visitor the categories they may read as of now (one query), whatever
    the index still says. A list of what is allowed, not of what is not, so
    that a category whose slug changed with its visibility leaves search too."""
    categories = None
    if not is_member(user):
        categories = tuple(
            Category.objects.readable_by(user).values_list("slug", flat=True)
        )
    return {"visibilities": visibilities_for(user), "readable_categories": categories}


def unparse(query: ParsedQuery) -> str:
    """The query string for a ParsedQuery: how chips and facets build their links."""
    parts = list(query.terms)
    parts += [f'"{phrase}"' for phrase in query.phrases]
    parts += [f'-"{word}"' if " " in word else f"-{word}" for word in query.excluded]
    if query.in_title:
        parts.append("in:title")
    if query.username:
        parts.append(f"@{query.username}")
    if query.category:
        parts.append(f"#{query.category}")
    if query.tags:
        parts.append("tags:" + ",".join(query.tags))
    if query.types:
        parts.append("type:" + "|".join(query.types))
    if query.language:
        parts.append(f"lang:{query.language}")
    if query.before:
        parts.append(f"before:{query.before:%Y-%m-%d}")
    if query.after:
        parts.append(f"after:{query.after:%Y-%m-%d}")
    if query.status:
        parts.append(f"status:{query.status}")
    if query.order != "relevance":
        parts.append(f"order:{query.order}")
    if not query.grouped:
        parts.append("group:off")
    return " ".join(parts)


def _link(query: ParsedQuery, **changes) -> str:
    changed = dataclasses.replace(query, errors=[], **changes)
    return reverse("search") + "?" + urlencode({"q": unparse(changed)})


def _chips(query: ParsedQuery, categories: dict[str, str]) -> list[dict]:
    """Each active filter with a link that removes it."""
    chips = []

    def chip(label, url, lang=""):
        # A language's chip names it in itself: `lang` marks it.
        chips.append({"label": label, "remove_url": url, "lang": lang})

    if query.in_title:
        chip(_("In titles only"), _link(query, in_title=False))
    if query.username:
        chip(f"@{query.username}", _link(query, username=None))
    if query.category:
        chip(
            f"#{categories.get(query.category, query.category)}",
            _link(query, category=None),
        )
    for tag in query.tags:
        chip(f"🏷 {tag}", _link(query, tags=[t for t in query.tags if t != tag]))
    for kind in query.types:
        rest = [k for k in query.types if k != kind]
        chip(str(TYPE_LABELS[kind]), _link(query, types=rest))
    if query.language:
        chip(
            LANGUAGE_LABELS[query.language],
            _link(query, language=None),
            query.language,
        )
    if query.after:
        chip(_("after %(date)s") % {"date": query.after}, _link(query, after=None))
    if query.before:
        chip(_("before %(date)s") % {"date": query.before}, _link(query, before=None))
    if query.status:
        chip(STATUS_LABELS.get(query.status, query.status), _link(query, status=None))
    if query.order != "relevance":
        chip(
            ORDER_LABELS.get(query.order, query.order),
            _link(query, order="relevance"),
        )
    if not query.grouped:
        chip(_("every match separately"), _link(query, grouped=True))
    return chips


def _facets(query: ParsedQuery, results, categories: dict[str, str]) -> list[dict]:
    """Facet groups with a link that adds each value as a filter."""
    groups = []
    for name, title in (
        ("type", _("Type")),
        ("category", _("Category")),
        ("language", _("Language")),
        ("year", _("Year")),
    ):
        values = []
        for facet in results.facets.get(name, []):
            if name == "type" and facet.value in TYPE_LABELS:
                label, url = TYPE_LABELS[facet.value], _link(query, types=[facet.value])
            elif name == "category":
                label = categories.get(facet.value, facet.value)
                url = _link(query, category=facet.value)
            elif name == "language" and facet.value in LANGUAGE_LABELS:
                label, url = (
                    LANGUAGE_LABELS[facet.value],
                    _link(query, language=facet.value),
                )
            elif name == "year" and facet.value.isdigit():
                year = int(facet.value)
                label = facet.value
                url = _link(
                    query,
                    after=datetime.date(year, 1, 1),
                    before=datetime.date(year + 1, 1, 1),
                )
            else:
                continue
            # A language is named in itself, and marked so for screen readers.
            lang = facet.value if name == "language" else ""
            values.append(
                {"label": label, "count": facet.count, "url": url, "lang": lang}
            )
        if values:
            groups.append({"name": name, "title": title, "values": values})
    return groups


def _label(hits):
    """Type and language labels, and forum links under the reader's language
    prefix; the same for the matches folded into each hit."""
    language = get_language()
    for hit in hits:
        hit.title_language = ""
        if title := hit.titles.get(language):
            # A material, as the reader's seminar page names it; its text
            # stays in the language it is written in.
            hit.title, hit.title_language = title, language
        hit.type_label = TYPE_LABELS.get(hit.kind, hit.kind)
        hit.language_label = LANGUAGE_LABELS.get(hit.language, hit.language)
        hit.versions = hit.kind in TRANSLATED_KINDS
        if hit.url.startswith("/forum/"):
            hit.url = f"/{language}{hit.url}"
        _label(hit.others)
    return hits


FALLBACK_NOTICE = gettext_lazy(
    "The main search service is not answering right now. These results "
    "come from the backup search and may be less complete."
)


def answering_backend():
    """The configured backend when it answers and is whole, else the database."""
    backend = get_backend()
    if backend.name == "elasticsearch" and not health.elasticsearch_usable():
        return fallback_backend()
    return backend


def run_search(query: ParsedQuery, user, page: int):
    """Results and, when the main backend cannot answer, a notice about the
    fallback: it is down, hanging (its breaker is open), or its index is
    missing or incomplete and being rebuilt."""
    options = {
        **readable_by(user),
        "page": page,
        "per_page": RESULTS_PER_PAGE,
        "language": get_language(),
    }
    main = get_backend()
    backend = answering_backend()
    try:
        results = backend.search(query, **options)
    except SearchUnavailable as error:
        logger.warning("search backend unavailable, using the database: %s", error)
        backend = fallback_backend()
        results = backend.search(query, **options)
    notice = FALLBACK_NOTICE if backend.name != main.name else None
    return results, notice


@require_safe
def search(request):
    raw = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    query = parse(raw)
    try:
        page = min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        page = 1
    categories = {c.slug: c.name for c in Category.objects.all()}
    results, notice = (None, None)
    if not query.is_empty:
        results, notice = run_search(query, request.user, page)
    context = {
        "query": raw,
        "parsed": query,
        "results": results,
        "notice": notice,
        "chips": _chips(query, categories),
        "facets": _facets(query, results, categories) if results else [],
        "page": page,
    }
    if results is not None:
        _label(results.hits)
        pages = ceil(results.total / RESULTS_PER_PAGE)
        base = reverse("search") + "?" + urlencode({"q": raw})
        context |= {
            "ungrouped_url": _link(query, grouped=False)
            if any(hit.others for hit in results.hits)
            else None,
            "pages": pages,
            "first_number": (page - 1) * RESULTS_PER_PAGE + 1,
            "previous_url": f"{base}&page={page - 1}" if page > 1 else None,
            "next_url": f"{base}&page={page + 1}"
            if page < min(pages, MAX_PAGE)
            else None,
            "suggestion_url": (
                reverse("search") + "?" + urlencode({"q": results.suggestion})
                if results.suggestion
                else None
            ),
        }
    return render(request, "search/search.html", context)


@require_safe
def suggest(request):
    """Titles while typing (htmx): a short list of links."""
    prefix = request.GET.get("q", "")[:100]
    readable = readable_by(request.user)
    try:
        hits = answering_backend().suggest_titles(prefix, **readable)
    except SearchUnavailable:
        hits = fallback_backend().suggest_titles(prefix, **readable)
    html = render_to_string("search/_suggestions.html", {"hits": _label(hits)}, request)
    return HttpResponse(html)


@require_safe
def opensearch(request):
    """Lets browsers add the site as a search engine."""
    origin = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "search/opensearch.xml",
        {"origin": origin, "search_url": origin + reverse("search")},
        content_type="application/opensearchdescription+xml",
    )
