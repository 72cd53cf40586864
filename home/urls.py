"""Comment URLs, mounted at /<language>/comments/ (config/urls.py).

The views are django-comments-xtd's and django-contrib-comments' own, each
behind home.permissions (home/views.py): posting and liking are ours, and every
view that takes a comment or a target by id answers 404 for what the reader may
not see. django-contrib-comments' URLs are listed here one by one rather than
included, so that none of its views is mounted without that check. xtd's JSON
API and its "dislike" flag are left out: the pages render comments on the
server, and the API would list comments of unpublished pages to anyone.
"""

from django.urls import path, re_path
from django_comments_xtd import views as xtd_views

from forum.core import params  # noqa: F401 - registers the <id:…> converter

from . import views

urlpatterns = [
    path("post/", views.comment_post, name="comments-post-comment"),
    path("posted/", views.comment_done, name="comments-comment-done"),
    path("like/<id:comment_id>/", views.comment_like, name="comments-xtd-like"),
    path("reply/<id:cid>/", views.comment_reply, name="comments-xtd-reply"),
    path("sent/", views.comment_sent, name="comments-xtd-sent"),
    # Signed: the key names the comment and the address it was sent to.
    path("mute/<str:key>/", xtd_views.mute, name="comments-xtd-mute"),
    # Flags join the forum's review queue (forum/moderation/services.py), not xtd's own.
    path("flag/<id:comment_id>/", views.comment_flag, name="comments-flag"),
    path("flagged/", views.comment_flag_done, name="comments-flag-done"),
    path("delete/<id:comment_id>/", views.comment_delete, name="comments-delete"),
    path("deleted/", views.comment_delete_done, name="comments-delete-done"),
    path("approve/<id:comment_id>/", views.comment_approve, name="comments-approve"),
    path("approved/", views.comment_approve_done, name="comments-approve-done"),
    # The comment permalink (XtdComment.get_absolute_url), positional as in
    # django-contrib-comments.
    re_path(r"^cr/(\d+)/(.+)/$", views.comment_permalink, name="comments-url-redirect"),
]
