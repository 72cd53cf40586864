"""Who may comment on pages: the one place views and templates ask.

Visitors read the comments of a published news article or seminar; members
(signed in, active, not suspended) also post, reply and like. xtd's own
"who_can_post: users" only turns a visitor's post into a 400, so the post view
asks here first.
"""

from forum.permissions import can_write

from .models import NewsPage, SeminarPage

COMMENTABLE = (NewsPage, SeminarPage)


def accepts_comments(page) -> bool:
    return isinstance(page, COMMENTABLE) and page.live


def can_comment(user, page) -> bool:
    return can_write(user) and accepts_comments(page)


def can_like_comment(user, comment) -> bool:
    """Members like other members' comments, once each (a second click undoes it)."""
    return can_write(user) and comment.user_id != user.pk
