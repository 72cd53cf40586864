"""Notifications and watching levels in templates: the sentence, the subject and
the watch control's state."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forum import permissions
from forum.models import NotificationLevel
from forum.notifications import selectors as notification_selectors
from forum.notifications import texts as notification_texts

register = template.Library()

Level = NotificationLevel

TOPIC_HELP = {
    Level.WATCHING: _("You are notified of every new post in this topic."),
    Level.TRACKING: _(
        "You are notified when someone mentions you, quotes you or replies to you, "
        "and the topic shows its unread posts."
    ),
    Level.NORMAL: _(
        "You are notified when someone mentions you, quotes you or replies to you."
    ),
    Level.MUTED: _("You are never notified about this topic."),
}
CATEGORY_HELP = {
    Level.WATCHING: _("You are notified of every new topic and post in this category."),
    Level.TRACKING: _(
        "You are notified when someone mentions you, quotes you or replies to you, "
        "and its topics show their unread posts."
    ),
    Level.NORMAL: _(
        "You are notified when someone mentions you, quotes you or replies to you."
    ),
    Level.MUTED: _("You are never notified about topics in this category."),
}
# Strongest first, as Discourse lists them.
ORDER = [Level.WATCHING, Level.TRACKING, Level.NORMAL, Level.MUTED]


@register.simple_tag
def watch_state(user, topic=None, category=None) -> dict:
    """What the watch control shows for a topic or a category, in one query:
    the member's level, whether it is inherited, and the four choices."""
    # A variable missing from the include's context arrives as "".
    if topic:
        level = notification_selectors.topic_level(user, topic)
        texts = TOPIC_HELP
        extra = {
            "prefix": "watch-topic",
            "action": reverse("forum:topic_watch", args=[topic.pk]),
            "label": _("Notifications for this topic"),
            "inherited_note": _("(Set by your level for the category.)"),
            "allowed": permissions.can_watch_topic(user, topic),
        }
    else:
        level = notification_selectors.category_level(user, category)
        texts = CATEGORY_HELP
        extra = {
            "prefix": "watch-category",
            "action": reverse("forum:category_watch", args=[category.slug]),
            "label": _("Notifications for this category"),
            "inherited_note": _("(Set by your level for the parent category.)"),
            "allowed": permissions.can_watch_category(user, category),
        }
    return {
        **level,
        **extra,
        "help": texts[level["level"]],
        "options": [
            {"value": int(choice), "label": choice.label, "help": texts[choice]}
            for choice in ORDER
        ],
    }


@register.filter
def notification_text(notification) -> str:
    return notification_texts.describe(notification)


@register.filter
def notification_subject(notification) -> str:
    return notification_texts.subject(notification)


@register.filter
def notification_details(notification) -> str:
    return notification_texts.details(notification)
