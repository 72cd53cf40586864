"""A URLconf that mounts the forum elsewhere (tests/forum/test_reversing.py)."""

from django.urls import include, path

urlpatterns = [path("elsewhere/forum/", include("forum.urls"))]
