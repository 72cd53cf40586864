"""Django's reverse(), remembered: a URL is worked out once per process.

A page reverses twenty to thirty URLs (the header's and the forum's links,
the forms' actions, the topics' and categories' own URLs), and Django walks
its URL patterns for each: about a twentieth of a millisecond apiece, a
millisecond a page (issue #12). The answer depends only on the view's name and
arguments, the URLconf, the script prefix, the active language (i18n_patterns
puts it in front of the path) and the current application (namespaces), so
all of them are the key. The URLconf is keyed by Django's own resolver object,
which Django makes anew whenever the URLconf changes (clear_url_caches).

Arguments other than text and whole numbers (a model, a lazy string, a
boolean, an enum) are passed to Django as they are, every time: their text
could differ under the same key.

The template tag `{% url %}` goes through here too (forum/templatetags/
reversing.py, a builtin of every template).
"""

import functools

from django.urls import get_resolver, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# Remembered arguments: text and whole numbers, exactly those types (True is
# 1 to a dict, and an enum member equals its value, but their text differs).
_PLAIN = frozenset((str, SafeString, int))
# About 200 bytes an entry: every topic's URL in three languages, for the
# pages served often, and the site's fixed links.
SIZE = 8192


def reverse(viewname, *, args=None, kwargs=None, current_app=None) -> str:
    """django.urls.reverse(viewname, args=args, kwargs=kwargs,
    current_app=current_app), remembered."""
    args = tuple(args or ())
    items = tuple(kwargs.items()) if kwargs else ()
    if any(type(value) not in _PLAIN for value in (*args, *(kwargs or {}).values())):
        return django_reverse(
            viewname, args=args, kwargs=kwargs, current_app=current_app
        )
    return _remembered(
        get_resolver(get_urlconf()),
        get_script_prefix(),
        get_language(),
        current_app,
        viewname,
        args,
        items,
    )


@functools.lru_cache(maxsize=SIZE)
def _remembered(resolver, prefix, language, current_app, viewname, args, items):
    """The key's prefix and language are the ones django_reverse reads."""
    return django_reverse(
        viewname,
        urlconf=resolver.urlconf_name,
        args=args,
        kwargs=dict(items),
        current_app=current_app,
    )


def forget() -> None:
    """Every URL worked out so far (tests)."""
    _remembered.cache_clear()
