"""Categories, tags, topics, posts, and what members do with them.

Counters (posts, likes, views, last post) are stored on topics and
categories so that lists cost a fixed number of queries;
forum/discussions/counters.py changes them with F() expressions and
`manage.py forum_repair` recomputes them from scratch.

What a topic's or a post's state means is said once, here, by the querysets
(for rows in the database) and the `is_*` properties beside them (for a row in
hand); tests/forum/test_querysets.py holds the two to the same answer:

    counted      in the counters: not deleted, not waiting for a moderator
                 (a post also needs its topic counted)
    listed       in lists: counted, not unlisted, and for a post not hidden
    searchable   in the search index: listed (a reply; a first post is
                 searched as its topic)
    readable_by  what a reader may open from a list: in a category they read,
                 not deleted, and out in the open unless it is their own

A post's topic keeps counters of its own with one more rule (a deleted first
post still counts there: `counted_in_topic`), so that restoring a topic puts
its numbers back. Moderators read more than `readable_by` gives (deleted and
held posts, in place on the topic page); forum.permissions says so.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.core.languages import LANGUAGE_CHOICES, localized
from forum.core.reversing import reverse
from forum.core.roles import is_member


def in_readable_category(user, prefix: str = "") -> Q:
    """A Q for rows whose category (at the field path `prefix`) `user` reads:
    every category for a member; for a visitor a public one whose parent, if
    any, is public too."""
    if is_member(user):
        return Q()
    public = Category.Visibility.PUBLIC
    return Q(**{f"{prefix}visibility": public}) & (
        Q(**{f"{prefix}parent__isnull": True})
        | Q(**{f"{prefix}parent__visibility": public})
    )


def readable_post(user, prefix: str = "") -> Q:
    """`Post.objects.readable_by(user)` as a Q on the field path `prefix`, for
    rows that point at posts (a bookmark filters on "post__")."""
    in_the_open = Q(
        **{
            f"{prefix}awaiting_approval": False,
            f"{prefix}hidden_at__isnull": True,
            f"{prefix}topic__awaiting_approval": False,
        }
    )
    if is_member(user):
        in_the_open |= Q(**{f"{prefix}author": user})
    return (
        in_the_open
        & in_readable_category(user, f"{prefix}topic__category__")
        & Q(
            **{
                f"{prefix}deleted_at__isnull": True,
                f"{prefix}topic__deleted_at__isnull": True,
            }
        )
    )


class CategoryQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Category.Visibility.PUBLIC)

    def readable_by(self, user):
        return self.filter(in_readable_category(user))


class Category(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members only")

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subcategories",
        limit_choices_to={"parent__isnull": True},
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#00607a",
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #00607a."))
        ],
    )
    position = models.PositiveIntegerField(_("sort order"), default=0)
    visibility = models.CharField(
        _("who can read"), max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        blank=True,
        related_name="moderated_categories",
    )
    topic_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_post = models.ForeignKey(
        "Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forum:category", args=[self.slug])

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(
                {"parent": _("Subcategories cannot have subcategories of their own.")}
            )


class Tag(models.Model):
    """A free tag; staff mark some as suggested so the composer offers them."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    is_suggested = models.BooleanField(_("suggested"), default=False)
    topic_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forum:tag", args=[self.name])


class TopicQuerySet(models.QuerySet):
    """Topic states (the module docstring defines them)."""

    def counted(self):
        return self.filter(deleted_at__isnull=True, awaiting_approval=False)

    def listed(self):
        return self.counted().filter(is_visible=True)

    def searchable(self):
        return self.listed()

    def readable_by(self, user):
        own = Q(author=user) if is_member(user) else Q(pk__in=[])
        return self.filter(
            Q(awaiting_approval=False) | own,
            in_readable_category(user, "category__"),
            deleted_at__isnull=True,
        )


class PostQuerySet(models.QuerySet):
    """Post states (the module docstring defines them)."""

    def counted_in_topic(self):
        return self.filter(
            Q(deleted_at__isnull=True, awaiting_approval=False) | Q(number=1)
        )

    def counted(self):
        return self.filter(
            deleted_at__isnull=True,
            awaiting_approval=False,
            topic__deleted_at__isnull=True,
            topic__awaiting_approval=False,
        )

    def listed(self):
        return self.counted().filter(hidden_at__isnull=True, topic__is_visible=True)

    def searchable(self):
        return self.listed().filter(number__gt=1)

    def readable_by(self, user):
        return self.filter(readable_post(user))


class Topic(models.Model):
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="topics",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="topics",
    )
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES, default="kk")
    tags = models.ManyToManyField(Tag, blank=True, related_name="topics")
    created_at = models.DateTimeField(default=timezone.now)
    # Last activity: the newest visible post, which moves the topic up the lists.
    bumped_at = models.DateTimeField(default=timezone.now)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Visible posts, the first one included; replies are post_count - 1.
    post_count = models.PositiveIntegerField(default=0)
    # Post numbers never repeat, even after deletions.
    highest_post_number = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    # The five most recent distinct posters, newest first, for list avatars.
    participant_ids = models.JSONField(default=list, blank=True)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_closed = models.BooleanField(_("closed"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    is_visible = models.BooleanField(_("listed"), default=True)
    # A topic whose first post waits for a moderator: only its author and
    # moderators see it, and it counts nowhere until it is approved.
    awaiting_approval = models.BooleanField(default=False, db_default=False)
    solution = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    # What the topic discusses on the CMS side: a seminar (its pages'
    # translation key) and perhaps one of its materials (a document id). The
    # forum stores them only; conf.FORUM_SEMINAR_REFERENCE says what they are.
    seminar_key = models.UUIDField(null=True, blank=True, db_index=True)
    material_id = models.PositiveIntegerField(null=True, blank=True)
    # Its accepted answer is a published practice (home/practices.py keeps it).
    in_library = models.BooleanField(default=False, db_default=False)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(
                fields=["-is_pinned", "-bumped_at"],
                name="topic_latest",
                condition=Q(
                    deleted_at__isnull=True, is_visible=True, awaiting_approval=False
                ),
            ),
            models.Index(
                fields=["category", "-is_pinned", "-bumped_at"],
                name="topic_category_latest",
                condition=Q(
                    deleted_at__isnull=True, is_visible=True, awaiting_approval=False
                ),
            ),
            models.Index(fields=["-created_at"], name="topic_created"),
            models.Index(fields=["-like_count", "-post_count"], name="topic_top"),
            models.Index(fields=["author", "-created_at"], name="topic_author"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forum:topic", args=[self.slug, self.pk])

    def get_post_url(self, number: int) -> str:
        return reverse("forum:post", args=[self.slug, self.pk, number])

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    @property
    def is_solved(self) -> bool:
        return self.solution_id is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_counted(self) -> bool:
        return self.deleted_at is None and not self.awaiting_approval

    @property
    def is_listed(self) -> bool:
        return self.is_counted and self.is_visible

    @property
    def is_searchable(self) -> bool:
        return self.is_listed


class Post(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    raw = models.TextField(_("text"))
    cooked = models.TextField(editable=False)
    # The language it is written in: the topic's for the first post (its author
    # chose it), told from the text for a reply (languages.detect). Pages mark
    # a post in another language than theirs with `lang`, for screen readers.
    language = models.CharField(
        max_length=2, choices=LANGUAGE_CHOICES, default="kk", db_default="kk"
    )
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Held for a moderator (a new member's first posts): readers other than the
    # author and moderators do not see it, and it counts nowhere until approved.
    awaiting_approval = models.BooleanField(default=False, db_default=False)
    # Hidden by flags or by a moderator: it keeps its place and its counts, but
    # only the author and moderators can read it until a moderator decides.
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["topic", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "number"], name="post_number_unique"
            )
        ]
        indexes = [models.Index(fields=["author", "-created_at"], name="post_author")]

    def __str__(self):
        return f"{self.topic_id}#{self.number}"

    def get_absolute_url(self):
        return self.topic.get_post_url(self.number)

    @property
    def is_first(self) -> bool:
        return self.number == 1

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_counted(self) -> bool:
        return (
            self.deleted_at is None
            and not self.awaiting_approval
            and self.topic.is_counted
        )

    @property
    def is_listed(self) -> bool:
        return self.is_counted and not self.is_hidden and self.topic.is_visible

    @property
    def is_searchable(self) -> bool:
        return self.is_listed and self.number > 1


class PostRevision(models.Model):
    """The text a post had before an edit: the history readers can open."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    raw = models.TextField()
    title = models.CharField(max_length=200, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="revision_unique")
        ]

    def __str__(self):
        return f"{self.post} v{self.number}"


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_likes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="like_once")
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="like_user")]

    def __str__(self):
        return f"{self.user_id} likes {self.post}"


class Bookmark(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="bookmark_once")
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="bookmark_user")]

    def __str__(self):
        return f"{self.user_id} bookmarked {self.post}"


class Mention(models.Model):
    """A member named in a post; the fan-out notifies them (notifications.services)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="mention_once")
        ]

    def __str__(self):
        return f"@{self.user_id} in {self.post}"


class TopicReadState(models.Model):
    """How far a member has read a topic: drives the unread and new counts."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="read_states"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states"
    )
    last_read_post_number = models.PositiveIntegerField(default=0)
    first_visited_at = models.DateTimeField(default=timezone.now)
    last_visited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="read_state_unique")
        ]

    def __str__(self):
        return f"{self.user_id} read {self.topic_id} to #{self.last_read_post_number}"


class Draft(models.Model):
    """What a member was typing, saved as they go: one per topic, one new topic."""

    NEW_TOPIC = "new-topic"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    key = models.CharField(max_length=40)
    title = models.CharField(max_length=200, blank=True)
    raw = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="draft_unique")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.key}"

    @staticmethod
    def key_for(topic=None) -> str:
        return Draft.key_for_id(topic.pk) if topic is not None else Draft.NEW_TOPIC

    @staticmethod
    def key_for_id(topic_id: int) -> str:
        return f"topic-{topic_id}"


def upload_path(instance, filename):
    return f"forum/uploads/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class Upload(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads"
    )
    file = models.FileField(upload_to=upload_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_image = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.original_name
