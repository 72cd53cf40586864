from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page, Site

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to the current page in every language.

    On a CMS page each link goes to that page's translation; where there is none
    yet, and on every other view, it goes to the same path under the other
    language prefix (a CMS page then shows its original with a notice).
    """
    request = context["request"]
    page = context.get("page")
    translations = {}
    if isinstance(page, Page) and page.pk:
        for translation in (
            page.get_translations(inclusive=True).live().select_related("locale")
        ):
            translations[translation.locale.language_code] = translation
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        if code in translations:
            url = translations[code].get_url(request)
        else:
            url = translate_url(request.get_full_path(), code)
        links.append(
            {"code": code, "name": name, "url": url, "current": code == current}
        )
    return {"links": links}


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Pages marked "show in menus" under the home page, in the active language."""
    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:
        return []
    root = site.root_page.localized
    current = context.get("page")
    current_path = current.path if isinstance(current, Page) else ""
    return [
        {
            "title": child.title,
            "url": child.get_url(request),
            "active": current_path.startswith(child.path),
        }
        for child in root.get_children().live().in_menu().public()
    ]
