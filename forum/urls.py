"""The forum's URLs, mounted at /<language>/forum/ (config/urls.py).

Ids in paths are `<id:…>` (forum.core.params): an id no row can have is a 404.
"""

from django.urls import path

from forum.core import params  # noqa: F401 - registers the <id:…> converter
from forum.discussions import views
from forum.members import views as profile_views
from forum.moderation import views as moderation_views
from forum.notifications import views as notification_views

app_name = "forum"

urlpatterns = [
    path("", views.topic_list, name="latest"),
    path("top/", views.topic_list, {"view": "top"}, name="top"),
    path("unread/", views.topic_list, {"view": "unread"}, name="unread"),
    path("new/", views.topic_list, {"view": "new"}, name="new"),
    path("categories/", views.categories, name="categories"),
    path("c/<slug:category_slug>/", views.topic_list, name="category"),
    path(
        "c/<slug:category_slug>/top/",
        views.topic_list,
        {"view": "top"},
        name="category_top",
    ),
    path("tags/<str:tag_name>/", views.topic_list, name="tag"),
    path("t/<slug:slug>/<id:topic_id>/", views.topic_detail, name="topic"),
    path("t/<slug:slug>/<id:topic_id>/<id:number>/", views.topic_detail, name="post"),
    path("t/<id:topic_id>/reply/", views.reply, name="reply"),
    path("t/<id:topic_id>/state/", views.topic_state, name="topic_state"),
    path("new-topic/", views.topic_create, name="new_topic"),
    path("p/<id:post_id>/edit/", views.post_edit, name="post_edit"),
    path("p/<id:post_id>/history/", views.post_history, name="post_history"),
    path("p/<id:post_id>/like/", views.post_like, name="post_like"),
    path("p/<id:post_id>/bookmark/", views.post_bookmark, name="post_bookmark"),
    path("p/<id:post_id>/delete/", views.post_delete, name="post_delete"),
    path("p/<id:post_id>/restore/", views.post_restore, name="post_restore"),
    path("p/<id:post_id>/solve/", views.post_solve, name="post_solve"),
    path("preview/", views.preview, name="preview"),
    path("drafts/", views.draft_save, name="draft_save"),
    path("mentions/", views.mention_search, name="mentions"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/read-all/",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/<id:notification_id>/",
        notification_views.notification_open,
        name="notification",
    ),
    path(
        "notifications/<id:notification_id>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path("t/<id:topic_id>/watch/", notification_views.topic_watch, name="topic_watch"),
    path(
        "c/<slug:category_slug>/watch/",
        notification_views.category_watch,
        name="category_watch",
    ),
    path("uploads/", views.upload, name="upload"),
    path("p/<id:post_id>/flag/", moderation_views.flag_post, name="flag_post"),
    path("review/", moderation_views.review_queue, name="review_queue"),
    path(
        "review/<id:item_id>/suspend/",
        moderation_views.review_suspend,
        name="review_suspend",
    ),
    path(
        "review/<id:item_id>/<str:action>/",
        moderation_views.review_decide,
        name="review_decide",
    ),
    path(
        "suspensions/<id:suspension_id>/lift/",
        moderation_views.suspension_lift,
        name="suspension_lift",
    ),
    path("u/<str:username>/", profile_views.profile, name="profile"),
    path("profile/edit/", profile_views.profile_edit, name="profile_edit"),
    path("invitations/", profile_views.invitations, name="invitations"),
    path(
        "invite/<str:token>/",
        profile_views.invitation_accept,
        name="invitation_accept",
    ),
    path("preferences/", notification_views.preferences, name="preferences"),
    path(
        "unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"
    ),
    path(
        "unsubscribe/<str:token>/undo/",
        notification_views.unsubscribe_undo,
        name="unsubscribe_undo",
    ),
]
