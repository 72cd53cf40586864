"""The public search page.

Until the search app's own index lands (pages, topics, posts and comments with a
query language), this searches published CMS pages in the reader's language with
Wagtail's database backend.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Locale, Page

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        pages = Page.objects.live().public().filter(locale=Locale.get_active())
        results = Paginator(pages.search(query), RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(request, "search/search.html", {"query": query, "results": results})
