"""Recompute the forum's denormalised counters from the rows they summarise.

forum/discussions/counters.py keeps the counters in step with F() expressions as members
write; this command is the safety net for drift: an edit in the admin, a member
deleted together with their likes, a bug. Every counter is recomputed in SQL
from the source rows (posts, likes, tags), never from another counter,
so the order of the steps does not matter and a dry run sees every problem at
once. Each step is one statement, `UPDATE ... SET c = (subquery) WHERE c <>
(subquery)`, that writes only the rows that are wrong: a consistent forum costs
reads only, and the number of rows written is the report.

    manage.py forum_repair            # fix, and say what was wrong
    manage.py forum_repair --dry-run  # only say what is wrong

Two counters are computed by one query and compared in Python instead, then
written with bulk_update: participants (the five most recent distinct posters),
a list SQL cannot compare portably, per batch of topics with a window function;
and the categories' last posts, all categories in one windowed pass.

What counts as a visible post differs on purpose between a topic's own counters
and a category's. Deleting the first post deletes the topic, and the services
then leave the topic's counters as they were, so that restoring it adds them
back to the category. A topic's own counters therefore include its first post
even when that post is deleted (`Post.objects.counted_in_topic()`); a
category counts only non-deleted posts of non-deleted topics
(`Post.objects.counted()`).

Moderation adds one rule: what waits for a moderator counts nowhere. A held
reply (`Post.awaiting_approval`) is in no counter, though it has taken its
post number; a topic whose first post is held (`Topic.awaiting_approval`)
keeps its own counters, like a deleted one, but counts in no category and no
tag. Hidden posts count everywhere: they only lose their text for readers.

Views have no source rows (forum/discussions/viewcounts.py counts them in the
cache and adds them in batches): Topic.view_count is the record, and this
command leaves it alone.
"""

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.management.base import BaseCommand, OutputWrapper
from django.db import models, transaction
from django.db.models import Count, F, Max, OuterRef, Subquery, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.lookups import Exact

from forum.discussions.counters import PARTICIPANTS_SHOWN
from forum.models import Category, Post, PostLike, Tag, Topic

PARTICIPANT_BATCH = 1_000


def _count(queryset, group_by: str) -> Coalesce:
    """COUNT(*) of `queryset`, correlated to the outer row through `group_by`."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


def _first(queryset, field: str) -> Subquery:
    return Subquery(queryset.values(field)[:1])


@dataclass(frozen=True)
class Counter:
    """One stored column and the SQL expression it should equal."""

    name: str
    model: type[models.Model]
    field: str
    expected: models.Expression
    # Nullable foreign keys compare with COALESCE(…, 0): ids are never 0, and
    # `NULL <> x` would otherwise hide every row whose value is missing.
    nullable: bool = False

    def wrong_rows(self):
        if self.nullable:
            same = Exact(Coalesce(self.field, 0), Coalesce(self.expected, 0))
        else:
            same = Exact(F(self.field), self.expected)
        return self.model._default_manager.exclude(same)

    def repair(self, *, dry_run: bool) -> int:
        rows = self.wrong_rows()
        if dry_run:
            return rows.count()
        return rows.update(**{self.field: self.expected})


def counters() -> list[Counter]:
    topic_posts = Post.objects.counted_in_topic().filter(topic=OuterRef("pk"))
    newest_topic_post = topic_posts.order_by("-number")
    # Summed over counted topics below, so the posts' own state is enough.
    counted_posts = Post.objects.filter(
        topic=OuterRef("pk"), deleted_at__isnull=True, awaiting_approval=False
    )
    post_likes = _count(PostLike.objects.filter(post=OuterRef("pk")), "post")
    return [
        Counter("post.like_count", Post, "like_count", post_likes),
        Counter("topic.post_count", Topic, "post_count", _count(topic_posts, "topic")),
        Counter(
            "topic.highest_post_number",
            Topic,
            "highest_post_number",
            Coalesce(
                # Held replies wait outside it: they are nobody's unread yet.
                Subquery(
                    Post.objects.filter(topic=OuterRef("pk"))
                    .exclude(awaiting_approval=True, number__gt=1)
                    .order_by("-number")
                    .values("number")[:1]
                ),
                0,
            ),
        ),
        Counter(
            "topic.like_count",
            Topic,
            "like_count",
            # The likes of each visible post, summed: the posts come from the
            # (topic, number) index and each count from the likes' post index.
            # A join of likes and posts in one subquery lets PostgreSQL pick a
            # hash join over every like, once per topic, when its statistics
            # are stale (right after a bulk load): minutes instead of a second.
            Coalesce(
                Subquery(
                    topic_posts.annotate(liked_by=post_likes)
                    .order_by()
                    .values("topic")
                    .annotate(total=Sum("liked_by"))
                    .values("total")
                ),
                0,
            ),
        ),
        Counter(
            "topic.last_post",
            Topic,
            "last_post_id",
            _first(newest_topic_post, "pk"),
            nullable=True,
        ),
        Counter(
            "topic.last_poster",
            Topic,
            "last_poster_id",
            _first(newest_topic_post, "author_id"),
            nullable=True,
        ),
        Counter(
            "topic.bumped_at",
            Topic,
            "bumped_at",
            # A topic without posts (only possible through a broken import)
            # keeps its date rather than jumping to the top or the bottom.
            Coalesce(_first(newest_topic_post, "created_at"), F("bumped_at")),
        ),
        Counter(
            "category.topic_count",
            Category,
            "topic_count",
            _count(
                Topic.objects.counted().filter(category=OuterRef("pk")),
                "category",
            ),
        ),
        Counter(
            "category.post_count",
            Category,
            "post_count",
            # Summed over the category's topics, each counted on the posts'
            # topic index, so that the posts table is read once in all rather
            # than once per category.
            Coalesce(
                Subquery(
                    Topic.objects.counted()
                    .filter(category=OuterRef("pk"))
                    .annotate(visible=_count(counted_posts, "topic"))
                    .order_by()
                    .values("category")
                    .annotate(total=Sum("visible"))
                    .values("total")
                ),
                0,
            ),
        ),
        Counter(
            "tag.topic_count",
            Tag,
            "topic_count",
            _count(
                Topic.tags.through.objects.filter(
                    tag=OuterRef("pk"), topic__in=Topic.objects.counted()
                ),
                "tag",
            ),
        ),
    ]


PARTICIPANTS = "topic.participant_ids"


def expected_participants(topic_ids: list[int]) -> dict[int, list[int]]:
    """{topic id: up to five distinct poster ids, newest post first}, one query."""
    ranked = (
        Post.objects.counted_in_topic()
        .filter(topic_id__in=topic_ids)
        .exclude(author=None)
        .values("topic_id", "author_id")
        .annotate(latest=Max("number"))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("topic_id"),
                order_by=F("latest").desc(),
            )
        )
        .filter(rank__lte=PARTICIPANTS_SHOWN)
        .order_by("topic_id", "rank")
        .values_list("topic_id", "author_id")
    )
    participants = defaultdict(list)
    for topic_id, author_id in ranked:
        participants[topic_id].append(author_id)
    return participants


CATEGORY_LAST_POST = "category.last_post"


def repair_category_last_posts(*, dry_run: bool) -> int:
    """The newest visible post of each category, for all categories in one pass.

    A subquery per category would sort the category's posts each time (there is
    no index on their date): the posts table read once per category.
    """
    newest = (
        Post.objects.counted()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("topic__category"),
                # The same order as services._refresh_category_last_post.
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values_list("topic__category", "pk")
    )
    expected = dict(newest)
    wrong = []
    for category in Category.objects.only("last_post"):
        if category.last_post_id != expected.get(category.pk):
            category.last_post_id = expected.get(category.pk)
            wrong.append(category)
    if wrong and not dry_run:
        Category.objects.bulk_update(wrong, ["last_post"])
    return len(wrong)


def _topic_id_batches(size: int) -> Iterator[list[int]]:
    ids = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def repair_participants(*, dry_run: bool, step: Callable[[], None]) -> int:
    fixed = 0
    for batch in _topic_id_batches(PARTICIPANT_BATCH):
        expected = expected_participants(batch)
        stored = Topic.objects.filter(pk__in=batch).only("participant_ids")
        wrong = []
        for topic in stored:
            ids = expected.get(topic.pk, [])
            if topic.participant_ids != ids:
                topic.participant_ids = ids
                wrong.append(topic)
        if wrong and not dry_run:
            Topic.objects.bulk_update(wrong, ["participant_ids"])
        fixed += len(wrong)
        step()
    return fixed


class Progress:
    """A one-line progress bar for operators.

    On a terminal it redraws itself with carriage returns; elsewhere (a log
    file, CI) it writes a line per tenth of the work, so logs stay readable.
    """

    WIDTH = 30

    def __init__(self, stream: OutputWrapper | None, label: str, total: int):
        self.stream, self.label, self.total = stream, label, max(total, 1)
        self.done = 0
        self.started = time.perf_counter()
        self.tty = bool(stream and stream.isatty())
        self._last_tenth = -1

    def advance(self, n: int = 1, note: str = ""):
        self.done = min(self.done + n, self.total)
        if self.stream is None:
            return
        share = self.done / self.total
        if self.tty:
            filled = round(self.WIDTH * share)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(
                f"\r{self.label} [{bar}] {self.done:,}/{self.total:,} {note:<30}",
                ending="",
            )
            self.stream.flush()
        elif int(share * 10) > self._last_tenth:
            self._last_tenth = int(share * 10)
            self.stream.write(
                f"{self.label}: {self.done:,}/{self.total:,} ({share:.0%}) {note}"
            )

    def finish(self):
        if self.stream is None:
            return
        elapsed = time.perf_counter() - self.started
        if self.tty:
            self.stream.write("")
        self.stream.write(f"{self.label}: done in {elapsed:.1f} s.")


def repair_counters(
    *, dry_run: bool = False, progress: OutputWrapper | None = None
) -> dict[str, int]:
    """Recompute every counter; return {counter name: rows that were wrong}.

    With `dry_run` nothing is written. `progress` receives a progress bar.
    """
    steps = counters()
    batches = -(-Topic.objects.count() // PARTICIPANT_BATCH)
    bar = Progress(progress, "Checking counters", len(steps) + 1 + batches)
    wrong: dict[str, int] = {}
    with transaction.atomic():
        for counter in steps:
            wrong[counter.name] = counter.repair(dry_run=dry_run)
            bar.advance(note=counter.name)
        wrong[CATEGORY_LAST_POST] = repair_category_last_posts(dry_run=dry_run)
        bar.advance(note=CATEGORY_LAST_POST)
        wrong[PARTICIPANTS] = repair_participants(
            dry_run=dry_run, step=lambda: bar.advance(note=PARTICIPANTS)
        )
    bar.finish()
    return wrong


class Command(BaseCommand):
    help = (
        "Recompute the forum's counters (posts, likes, views, last posts, "
        "participants, topics per category and tag) and report what was wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report the wrong counters without changing anything.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        wrong = repair_counters(
            dry_run=dry_run, progress=self.stderr if verbosity >= 1 else None
        )
        wrong = {name: rows for name, rows in wrong.items() if rows}
        if not wrong:
            self.stdout.write(self.style.SUCCESS("Everything was consistent."))
            return
        verb = "wrong" if dry_run else "fixed"
        for name, rows in wrong.items():
            self.stdout.write(f"{name}: {rows:,} {verb}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
