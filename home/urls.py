"""Comment URLs, mounted at /<language>/comments/ (config/urls.py).

The views are django-comments-xtd's and django-contrib-comments' own, except
posting and liking, which go through home.permissions first. xtd's JSON API
and its "dislike" flag are left out: the pages render comments on the server,
and the API would list comments of unpublished pages to anyone.
"""

from django.urls import include, path
from django_comments_xtd import views as xtd_views

from forum import moderation_views

from . import views

urlpatterns = [
    path("post/", views.comment_post, name="comments-post-comment"),
    path("like/<int:comment_id>/", views.comment_like, name="comments-xtd-like"),
    path("reply/<int:cid>/", xtd_views.reply, name="comments-xtd-reply"),
    path("sent/", xtd_views.sent, name="comments-xtd-sent"),
    path("mute/<str:key>/", xtd_views.mute, name="comments-xtd-mute"),
    # Flags join the forum's review queue (forum/moderation.py), not xtd's own.
    path("flag/<int:comment_id>/", moderation_views.flag_comment, name="comments-flag"),
    # Posted/flagged/deleted confirmations, moderation, the comment permalink.
    path("", include("django_comments.urls")),
]
