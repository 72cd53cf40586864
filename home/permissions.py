"""Who may comment on pages: the one place views and templates ask.

Visitors read the comments of a published news article or seminar; members
(signed in, active, not suspended) also post, reply and like. xtd's own
"who_can_post: users" only turns a visitor's post into a 400, so the post view
asks here first.

A comment is seen where its page shows it: published (not held or hidden by
the moderators, not removed) on a page that takes comments and that the reader
may open. django-comments-xtd's and django-contrib-comments' views show any
comment by id, so every comment URL asks here first (home/views.py).
"""

from django.conf import settings

from forum.permissions import (
    can_review_comment,
    can_write,
    is_member,
)


def takes_comments(page) -> bool:
    """A page type members comment on (`takes_comments` in home/models.py)."""
    return getattr(page, "takes_comments", False)


def accepts_comments(page) -> bool:
    return takes_comments(page) and page.live


def can_open_page(request, page) -> bool:
    """A live page without a privacy restriction the reader has not passed.

    Takes the request, not the user: a password restriction is passed per
    session, as Wagtail checks it when it serves the page.
    """
    return page.live and all(
        restriction.accept_request(request)
        for restriction in page.get_view_restrictions()
    )


def _on_open_page(request, comment) -> bool:
    page = comment.content_object
    return (
        comment.site_id == settings.SITE_ID
        and takes_comments(page)
        and can_open_page(request, page)
    )


def can_read_comment(request, comment) -> bool:
    """Readers see a comment where its page shows it: published, not removed."""
    return (
        comment.is_public and not comment.is_removed and _on_open_page(request, comment)
    )


def can_see_comment(request, comment) -> bool:
    """What the confirmation and moderation pages may show on their own: a
    comment its readers see, the author's own while it waits for a moderator,
    and any comment to the moderators who review comments."""
    user = request.user
    return _on_open_page(request, comment) and (
        (comment.is_public and not comment.is_removed)
        or (is_member(user) and comment.user_id == user.pk and not comment.is_removed)
        or can_review_comment(user, comment)
    )


def can_comment(user, page) -> bool:
    return can_write(user) and accepts_comments(page)


def can_like_comment(user, comment) -> bool:
    """Members like other members' comments, once each (a second click undoes it)."""
    return can_write(user) and comment.user_id != user.pk


def can_say_interest(user, seminar) -> bool:
    """Members say "I'm interested" in a published, upcoming seminar, to hear
    when its dates change or new materials are published."""
    return can_write(user) and seminar.live and seminar.is_upcoming


def can_take_interest_back(user, seminar) -> bool:
    """Taking it back is always possible, past seminar or suspended member:
    it only stops notifications."""
    return is_member(user)
