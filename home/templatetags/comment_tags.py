"""Comment text as safe HTML.

Comments are stored as the member wrote them (django-comments-xtd's plain
`comment` field) and rendered at display time with the forum's Markdown and
sanitiser, so a change to the allow-list applies to every old comment too and
no custom comment model or migration is needed. A comment is short; rendering
costs far less than the page around it.
"""

from django import template
from django.utils.safestring import mark_safe

from forum.core.markdown import render

register = template.Library()


@register.filter
def comment_markdown(raw: str, usernames=None) -> str:
    """`{{ comment.comment|comment_markdown:mentions }}`.

    `mentions` ({lowercased: username}, home.selectors.comment_mentions) saves
    a query per comment that mentions someone; without it each looks its own up.
    """
    # render() escapes raw HTML and nh3 keeps only the allow-list: safe to mark.
    known = usernames if isinstance(usernames, dict) else None
    return mark_safe(render(raw or "", known))  # noqa: S308
