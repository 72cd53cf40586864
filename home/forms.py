"""The comment form for news and seminars: xtd's form with the site's labels.

Members are signed in, so their name and e-mail come from the account (the post
view of django-contrib-comments fills them in); the template renders only the
text, the follow-up choice and the hidden security fields.

The text passes the same trust-level gate as a forum post (forum.members.trust: links,
images, mentions). django-contrib-comments builds the form without the request,
so home.views.comment_post names the author for the length of the request with
`commenting_as()`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.forms import XtdCommentForm

from forum.members import trust

_author = ContextVar("comment_author", default=None)


@contextmanager
def commenting_as(user):
    """Within this block, comment forms check their text against `user`'s level."""
    token = _author.set(user)
    try:
        yield
    finally:
        _author.reset(token)


class CommentForm(XtdCommentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        comment = self.fields["comment"]
        comment.label = _("Your comment")
        comment.help_text = _(
            "Markdown works: **bold**, *italic*, [a link](https://…), @username."
        )
        comment.widget.attrs = {"rows": 6}
        self.fields["followup"].label = _("E-mail me when someone replies")
        self.fields["followup"].widget.attrs.pop("class", None)

    def clean_comment(self):
        text = super().clean_comment()
        author = _author.get()
        if author is not None:
            try:
                trust.check_post(author, text)
            except ValidationError as error:
                raise ValidationError(error.message_dict["raw"]) from error
        return text
