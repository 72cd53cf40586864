"""A seminar opens its own discussion in the forum (SeminarPage.open_discussion).

Publishing a seminar that asks for it and has no follow-up category yet
creates one, named after the seminar in each language it has (the others take
the published page's title until they are translated), with a pinned
"Questions after the seminar" topic about it, written in the seminar's
language by the editor who published it. A draft opens nothing: an
unpublished seminar's title stays out of the forum. The category is set on
the rows of every version of the seminar at once, under a lock, so its
translations share it; SeminarPage.with_content_json keeps it when a revision
saved before it is published.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from forum.core.languages import LANGUAGE_CODES
from forum.discussions import services as forum
from forum.models import Category
from forum.permissions import can_change_topic_state, is_member

from .models import SeminarPage
from .selectors import free_slug

logger = logging.getLogger(__name__)


def open_on_publish(sender, instance, revision=None, **kwargs):
    """page_published: a seminar that asks for a category and has none."""
    if not isinstance(instance, SeminarPage):
        return
    if not instance.open_discussion or instance.follow_up_category_id is not None:
        return
    with transaction.atomic():
        versions = SeminarPage.objects.select_for_update().filter(
            translation_key=instance.translation_key
        )
        list(versions)  # the lock: one category, however many publish at once
        category = open_for(instance, revision.user if revision else None)
        versions.update(follow_up_category=category)
    instance.follow_up_category = category


def open_for(seminar, user) -> Category:
    """The seminar's follow-up category: its translations', or a new one."""
    shared = (
        SeminarPage.objects.filter(translation_key=seminar.translation_key)
        .exclude(pk=seminar.pk)
        .filter(follow_up_category__isnull=False)
        .values_list("follow_up_category", flat=True)
        .first()
    )
    if shared is not None:
        return Category.objects.get(pk=shared)
    titles = {
        page.locale.language_code: page.title
        for page in seminar.get_translations().select_related("locale")
    }
    titles[seminar.locale.language_code] = seminar.title
    category = Category.objects.create(
        slug=free_slug(seminar.slug, Category.objects, length=70, fallback="seminar"),
        **{
            f"name_{code}": titles.get(code, seminar.title)[:100]
            for code in LANGUAGE_CODES
        },
    )
    logger.info("Seminar %s opened forum category %s", seminar.pk, category.slug)
    if is_member(user):
        _questions_topic(seminar, category, user)
    return category


def _questions_topic(seminar, category, user) -> None:
    """The pinned topic where members ask what they still want to know."""
    language = seminar.locale.language_code
    with translation.override(language):
        title = _("Questions after the seminar “%(title)s”") % {"title": seminar.title}
        raw = _(
            "Ask here what you still want to know after the seminar: about its "
            "sessions, its materials or how to apply them in your press service."
        )
    try:
        topic = forum.topic_create(
            actor=user,
            category=category,
            title=title[:200],
            raw=raw,
            language=language,
            seminar_key=seminar.translation_key,
        )
        if can_change_topic_state(user, topic):
            forum.topic_set_state(actor=user, topic=topic, pinned=True)
    except (PermissionDenied, ValidationError) as error:
        logger.warning("No questions topic for seminar %s: %s", seminar.pk, error)
