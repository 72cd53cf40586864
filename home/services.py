"""Writes on comments that the site makes itself (xtd posts and moderates the rest).

Posting, editing, hiding and removing a comment happen in django-comments-xtd and
django-contrib-comments (their views, the admin); search/apps.py follows those
through the comment model's signals. Likes are ours, so they are indexed and
notified here.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from forum.models import Notification
from forum.notifications import mail as notification_mail
from forum.notifications import services as notifications
from search.api import index_later

from . import selectors
from .models import SeminarInterest, SeminarPage, SeminarState
from .permissions import can_say_interest, can_take_interest_back

logger = logging.getLogger(__name__)


def comment_like_toggle(*, actor, comment: XtdComment) -> bool:
    """Like the comment, or undo the like; returns whether it is liked now.

    One "I liked it" flag per member and comment (the flag table's unique
    constraint), so a second click removes it rather than counting twice.
    """
    with transaction.atomic():
        flag, created = CommentFlag.objects.get_or_create(
            comment=comment, user=actor, flag=LIKEDIT_FLAG
        )
        if not created:
            flag.delete()
        notifications.comment_like_changed(comment=comment, actor=actor, liked=created)
        index_later("comment", comment.pk)
    return created


# Seminars ------------------------------------------------------------------------


def seminar_interest_set(*, actor, seminar: SeminarPage, interested: bool) -> None:
    """Say "I'm interested" in a seminar (every language of it), or take it
    back; saying it twice keeps one."""
    allowed = can_say_interest if interested else can_take_interest_back
    if not allowed(actor, seminar):
        raise PermissionDenied
    mine = {"user": actor, "seminar_key": seminar.translation_key}
    if interested:
        SeminarInterest.objects.get_or_create(**mine)
    else:
        SeminarInterest.objects.filter(**mine).delete()


def seminar_published(page_id: int) -> int:
    """A seminar page was published (home.seminar_published, an outbox job):
    tell its interested members what changed since they last heard, once for
    all its languages. Returns how many notifications it wrote.

    What they heard is the seminar's SeminarState: its dates and files. The
    first publish only records it. New dates make a SEMINAR_DATES
    notification; files it did not offer before, a SEMINAR_MATERIALS one.
    """
    seminar = SeminarPage.objects.live().filter(pk=page_id).first()
    if seminar is None:
        return 0
    documents = seminar.document_ids
    # Dates come from the original (the site's language, where it has a
    # version): a translation published before it is synced again still
    # carries the old ones, and must not announce them.
    dates_from = selectors.original_version(seminar)
    with transaction.atomic():
        state, created = SeminarState.objects.select_for_update().get_or_create(
            seminar_key=seminar.translation_key,
            defaults={
                "start_date": dates_from.start_date,
                "end_date": dates_from.end_date,
                "documents": documents,
            },
        )
        if created:
            return 0
        news = []
        if (state.start_date, state.end_date) != (
            dates_from.start_date,
            dates_from.end_date,
        ):
            news.append(
                (
                    Notification.Kind.SEMINAR_DATES,
                    {
                        "start": dates_from.start_date.isoformat(),
                        "end": dates_from.end_date.isoformat(),
                    },
                )
            )
        added = [pk for pk in documents if pk not in state.documents]
        if added:
            news.append((Notification.Kind.SEMINAR_MATERIALS, {"documents": added}))
        if not news:
            return 0
        state.start_date, state.end_date = dates_from.start_date, dates_from.end_date
        state.documents = sorted(set(state.documents) | set(documents))
        state.save()
        pages = _in_each_members_language(seminar)
        written = 0
        for kind, data in news:
            written += _tell(kind, data, pages, seminar)
    if written:
        logger.info("Seminar %s changed: %d notifications", page_id, written)
    return written


def _in_each_members_language(seminar: SeminarPage) -> dict[int, SeminarPage]:
    """{member id: the seminar in their language, else as published here}."""
    versions = {
        page.locale.language_code: page
        for page in SeminarPage.objects.live()
        .filter(translation_key=seminar.translation_key)
        .select_related("locale")
    }
    members = (
        get_user_model()
        .objects.filter(
            pk__in=SeminarInterest.objects.filter(
                seminar_key=seminar.translation_key
            ).values("user_id")
        )
        .select_related("profile")
    )
    return {
        member.pk: versions.get(notification_mail.language_of(member), seminar)
        for member in members
    }


def _tell(kind, data: dict, pages: dict[int, SeminarPage], seminar) -> int:
    """The notifications; new materials are named as each member's language
    version of the seminar names them (as `seminar` does, where that version
    does not offer them yet)."""
    if kind != Notification.Kind.SEMINAR_MATERIALS:
        return notifications.page_news(kind=kind, pages=pages, data=data)
    published = _material_titles(seminar)
    by_version: dict[int, dict[int, SeminarPage]] = {}
    for user_id, page in pages.items():
        by_version.setdefault(page.pk, {})[user_id] = page
    written = 0
    for members in by_version.values():
        titles = published | _material_titles(next(iter(members.values())))
        written += notifications.page_news(
            kind=kind,
            pages=members,
            data={**data, "materials": [titles[pk] for pk in data["documents"]]},
        )
    return written


def _material_titles(seminar: SeminarPage) -> dict[int, str]:
    """{document id: the title this seminar page gives it}."""
    return {
        pk: title for pk, (_document, title) in selectors.materials(seminar).items()
    }
