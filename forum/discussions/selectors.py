"""Reads that views share, built so a page costs a fixed number of queries.

Lists read the topics' own columns and the reader's read marker in one query;
what their rows show beyond that (category, tags, people) comes with each
row's cached HTML (forum/discussions/rows.py) or from `topic_row_details` in
three queries, whatever the page size.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import product

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone
from django.utils.http import urlencode

import pagecache
from forum import permissions
from forum.core import keyset, roles
from forum.core.markdown import existing_usernames, mentioned_usernames
from forum.core.params import MAX_ID
from forum.core.prepared import Prepared
from forum.discussions.models import readable_post
from forum.models import (
    Bookmark,
    Category,
    CategoryWatch,
    Draft,
    Flag,
    Post,
    PostLike,
    ReviewItem,
    Suspension,
    Tag,
    Topic,
    TopicReadState,
    TopicWatch,
)

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20
NEW_TOPIC_DAYS = 14
TOP_PERIODS = {"day": 1, "week": 7, "month": 30, "year": 365, "all": None}
LIST_VIEWS = ("latest", "top", "unread", "new")
LIST_ORDER = {
    "latest": ["-is_pinned", "-bumped_at", "-pk"],
    "top": ["-like_count", "-post_count", "-view_count", "-pk"],
    "unread": ["-bumped_at", "-pk"],
    "new": ["-created_at", "-pk"],
}


@dataclass
class TopicList:
    view: str
    page: keyset.KeysetPage
    category: Category | None = None
    tag: Tag | None = None
    period: str = "all"
    # The seminar the list is narrowed to (forum.core.references.Reference).
    seminar: object = None

    @property
    def filters(self) -> str:
        """The list's filters as a query string, "" or ending in "&", for
        the links to its next page."""
        values = {}
        if self.period != "all":
            values["period"] = self.period
        if self.seminar is not None:
            values["seminar"] = self.seminar.seminar_key
        return urlencode(values) + "&" if values else ""


def _topics(user):
    """Listed topics the reader may read, with only their own columns (a
    row's category, tags and people come with its cached HTML, see
    forum/discussions/rows.py, or from topic_row_details) and, for a member,
    how far they have read."""
    topics = Topic.objects.listed().readable_by(user)
    if permissions.is_member(user):
        topics = topics.annotate(
            last_read=Subquery(
                TopicReadState.objects.filter(topic=OuterRef("pk"), user=user).values(
                    "last_read_post_number"
                )[:1]
            )
        )
    return topics


def new_since():
    return timezone.now() - timedelta(days=NEW_TOPIC_DAYS)


def _unread(topics, user):
    return topics.filter(
        read_states__user=user,
        read_states__last_read_post_number__lt=F("highest_post_number"),
    )


def _new(topics, user):
    return topics.filter(created_at__gte=new_since()).exclude(read_states__user=user)


def topic_list(
    *,
    user,
    view: str = "latest",
    category: Category | None = None,
    tag: Tag | None = None,
    period: str = "all",
    after: str | None = None,
    per_page: int | None = None,
    seminar=None,
) -> TopicList:
    """A page of topics after the cursor `after` (forum.core.keyset): the
    same cost on every page, and no count. `seminar` (a Reference) keeps the
    topics that discuss it."""
    per_page = per_page or TOPICS_PER_PAGE
    if (
        view == "latest"
        and after is None
        and tag is None
        and seminar is None
        and per_page == TOPICS_PER_PAGE
    ):
        # The first page of the latest topics, and of a category's: most
        # list views, from SQL compiled once (forum.core.prepared).
        member = permissions.is_member(user)
        values = [user.pk] if member else []
        if category is not None:
            values.append(category.pk)
        prepared = _LATEST_FIRST_PAGE[member, category is not None]
        page = keyset.first_page(prepared(*values), Topic, LIST_ORDER[view], per_page)
        return _topic_list(page, view=view, category=category, period=period)
    topics = _topics(user)
    if seminar is not None:
        topics = topics.filter(seminar_key=seminar.seminar_key)
    if category is not None:
        topics = topics.filter(_in_category(category.pk))
    if tag is not None:
        topics = topics.filter(tags=tag)
    if view in ("unread", "new") and not permissions.is_member(user):
        topics = topics.none()
    elif view == "unread":
        topics = _unread(topics, user)
    elif view == "new":
        topics = _new(topics, user)
    elif view == "top" and (days := TOP_PERIODS.get(period)):
        topics = topics.filter(created_at__gte=timezone.now() - timedelta(days=days))
    page = keyset.page(topics, LIST_ORDER[view], after, per_page)
    return _topic_list(
        page, view=view, category=category, tag=tag, period=period, seminar=seminar
    )


def _topic_list(page, **list_fields) -> TopicList:
    for topic in page.object_list:
        last_read = getattr(topic, "last_read", None)
        unread = topic.highest_post_number - last_read if last_read is not None else 0
        topic.unread_count = max(unread, 0)
    return TopicList(page=page, **list_fields)


def _in_category(category_id) -> Q:
    """Topics of the category and of its subcategories."""
    return Q(category_id=category_id) | Q(category__parent_id=category_id)


def _latest_first_page(member: bool, in_category: bool) -> Prepared:
    """The first page of the latest topics (of a category's if `in_category`)
    as a member (whose id comes first) or a visitor sees it."""

    def build(*values):
        values = list(values)
        # A member is all _topics asks of its reader, and its key.
        user = get_user_model()(pk=values.pop(0)) if member else AnonymousUser()
        topics = _topics(user)
        if in_category:
            topics = topics.filter(_in_category(values.pop(0)))
        return topics.order_by(*LIST_ORDER["latest"])[: TOPICS_PER_PAGE + 1]

    return Prepared(build, arity=int(member) + int(in_category))


_LATEST_FIRST_PAGE = {
    (member, in_category): _latest_first_page(member, in_category)
    for member in (False, True)
    for in_category in (False, True)
}


def topic_row_details(topics) -> None:
    """Load what a topic's row shows beyond the topic's own columns, for all
    of `topics` in three queries: `category` (with its parent), `tags`, and
    `participants` (users, newest poster first)."""
    categories = Category.objects.select_related("parent").in_bulk(
        {topic.category_id for topic in topics}
    )
    prefetch_related_objects(topics, "tags")
    ids = {pk for topic in topics for pk in topic.participant_ids}
    people = get_user_model().objects.select_related("profile").in_bulk(ids)
    for topic in topics:
        topic.category = categories[topic.category_id]
        shown = [pk for pk in topic.participant_ids if pk in people]
        topic.participants = [people[pk] for pk in shown]


# A member's unread and new counts (two COUNTs that grow with how much they
# have read) are cached until anyone writes anything (a new page cache
# generation: pagecache.changed runs after every write request) or the member
# reads a topic (forget_counts), and for COUNTS_SECONDS at most: topics age
# out of "new" by the clock, and writes outside requests show that late.
COUNTS_SECONDS = 60


def _counts_key(user) -> str:
    return f"forum:list-counts:{user.pk}:{pagecache.generation()}"


def unread_and_new_counts(user) -> dict[str, int]:
    if not permissions.is_member(user):
        return {"unread": 0, "new": 0}
    key = _counts_key(user)
    counts = cache.get(key)
    if counts is None:
        topics = Topic.objects.listed().readable_by(user)
        counts = {
            "unread": _unread(topics, user).count(),
            "new": _new(topics, user).count(),
        }
        cache.set(key, counts, COUNTS_SECONDS)
    return counts


def forget_counts(user) -> None:
    """The member's unread and new counts changed (they read a topic)."""
    cache.delete(_counts_key(user))
    pagecache.members_changed(user.pk)  # their lists show what they read


def categories_for(user):
    """Top-level categories, each with `visible_subcategories`, as the reader
    may see them: one query for the whole (small) tree."""
    readable = list(Category.objects.readable_by(user))
    tops = [category for category in readable if category.parent_id is None]
    for top in tops:
        top.visible_subcategories = [
            category for category in readable if category.parent_id == top.pk
        ]
    return tops


def category_by_slug(user, slug: str) -> Category:
    category = Category.objects.select_related("parent").filter(slug=slug).first()
    if category is None or not permissions.can_see_category(user, category):
        raise Http404
    return category


def topic_for_reader(user, topic_id: int) -> Topic:
    """The topic, or 404 when it does not exist or the reader may not see it.

    Members-only topics answer 404 to visitors too: nothing of them leaks, not
    even whether they exist.
    """
    found = _TOPIC_BY_PK(topic_id) if 0 < topic_id <= MAX_ID else []
    if not found or not permissions.can_see_topic(user, found[0]):
        raise Http404
    return found[0]


def topic_for_page(user, topic_id: int) -> Topic:
    """topic_for_reader, with what the topic page shows of the member:
    `reader_last_read` (how far they have read, None if they never opened
    it; None for visitors too) and `reader_visited_at` (when they last opened
    it), the watch levels `watch_own`,
    `watch_category` and `watch_parent` (see
    forum.notifications.selectors.topic_level) and the saved reply
    `reader_draft_raw` and `reader_draft_data`. As they were before the
    page's own writes: a view that changes them must not use this."""
    topic = topic_for_reader(user, topic_id)
    if permissions.is_member(user):
        _attach_reader_state(user, topic)
    return topic


# Seven single values by key: as ORM subqueries they cost Django about five
# milliseconds to compile on every topic page, as plain SQL (which PostgreSQL
# and SQLite both run) a tenth of one.
_READER_STATE_SQL = """
SELECT
  (SELECT last_read_post_number FROM {read} WHERE topic_id = %s AND user_id = %s),
  (SELECT last_visited_at FROM {read} WHERE topic_id = %s AND user_id = %s),
  (SELECT level FROM {topic_watch} WHERE topic_id = %s AND user_id = %s),
  (SELECT level FROM {category_watch} WHERE category_id = %s AND user_id = %s),
  (SELECT level FROM {category_watch} WHERE category_id = %s AND user_id = %s),
  (SELECT raw FROM {draft} WHERE {key} = %s AND user_id = %s),
  (SELECT data FROM {draft} WHERE {key} = %s AND user_id = %s)
"""


def _attach_reader_state(user, topic: Topic) -> None:
    quote = connection.ops.quote_name
    sql = _READER_STATE_SQL.format(
        read=quote(TopicReadState._meta.db_table),
        topic_watch=quote(TopicWatch._meta.db_table),
        category_watch=quote(CategoryWatch._meta.db_table),
        draft=quote(Draft._meta.db_table),
        key=quote("key"),
    )
    draft_key = Draft.key_for_id(topic.pk)
    params = [
        *(topic.pk, user.pk),
        *(topic.pk, user.pk),
        *(topic.pk, user.pk),
        *(topic.category_id, user.pk),
        *(topic.category.parent_id, user.pk),
        *(draft_key, user.pk),
        *(draft_key, user.pk),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    (
        topic.reader_last_read,
        visited_at,
        topic.watch_own,
        topic.watch_category,
        topic.watch_parent,
        topic.reader_draft_raw,
        data,
    ) = row
    field = Draft._meta.get_field("data")
    topic.reader_draft_data = field.from_db_value(data, None, connection)
    topic.reader_visited_at = _datetime_from_db(visited_at)


def _datetime_from_db(value):
    """A timestamp from plain SQL as the ORM would give it: SQLite answers
    text, PostgreSQL an aware datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return connection.ops.convert_datetimefield_value(
        value, TopicReadState._meta.get_field("last_visited_at"), connection
    )


# The topic page's two main queries are compiled once per process
# (forum.core.prepared): Django compiling them cost more than running them.
# One row by its key, with no ORDER BY.
_TOPIC_BY_PK = Prepared(
    lambda pk: (
        Topic.objects.select_related(
            "category", "category__parent", "solution", "solution__author__profile"
        )
        .filter(pk=pk)
        .order_by()[:1]
    )
)


def _posts_query(*, see_deleted: bool, moderate: bool, author_id=None):
    """A topic's posts as a reader sees them: deleted ones if `see_deleted`,
    every held one if `moderate`, else only those by `author_id` (a member
    sees their own), none for a visitor."""
    # No author, profile or replied-to post: the posts' cached fragments show
    # those (forum/discussions/fragments.py loads them for the ones missing).
    posts = Post.objects.defer("raw").order_by("number")
    if not see_deleted:
        posts = posts.filter(deleted_at__isnull=True)
    if not moderate:
        # Hidden posts stay in place, their text replaced: see `_with_abilities`.
        mine = Q(author_id=author_id) if author_id is not None else Q(pk__in=[])
        posts = posts.filter(Q(awaiting_approval=False) | mine)
    return posts


def _reader_facts(user, topic: Topic) -> tuple[bool, bool, int | None]:
    """What `_posts_query` asks of the reader: see_deleted, moderate, and the
    author of the held posts they see besides (a member who does not
    moderate: themselves)."""
    moderate = permissions.can_moderate(user, topic.category)
    own = user.pk if permissions.is_member(user) and not moderate else None
    return permissions.can_see_deleted_posts(user, topic), moderate, own


def _posts(user, topic: Topic):
    see_deleted, moderate, own = _reader_facts(user, topic)
    return _posts_query(
        see_deleted=see_deleted, moderate=moderate, author_id=own
    ).filter(topic=topic)


def _page_query(see_deleted: bool, moderate: bool, by_author: bool) -> Prepared:
    """Posts numbered (first, last] of a topic, as `_posts_query` gives them;
    with the author of the held posts shown as a fourth value if
    `by_author`."""

    def build(topic_id, first, last, *author):
        return _posts_query(
            see_deleted=see_deleted,
            moderate=moderate,
            author_id=author[0] if author else None,
        ).filter(topic_id=topic_id, number__gt=first, number__lte=last)

    return Prepared(build, arity=4 if by_author else 3)


_PAGE_QUERIES = {
    (see_deleted, moderate, by_author): _page_query(see_deleted, moderate, by_author)
    for see_deleted, moderate, by_author in product((False, True), repeat=3)
    if not (moderate and by_author)
}


@dataclass
class PostsPage:
    """Page `number` of a topic: posts (number - 1) * per_page + 1 to
    number * per_page, those the reader may see.

    Pages are ranges of post numbers, as Discourse's are: which posts a page
    holds and how many pages there are come from the topic's
    highest_post_number, with no COUNT(*) and no OFFSET. A page whose posts
    were all deleted is shown empty rather than shifting every later page.
    """

    number: int
    last_page: int
    object_list: list

    def has_next(self) -> bool:
        return self.number < self.last_page

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def topic_posts(
    *, user, topic: Topic, page_number=1, per_page: int = POSTS_PER_PAGE
) -> PostsPage:
    """The page `page_number` of the topic; a number that is not a page is the
    first page, one past the end the last."""
    last_page = max(math.ceil(topic.highest_post_number / per_page), 1)
    try:
        number = min(max(int(page_number), 1), last_page)
    except (TypeError, ValueError):
        number = 1
    see_deleted, moderate, own = _reader_facts(user, topic)
    values = [topic.pk, (number - 1) * per_page, number * per_page]
    if own is not None:
        values.append(own)
    posts = _PAGE_QUERIES[see_deleted, moderate, own is not None](*values)
    return PostsPage(
        number=number,
        last_page=last_page,
        object_list=_with_abilities(user, topic, posts),
    )


def _with_abilities(user, topic: Topic, posts) -> list[Post]:
    """Set `post.can`: what the reader may do with each post, from
    forum.permissions (the template shows only those controls), and for a
    member `post.liked` and `post.bookmarked`. The reader's own facts are
    cached and the topic is shared: no query per post."""
    posts = list(posts)
    user = roles.resolved(user)
    member = permissions.is_member(user)
    liked, bookmarked = _marks(user, posts) if member and posts else (set(), set())
    for post in posts:
        post.topic = topic
    abilities = permissions.page_post_abilities(user, posts)
    for post, can in zip(posts, abilities, strict=True):
        post.can = can
        post.liked = post.pk in liked
        post.bookmarked = post.pk in bookmarked
    return posts


# Which of a page's posts the member liked and bookmarked, in one round trip of
# plain SQL: as two Exists() annotations on the posts' query they cost Django
# more to compile than the query costs to run.
_MARKS_SQL = """
SELECT post_id, 1 FROM {likes} WHERE user_id = %s AND post_id IN ({ids})
UNION ALL
SELECT post_id, 2 FROM {bookmarks} WHERE user_id = %s AND post_id IN ({ids})
"""


def _marks(user, posts) -> tuple[set[int], set[int]]:
    ids = [post.pk for post in posts]
    sql = _MARKS_SQL.format(
        likes=connection.ops.quote_name(PostLike._meta.db_table),
        bookmarks=connection.ops.quote_name(Bookmark._meta.db_table),
        ids=", ".join(["%s"] * len(ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, *ids, user.pk, *ids])
        rows = cursor.fetchall()
    return (
        {post_id for post_id, kind in rows if kind == 1},
        {post_id for post_id, kind in rows if kind == 2},
    )


def page_of_post(number: int, per_page: int = POSTS_PER_PAGE) -> int:
    """Which page of a topic shows post `number` (see PostsPage)."""
    return (number - 1) // per_page + 1


def post_in_topic(user, topic: Topic, number: int) -> Post:
    post = _posts(user, topic).filter(number=number).first()
    if post is None:
        raise Http404
    return _with_abilities(user, topic, [post])[0]


def post_for_writer(user, post_id: int) -> Post:
    """A post an action is about, with what the permission checks read."""
    post = (
        Post.objects.select_related(
            "topic", "topic__category", "topic__category__parent"
        )
        .filter(pk=post_id)
        .first()
    )
    if post is None or not permissions.can_see_topic(user, post.topic):
        raise Http404
    return post


def bookmarks_for(user, page_number=1) -> Page:
    bookmarks = (
        # Held and hidden posts, and held topics, only when they are the
        # member's own: a bookmark must not become a way to read them.
        Bookmark.objects.filter(readable_post(user, "post__"), user=user)
        .select_related(
            "post", "post__topic", "post__topic__category", "post__author__profile"
        )
        .order_by("-created_at")
    )
    return Paginator(bookmarks, TOPICS_PER_PAGE).get_page(page_number)


def suggested_tags():
    return Tag.objects.filter(is_suggested=True).order_by("name")


def mention_candidates(user, prefix: str, limit: int = 8):
    User = get_user_model()
    prefix = prefix.strip().lstrip("@")
    if not prefix or not permissions.is_member(user):
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(username__istartswith=prefix)
            | Q(profile__display_name__istartswith=prefix)
            | Q(first_name__istartswith=prefix)
        )
        .select_related("profile")
        .order_by("username")[:limit]
    )


# Moderation ---------------------------------------------------------------------

REVIEW_ITEMS_PER_PAGE = 30


def _reviewable(user):
    """Pending items `user` may decide: global moderators all, category
    moderators their categories' posts (never comments, which no category covers)."""
    items = ReviewItem.objects.filter(status=ReviewItem.Status.PENDING)
    if permissions.is_global_moderator(user):
        return items
    ids = permissions.moderated_category_ids(user)
    return items.filter(
        Q(post__topic__category__in=ids) | Q(post__topic__category__parent__in=ids)
    )


def review_pending_count(user) -> int:
    if not permissions.can_review(user):
        return 0
    return _reviewable(user).count()


def review_queue(*, user, page_number=1, per_page: int = REVIEW_ITEMS_PER_PAGE) -> Page:
    """Pending items, oldest first, each with its target, author and flags.

    Comments point at their page through a generic relation: the pages of a
    whole page of items are fetched with one query per commentable model.
    """
    items = (
        _reviewable(user)
        .select_related(
            "post",
            "post__author__profile",
            "post__topic",
            "post__topic__category",
            "post__topic__category__parent",
            "comment",
            "comment__user__profile",
        )
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.select_related("user__profile").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("created_at", "pk")
    )
    page = Paginator(items, per_page).get_page(page_number)
    page.object_list = list(page.object_list)
    comments = [item.comment for item in page.object_list if item.comment]
    _attach_comment_pages(comments)
    # Every @mention in those comments, looked up at once for the renderer.
    names = set()
    for comment in comments:
        names |= mentioned_usernames(comment.comment)
    page.comment_mentions = existing_usernames(names) if names else {}
    return page


def _attach_comment_pages(comments):
    by_type = {}
    for comment in comments:
        by_type.setdefault(comment.content_type_id, []).append(comment)
    for type_id, group in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        pages = model.objects.filter(pk__in={c.object_pk for c in group}).in_bulk()
        for comment in group:
            comment.page = pages.get(int(comment.object_pk))


def active_suspensions(limit: int = 100):
    return list(
        Suspension.objects.active()
        .select_related("user", "created_by")
        .order_by("ends_at", "pk")[:limit]
    )
