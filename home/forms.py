"""The comment form for news and seminars: xtd's form with the site's labels.

Members are signed in, so their name and e-mail come from the account (the post
view of django-contrib-comments fills them in); the template renders only the
text, the follow-up choice and the hidden security fields.
"""

from django.utils.translation import gettext_lazy as _
from django_comments_xtd.forms import XtdCommentForm


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
