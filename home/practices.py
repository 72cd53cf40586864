"""The practices library's writes: a solved topic proposed as a draft
practice, and what follows a practice's publishing.

A moderator or an editor proposes a solved, public topic from its page
("Propose for the library"). That creates a draft PracticePage under the
library of the topic's language, pre-filled from the question and the
accepted answer (the posts' rendered Markdown, cleaned down to the rich text
the editor edits), crediting their authors, and submits it to the "Practice
review" workflow. Publishing it (after review, in any language) marks the
topic as in the library and tells the credited members, once, in their
language; unpublishing every version takes the mark away again.
"""

import logging

import nh3
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import (
    GroupApprovalTask,
    Locale,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

import pagecache
from forum import permissions as forum_permissions
from forum.models import Notification, Topic
from forum.notifications import mail as notification_mail
from forum.notifications import services as notifications

from .models import PracticeAuthor, PracticeIndexPage, PracticePage, SeminarPage
from .selectors import free_slug

logger = logging.getLogger(__name__)

WORKFLOW_NAME = "Practice review"
TASK_NAME = "Approve a practice"
REVIEWERS = ("Moderators", "Editors")

# What the rich text editor keeps of a post: text structure and links.
RICH_TEXT_TAGS = {
    "p", "br", "h2", "h3", "h4", "b", "strong", "i", "em", "ul", "ol", "li",
    "a", "blockquote", "code", "hr",
}  # fmt: skip


def rich_text(cooked: str) -> str:
    """A post's rendered HTML as rich text: no image, no script, no class,
    links kept (http, https, mailto and the site's own paths)."""
    return nh3.clean(
        cooked,
        tags=RICH_TEXT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )


class NotProposable(PermissionDenied):
    """Why a topic cannot become a practice, in words for the member."""


def propose(*, actor, topic: Topic) -> PracticePage:
    """The draft practice for a solved topic, in review; the existing one
    when the topic was proposed before (two clicks make one draft). What no
    one may propose is refused saying why (NotProposable)."""
    if not forum_permissions.is_public_category(topic.category):
        raise NotProposable(
            _(
                "This topic is in a members-only category, and the practices "
                "library is public: move the topic to a public category first, "
                "if its authors agree."
            )
        )
    if not topic.solution_id:
        raise NotProposable(
            _("Only a solved topic, with an accepted answer, can be proposed.")
        )
    if not forum_permissions.can_propose_practice(actor, topic):
        raise PermissionDenied
    index = _library_for(topic.language)
    with transaction.atomic():
        # The topic's row is the lock: one proposal at a time per topic.
        Topic.objects.select_for_update().filter(pk=topic.pk).first()
        existing = PracticePage.objects.filter(source_topic=topic).first()
        if existing is not None:
            return existing
        question = topic.posts.get(number=1)
        answer = topic.solution
        public = forum_permissions.is_public_post
        if not (public(question) and public(answer)):
            raise NotProposable(
                _(
                    "The question or its answer is hidden, deleted or waiting "
                    "for a moderator."
                )
            )
        page = PracticePage(
            title=topic.title,
            slug=free_slug(
                topic.slug or topic.title,
                index.get_children(),
                length=60,
                fallback="practice",
            ),
            locale=index.locale,
            problem=rich_text(question.cooked),
            answer=rich_text(answer.cooked),
            source_topic=topic,
            seminar=_seminar_in(index.locale, topic.seminar_key),
            material_id=topic.material_id,
            live=False,
            owner=actor,
        )
        for post, role in (
            (question, PracticeAuthor.Role.QUESTION),
            (answer, PracticeAuthor.Role.ANSWER),
        ):
            if post.author_id is not None:  # a former member is not credited
                page.authors.add(PracticeAuthor(user_id=post.author_id, role=role))
        index.add_child(instance=page)
        page.save_revision(user=actor, log_action=True)
        review_workflow().start(page, actor)
    logger.info("Topic %s proposed as practice %s by %s", topic.pk, page.pk, actor.pk)
    return page


def _library_for(language: str) -> PracticeIndexPage:
    libraries = PracticeIndexPage.objects.select_related("locale")
    found = libraries.filter(locale__language_code=language).first()
    found = (
        found or libraries.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    )
    found = found or libraries.first()
    if found is None:
        raise NotProposable(_("The site has no practices library page yet."))
    return found


def _seminar_in(locale: Locale, seminar_key) -> SeminarPage | None:
    if seminar_key is None:
        return None
    versions = SeminarPage.objects.live().filter(translation_key=seminar_key)
    return versions.filter(locale=locale).first() or versions.first()


def review_workflow() -> Workflow:
    """The "Practice review" workflow: one approval by a moderator or an
    editor. Made on first use and set on every practices library."""
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        approval = GroupApprovalTask.objects.create(name=TASK_NAME)
        approval.groups.set(Group.objects.filter(name__in=REVIEWERS))
        WorkflowTask.objects.create(workflow=workflow, task=approval, sort_order=0)
    for index in PracticeIndexPage.objects.all():
        WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
    return workflow


# After publishing ----------------------------------------------------------------


@transaction.atomic
def practice_changed(topic_id: int) -> int:
    """A practice of this topic was published, unpublished or deleted
    (home.practice_changed, an outbox job): the topic is in the library while
    a practice of it is live, and the credited members hear of it once.
    Returns the notifications written."""
    topic = Topic.objects.select_for_update().filter(pk=topic_id).first()
    if topic is None:
        return 0
    versions = PracticePage.objects.filter(source_topic=topic)
    live = {p.locale.language_code: p for p in versions.live().select_related("locale")}
    if topic.in_library != bool(live):
        Topic.objects.filter(pk=topic.pk).update(in_library=bool(live))
        pagecache.changed()  # the thread's note, outside any request
    if not live:
        return 0
    told = set(
        Notification.objects.filter(
            kind=Notification.Kind.PRACTICE, page__in=versions
        ).values_list("user_id", flat=True)
    )
    members = {
        author.user
        for author in PracticeAuthor.objects.filter(page__in=versions).select_related(
            "user__profile"
        )
        if author.user_id not in told
    }
    pages = {
        member.pk: live.get(notification_mail.language_of(member))
        or next(iter(live.values()))
        for member in members
    }
    written = notifications.page_news(
        kind=Notification.Kind.PRACTICE, pages=pages, data={}
    )
    if written:
        logger.info("Practice of topic %s: %d authors told", topic_id, written)
    return written
