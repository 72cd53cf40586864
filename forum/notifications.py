"""In-app notifications and watching levels (work in progress: see the contract).

CONTRACT (called from forum/services.py, forum/moderation.py, home/):
- post_created(post): a visible post was created or approved; fan out after commit.
- post_edited(post): notify members newly mentioned by the edit.
- track_after_posting(*, user, topic): creating or replying sets tracking.
- post_like_changed(*, post, actor, liked): grouped like notification.
- solution_accepted(*, post, actor): tell the reply's author.
- moderation_outcome(*, user, outcome, actor, post=None, comment=None, reason=""):
  tell the author what a moderator decided.
- comment_posted(comment), comment_like_changed(*, comment, actor, liked).
"""


def post_created(post):
    pass


def post_edited(post):
    pass


def track_after_posting(*, user, topic):
    pass


def post_like_changed(*, post, actor, liked: bool):
    pass


def solution_accepted(*, post, actor):
    pass


def moderation_outcome(*, user, outcome, actor, post=None, comment=None, reason=""):
    pass


def comment_posted(comment):
    pass


def comment_like_changed(*, comment, actor, liked: bool):
    pass
