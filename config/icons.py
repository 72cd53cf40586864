"""The site's icons where browsers and home screens look for them without
reading the page: /favicon.ico and the web app manifest.

The files are static (static/img/, drawn by scripts/make_icons.py); these views
only point at them under their static URL, which carries a hash in production.
"""

from django.http import HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

DAY = 24 * 60 * 60


@require_safe
@cache_control(max_age=DAY, public=True)
def favicon(request):
    return HttpResponseRedirect(static("img/favicon.ico"))


@require_safe
@cache_control(max_age=DAY, public=True)
def manifest(request):
    """The name in the page's language, the icons, the home page."""
    language = request.LANGUAGE_CODE
    response = JsonResponse(
        {
            "name": _("Strategic Digital Communication Forum"),
            "short_name": _("Forum"),
            "lang": language,
            "start_url": f"/{language}/",
            "display": "browser",
            "background_color": "#ffffff",
            "theme_color": "#004457",
            "icons": [
                {
                    "src": static("img/icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                },
                {
                    "src": static("img/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                },
                {
                    "src": static("img/icon.svg"),
                    "sizes": "any",
                    "type": "image/svg+xml",
                },
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Type"] = "application/manifest+json"
    return response
