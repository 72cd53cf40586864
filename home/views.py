"""Page serving with a translation fallback.

Wagtail's own `serve` view answers 404 when the requested page has no translation
in the active language. Readers here often follow a link shared in another
language, so instead we serve the page from the first locale that has it (the
default, Kazakh, first) and the template tells them it is not translated yet.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.models import Locale, Page, Site
from wagtail.views import serve_chain


def serve(request, path):
    route = Page.route_for_request(request, path)
    if route is None:
        route = _route_in_another_locale(request, path)
        if route is None:
            raise Http404
        page = route[0]
        # The same page may exist in this language under a translated slug.
        translation = page.get_translation_or_none(Locale.get_active())
        if translation is not None and translation.live:
            return redirect(translation.get_url(request))
        request.fallback_locale = page.locale

    page, args, kwargs = route
    chain = serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        chain = fn(chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)


def _route_in_another_locale(request, path):
    site = Site.find_for_request(request)
    if site is None:
        return None
    active = Locale.get_active()
    components = [component for component in path.split("/") if component]
    roots = (
        site.root_page.get_translations(inclusive=True)
        .exclude(locale=active)
        .select_related("locale")
    )
    # Try the default language first, then the others in settings order.
    order = [code for code, _name in settings.LANGUAGES]
    for root in sorted(roots, key=lambda r: order.index(r.locale.language_code)):
        try:
            return root.specific.route(request, components)
        except Http404:
            continue
    return None
