from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from search import views as search_views

from . import icons
from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", icons.favicon),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap),
]

if settings.SERVE_MEDIA:
    from django.views.static import serve as serve_file

    urlpatterns += [
        re_path(
            r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
            serve_file,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("forum/", include("forum.urls")),
    path("comments/", include("home.urls")),
    path("search/", search_views.search, name="search"),
    path("search/suggest/", search_views.suggest, name="search_suggest"),
    path("search/opensearch.xml", search_views.opensearch, name="opensearch"),
    path("manifest.webmanifest", icons.manifest, name="manifest"),
    path("privacy/", home_views.privacy, name="privacy"),
    path(
        "practice-proposal/<int:topic_id>/",
        home_views.practice_propose,
        name="practice_propose",
    ),
    path(
        "seminar-interest/<int:page_id>/",
        home_views.seminar_interest,
        name="seminar_interest",
    ),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        wagtail_views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    # Everything else is a CMS page. This replaces wagtail.urls so that a page not
    # yet translated falls back to its original instead of a 404 (home/views.py).
    # Pages' own routes may end in a file name: a seminar's calendar.ics.
    re_path(
        r"^((?:[\w\-]+/)*(?:calendar\.ics)?)$", home_views.serve, name="wagtail_serve"
    ),
    prefix_default_language=True,
)
