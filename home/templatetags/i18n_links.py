from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page, Site

import pagecache

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context, label=""):
    """Links to the current page in every language.

    On a CMS page each link goes to that page's translation; where there is none
    yet, and on every other view, it goes to the same path under the other
    language prefix (a CMS page then shows its original with a notice).
    """
    request = context["request"]
    page = context.get("page")
    # The header and the footer both show them: worked out once a request.
    key = (page.pk if isinstance(page, Page) else None, get_language())
    known = getattr(request, "_language_links", None)
    if known is None or known[0] != key:
        known = (key, _language_links(request, page))
        request._language_links = known
    return {"links": known[1], "label": label}


def _language_links(request, page) -> list[dict]:
    translations = {}
    if isinstance(page, Page) and page.pk:
        for translation in (
            page.get_translations(inclusive=True).live().select_related("locale")
        ):
            translations[translation.locale.language_code] = translation
    current = get_language()
    path = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        if code in translations:
            url = translations[code].get_url(request)
        else:
            url = _in_language(path, current, code)
        links.append(
            {"code": code, "name": name, "url": url, "current": code == current}
        )
    return links


def _in_language(path: str, current: str, code: str) -> str:
    """`path` under the language prefix of `code`. No URL pattern here is
    translated, so swapping the prefix is what django's translate_url finds
    by resolving the path and reversing it for each language, at a fraction
    of the cost (every page shows the switcher twice); a path without the
    current prefix goes the long way."""
    prefix = f"/{current}/"
    if path.startswith(prefix):
        return f"/{code}/{path[len(prefix) :]}"
    return translate_url(path, code)


@register.simple_tag
def site_contact() -> str:
    """The address people write to about the site (SITE_CONTACT_EMAIL)."""
    return settings.SITE_CONTACT_EMAIL


MENU_CACHE_SECONDS = 600
MENU_VERSION_KEY = "main-menu-version"  # home.apps.pages_changed bumps it by name


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Pages marked "show in menus" under the home page, in the active language.

    Cached per host and language: every page shows the menu, and building it
    costs several queries. home.apps bumps the version when a page is
    published, unpublished, moved or renamed, which every cached menu carries:
    one cache round trip reads both. The header and the footer share one
    request's look-up.
    """
    request = context["request"]
    language = get_language()
    known = getattr(request, "_main_menu", None)
    if known is None or known[0] != language:
        known = (language, _menu_items(request, language))
        request._main_menu = known
    current = context.get("page")
    current_path = current.path if isinstance(current, Page) else ""
    return [
        {**item, "active": current_path.startswith(item["path"])} for item in known[1]
    ]


def menu_keys(request, language: str) -> list[str]:
    """The menu's version, and the menu (home.apps names both to pagecache,
    which reads them with a member's page copy)."""
    return [MENU_VERSION_KEY, f"main-menu:{request.get_host()}:{language}"]


def _menu_items(request, language: str) -> list[dict]:
    keys = menu_keys(request, language)
    key = keys[1]
    found = pagecache.known_values(keys) or cache.get_many(keys)
    version = found.get(MENU_VERSION_KEY)
    if version is None:
        # A version that is there is found with the menu in one look-up
        # (pagecache's); home.apps.pages_changed then counts on from it.
        cache.add(MENU_VERSION_KEY, 0, None)
        version = 0
    if key in found and found[key][0] == version:
        return found[key][1]
    site = Site.find_for_request(request)
    if site is None:
        return []
    root = site.root_page.localized
    items = [
        {"title": child.title, "url": child.get_url(request), "path": child.path}
        for child in root.get_children().live().in_menu().public()
    ]
    cache.set(key, (version, items), MENU_CACHE_SECONDS)
    return items
