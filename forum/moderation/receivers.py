"""django-comments-xtd posts comments itself; these receivers of its signals
hold a new member's comment for the review queue (home/apps.py connects them).
"""

from django.contrib import messages
from django.utils.translation import gettext as _

from forum.members import trust
from forum.moderation.holds import comment_hold


def hold_new_members_comment(sender, comment, request=None, **kwargs):
    """comment_will_be_posted: a new member's comment is saved unpublished.

    `comment` is xtd's TmpXtdComment, which becomes the XtdComment row; xtd
    e-mails followers only for public comments, so a held one tells nobody.
    """
    user = comment.user
    if user is not None and user.is_authenticated and trust.needs_approval(user):
        comment.is_public = False
        if request is not None:
            request._forum_comment_held = True


def queue_held_comment(sender, comment, request=None, **kwargs):
    """confirmation_received, sent by xtd once the row exists: queue it."""
    saved = getattr(comment, "xtd_comment", None)
    held = request is not None and getattr(request, "_forum_comment_held", False)
    if saved is None or saved.is_public or not held:
        return
    comment_hold(comment=saved)
    messages.info(
        request,
        _(
            "Thank you! As a new member, your first comments wait for a moderator "
            "before others can see them. We will let you know."
        ),
    )
