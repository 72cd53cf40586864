"""Reads that pages share: comments under an article or seminar, counts on cards.

Each costs a fixed number of queries: one for a page's whole comment tree, and
one subquery column for the counts of a whole list of cards.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django_comments.models import CommentFlag
from django_comments_xtd.models import LIKEDIT_FLAG, XtdComment

from forum.core.markdown import existing_usernames, mentioned_usernames
from forum.core.references import parse_key
from forum.members.display import display_name
from forum.models import Topic
from forum.permissions import is_member

from .permissions import can_say_interest


@dataclass
class CommentNode:
    comment: XtdComment
    replies: list[XtdComment] = field(default_factory=list)


def visible_comments(model) -> QuerySet:
    """The comments readers see on pages of `model`: public, not removed."""
    return XtdComment.norel_objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        site_id=settings.SITE_ID,
        is_public=True,
        is_removed=False,
    )


def comment_tree(*, page, user) -> list[CommentNode]:
    """The page's comments, oldest thread first, each with its replies (two levels).

    Each comment carries `like_count` and, for a member, `liked`.
    """
    comments = (
        visible_comments(type(page))
        .filter(object_pk=str(page.pk))
        .select_related("user", "user__profile", "content_type")
        .annotate(
            like_count=Count("flags", filter=Q(flags__flag=LIKEDIT_FLAG)),
        )
        .order_by(*settings.COMMENTS_XTD_LIST_ORDER)
    )
    if is_member(user):
        comments = comments.annotate(
            liked=Exists(
                CommentFlag.objects.filter(
                    comment=OuterRef("pk"), user=user, flag=LIKEDIT_FLAG
                )
            )
        )
    threads: dict[int, CommentNode] = {}
    for comment in comments:
        if comment.level == 0:
            threads[comment.pk] = CommentNode(comment)
        elif comment.thread_id in threads:
            threads[comment.thread_id].replies.append(comment)
    return list(threads.values())


def with_comment_counts(pages: QuerySet) -> QuerySet:
    """Pages annotated with `comment_count`, in the same single query.

    Comments point at their page by a text `object_pk` (a generic relation), so
    the count is a correlated subquery on the page's id cast to text.
    """
    counts = (
        visible_comments(pages.model)
        .filter(object_pk=Cast(OuterRef("pk"), CharField()))
        .order_by()
        .values("object_pk")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return pages.annotate(comment_count=Coalesce(Subquery(counts), 0))


def comment_mentions(threads: list[CommentNode]) -> dict[str, str]:
    """Every member @mentioned in these comments, looked up in one query."""
    names: set[str] = set()
    for thread in threads:
        for comment in (thread.comment, *thread.replies):
            names |= mentioned_usernames(comment.comment)
    return existing_usernames(names)


@dataclass
class Interest:
    """A seminar's "I'm interested": how many members said it, whether this
    reader did, and whether they may say it (a member who may write)."""

    count: int
    interested: bool
    can_say: bool


def interest_of(user, seminar) -> Interest:
    """One query: the count, and whether `user` is among them."""
    interests = apps.get_model("home", "SeminarInterest").objects.filter(
        seminar_key=seminar.translation_key
    )
    mine = Q(user_id=user.pk) if is_member(user) else Q(pk__in=[])
    counts = interests.aggregate(count=Count("pk"), mine=Count("pk", filter=mine))
    return Interest(
        count=counts["count"],
        interested=bool(counts["mine"]),
        can_say=can_say_interest(user, seminar),
    )


# A seminar's discussion in the forum ---------------------------------------------

FOLLOW_UP_TOPICS = 5


@dataclass
class FollowUp:
    """What a seminar page shows of its discussion: the latest and the solved
    topics of its follow-up category or about it, their counts, where to
    start a topic, and for each material its topic or where to start one."""

    category: object
    latest: list
    solved: list
    count: int
    solved_count: int
    discuss_url: str
    materials: dict = field(default_factory=dict)  # document id -> (topic, url)


def original_version(seminar):
    """The seminar's live version in the site's language (Kazakh), the one
    translations come from, else the seminar itself."""
    if seminar.locale.language_code == settings.LANGUAGE_CODE:
        return seminar
    original = (
        apps.get_model("home", "SeminarPage")
        .objects.live()
        .filter(
            translation_key=seminar.translation_key,
            locale__language_code=settings.LANGUAGE_CODE,
        )
        .first()
    )
    return original or seminar


def original_documents(seminar) -> set[int]:
    """The files the seminar's original version offers."""
    return set(original_version(seminar).document_ids)


def block_document_id(block) -> int | None:
    """The document a materials block offers, or None (an image)."""
    if block.block_type != "document" or block.value["document"] is None:
        return None
    return block.value["document"].pk


def materials(seminar) -> dict:
    """{document id: (the document, the title this seminar page gives it)}
    of the files the seminar offers, in their order."""
    found = {}
    for block in seminar.materials:
        if block_document_id(block) is not None:
            document = block.value["document"]
            found[document.pk] = (document, block.value["title"] or document.title)
    return found


def follow_up(user, seminar) -> FollowUp:
    """In four queries, whatever the number of topics and materials."""
    category = seminar.follow_up_category
    about = Q(seminar_key=seminar.translation_key)
    if category is not None:
        about |= Q(category=category) | Q(category__parent=category)
    topics = Topic.objects.listed().readable_by(user).filter(about)
    counts = topics.aggregate(
        count=Count("pk"), solved=Count("pk", filter=Q(solution__isnull=False))
    )
    recent = topics.select_related("category").order_by("-bumped_at", "-pk")
    start = (
        reverse("forum:new_topic")
        + "?"
        + urlencode(
            {
                **({"category": category.slug} if category is not None else {}),
                "seminar": seminar.translation_key,
            }
        )
    )
    documents = seminar.document_ids
    discussed = {}
    for topic in topics.filter(
        seminar_key=seminar.translation_key, material_id__in=documents
    ).order_by("-created_at"):
        discussed[topic.material_id] = topic  # the oldest wins
    return FollowUp(
        category=category,
        latest=list(recent[:FOLLOW_UP_TOPICS]),
        solved=list(recent.filter(solution__isnull=False)[:FOLLOW_UP_TOPICS]),
        count=counts["count"],
        solved_count=counts["solved"],
        discuss_url=start,
        materials={
            pk: (discussed.get(pk), f"{start}&{urlencode({'material': pk})}")
            for pk in documents
        },
    )


# The practices library --------------------------------------------------------

PRACTICES_PER_PAGE = 10


def practice_library(index, request) -> dict:
    """The index's practices, newest first, narrowed by ?tag=<slug> and
    ?seminar=<translation key>, with the tags and seminars to narrow by: four
    queries, whatever the size of the library."""
    PracticePage = apps.get_model("home", "PracticePage")
    PracticePageTag = apps.get_model("home", "PracticePageTag")
    every = PracticePage.objects.child_of(index).live().public()
    tags = list(
        PracticePageTag.objects.filter(content_object__in=every)
        .values_list("tag__slug", "tag__name")
        .distinct()
        .order_by("tag__name")
    )
    # Each seminar once, in this library's language where it has a version.
    seminars = {}
    for seminar in (
        apps.get_model("home", "SeminarPage")
        .objects.live()
        .public()
        .filter(
            translation_key__in=every.values("seminar__translation_key"),
        )
        .order_by("-start_date")
    ):
        if (
            seminar.translation_key not in seminars
            or seminar.locale_id == index.locale_id
        ):
            seminars[seminar.translation_key] = seminar
    tag = request.GET.get("tag") or None
    seminar = seminars.get(parse_key(request.GET.get("seminar")))
    chosen = every
    if tag is not None:
        chosen = chosen.filter(tags__slug=tag)
    if seminar is not None:
        chosen = chosen.filter(seminar__translation_key=seminar.translation_key)
    chosen = chosen.order_by("-first_published_at", "-pk").prefetch_related("tags")
    return {
        "practices": Paginator(chosen, PRACTICES_PER_PAGE).get_page(
            request.GET.get("page")
        ),
        "tags": [{"slug": slug, "name": name} for slug, name in tags],
        "tag": tag,
        "seminars": list(seminars.values()),
        "seminar": seminar,
        # The filters, for the page links.
        "filters": urlencode(
            {
                key: value
                for key, value in (
                    ("tag", tag),
                    ("seminar", seminar and seminar.translation_key),
                )
                if value
            }
        ),
    }


@dataclass
class Credit:
    name: str
    url: str
    role: str


def practice_credits(page) -> list[Credit]:
    """Who the practice credits, each linked to their forum profile."""
    return [
        Credit(
            name=display_name(author.user),
            url=reverse("forum:profile", args=[author.user.get_username()]),
            role=author.get_role_display(),
        )
        for author in page.authors.select_related("user__profile")
    ]


def free_slug(text: str, taken, *, length: int, fallback: str) -> str:
    """`text` as a slug of at most `length` characters that no row of the
    queryset `taken` has: "seminar", "seminar-2", …"""
    base = slugify(text)[:length] or fallback
    slug, n = base, 1
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
