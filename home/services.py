"""Writes on comments that the site makes itself (xtd posts and moderates the rest).

Posting, editing, hiding and removing a comment happen in django-comments-xtd and
django-contrib-comments (their views, the admin); search/apps.py follows those
through the comment model's signals. Likes are ours, so they are indexed and
notified here.
"""

from django.db import transaction
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from forum.notifications import services as notifications
from search.api import index_later


def comment_like_toggle(*, actor, comment: XtdComment) -> bool:
    """Like the comment, or undo the like; returns whether it is liked now.

    One "I liked it" flag per member and comment (the flag table's unique
    constraint), so a second click removes it rather than counting twice.
    """
    with transaction.atomic():
        flag, created = CommentFlag.objects.get_or_create(
            comment=comment, user=actor, flag=LIKEDIT_FLAG
        )
        if not created:
            flag.delete()
        notifications.comment_like_changed(comment=comment, actor=actor, liked=created)
        index_later("comment", comment.pk)
    return created
