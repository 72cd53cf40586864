"""What a notification says and where it leads, in the active language.

The bell's list and the e-mail say the same sentence, title and link: both
read them here.
"""

from datetime import date

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from forum.members.display import display_name
from forum.models import Notification

Kind = Notification.Kind

TEXTS = {
    Kind.REPLY: gettext_lazy("%(actor)s replied to your post"),
    Kind.QUOTE: gettext_lazy("%(actor)s quoted your post"),
    Kind.MENTION: gettext_lazy("%(actor)s mentioned you"),
    Kind.POSTED: gettext_lazy("%(actor)s posted in a topic you are watching"),
    Kind.NEW_TOPIC: gettext_lazy(
        "%(actor)s started a topic in a category you are watching"
    ),
    Kind.SOLUTION: gettext_lazy("%(actor)s accepted your reply as the answer"),
    Kind.COMMENT_REPLY: gettext_lazy("%(actor)s replied to your comment"),
}

PAGE_TEXTS = {
    Kind.SEMINAR_DATES: gettext_lazy("A seminar you are interested in has new dates"),
    Kind.SEMINAR_MATERIALS: gettext_lazy(
        "A seminar you are interested in has new materials"
    ),
    Kind.PRACTICE: gettext_lazy("Your post is now in the practices library"),
}

MODERATION_TEXTS = {
    ("approved", "post"): gettext_lazy("A moderator approved your post."),
    ("approved", "comment"): gettext_lazy("A moderator approved your comment."),
    ("hidden", "post"): gettext_lazy("A moderator hid your post."),
    ("hidden", "comment"): gettext_lazy("A moderator hid your comment."),
    ("deleted", "post"): gettext_lazy("A moderator deleted your post."),
    ("deleted", "comment"): gettext_lazy("A moderator deleted your comment."),
    ("held", "post"): gettext_lazy("Your post is waiting for a moderator’s approval."),
    ("held", "comment"): gettext_lazy(
        "Your comment is waiting for a moderator’s approval."
    ),
}


def _actor_name(notification: Notification) -> str:
    if notification.actor is None:
        return _("A former member")
    return display_name(notification.actor)


def _likes_text(notification: Notification, comment: bool) -> str:
    likers = notification.data.get("likers") or []
    count = notification.data.get("count") or len(likers) or 1
    first = likers[0]["name"] if likers else _actor_name(notification)
    if count == 1:
        text = (
            _("%(first)s liked your comment")
            if comment
            else _("%(first)s liked your post")
        )
        return text % {"first": first}
    if count == 2 and len(likers) > 1:
        text = (
            _("%(first)s and %(second)s liked your comment")
            if comment
            else _("%(first)s and %(second)s liked your post")
        )
        return text % {"first": first, "second": likers[1]["name"]}
    others = count - 1
    if comment:
        text = ngettext(
            "%(first)s and %(others)d other liked your comment",
            "%(first)s and %(others)d others liked your comment",
            others,
        )
    else:
        text = ngettext(
            "%(first)s and %(others)d other liked your post",
            "%(first)s and %(others)d others liked your post",
            others,
        )
    return text % {"first": first, "others": others}


def describe(notification: Notification) -> str:
    """The notification's sentence in the active language (e-mails use it too)."""
    kind = notification.kind
    if kind == Kind.LIKE:
        return _likes_text(notification, comment=False)
    if kind == Kind.COMMENT_LIKE:
        return _likes_text(notification, comment=True)
    if kind == Kind.MODERATION:
        outcome = notification.data.get("outcome", "")
        if outcome == "suspended":
            return _("A moderator suspended your account.")
        target = "comment" if notification.comment_id else "post"
        text = MODERATION_TEXTS.get((outcome, target))
        return str(text) if text else _("A moderator reviewed your post.")
    if kind in PAGE_TEXTS:
        return str(PAGE_TEXTS[kind])
    text = TEXTS.get(kind)
    if text is None:
        return _("%(actor)s notified you") % {"actor": _actor_name(notification)}
    return str(text) % {"actor": _actor_name(notification)}


def subject(notification: Notification) -> str:
    """What it is about: the topic's title, the page's, or the commented page's."""
    if notification.topic_id:
        return notification.topic.title
    if notification.page_id and notification.page is not None:
        return notification.page.title
    if notification.comment_id and notification.comment is not None:
        page = notification.comment.content_object
        return getattr(page, "title", "") if page is not None else ""
    return ""


def target_url(notification: Notification) -> str:
    """Where opening the notification takes the member."""
    own_page = reverse("forum:notifications")
    if notification.kind == Kind.MODERATION:
        outcome = notification.data.get("outcome")
        if outcome == "suspended":
            return reverse("forum:profile", args=[notification.user.get_username()])
        # Readers no longer see a deleted post, nor any comment but an approved
        # one: the reason stays on the notifications page.
        if outcome == "deleted" or (notification.comment_id and outcome != "approved"):
            return own_page
    post = notification.post
    if post is not None:
        topic = notification.topic or post.topic
        return topic.get_post_url(post.number) + f"#post-{post.number}"
    comment = notification.comment
    if comment is not None:
        page = comment.content_object
        url = page.get_url() if page is not None else None
        return f"{url}#c{comment.pk}" if url else own_page
    if notification.page_id and notification.page is not None:
        anchor = "#materials" if notification.kind == Kind.SEMINAR_MATERIALS else ""
        url = notification.page.get_url()
        return f"{url}{anchor}" if url else own_page
    return own_page


def details(notification: Notification) -> str:
    """The news itself: the new dates, or the titles of the new materials."""
    data = notification.data or {}
    if notification.kind == Kind.SEMINAR_DATES and data.get("start"):
        start = date.fromisoformat(data["start"])
        end = date.fromisoformat(data.get("end") or data["start"])
        when = formats.date_format(start, "DATE_FORMAT")
        if end != start:
            when += " – " + formats.date_format(end, "DATE_FORMAT")
        return _("New dates: %(dates)s") % {"dates": when}
    if notification.kind == Kind.SEMINAR_MATERIALS:
        return ", ".join(data.get("materials") or [])
    return ""
