"""Server time and SQL queries of the forum's busiest pages on a large forum.

    .venv/bin/python bench/forum.py [--topics 10000 --posts 200000 --requests 50]

Runs against its own PostgreSQL database, `forum_bench` on 127.0.0.1 (created
when missing), with the test settings: never the test database, never the dev
SQLite. The first run migrates it and seeds it with `manage.py forum_seed`
(the topics and posts asked for, one topic of them holding 1,000 posts); later
runs reuse the data while its size matches, or reseed with --reseed.

Each page is requested in-process through Django's test Client, as a visitor
and as a signed-in member, after a few warm-up requests; the time is what
Django spends between request and response (no network, no web server). The
Markdown table goes to stdout and to bench/results/forum.md.
"""

import argparse
import math
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# Python puts this script's directory first on the path, where this file would
# shadow the forum app it measures: the repository root takes its place.
sys.path[:] = [str(ROOT)] + [
    entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"
]

RESULTS = ROOT / "bench" / "results" / "forum.md"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/forum_bench"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument(
        "--posts", type=int, default=200_000, help="all posts, the long topic's too"
    )
    parser.add_argument("--long-topic-posts", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50, help="per scenario")
    parser.add_argument("--warmup", type=int, default=5, help="per scenario")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reseed", action="store_true", help="drop and seed again")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_URL,
        help="a PostgreSQL database whose name contains 'bench' (default %(default)s)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the slowest queries of each page with EXPLAIN ANALYZE",
    )
    args = parser.parse_args()
    if args.posts - args.long_topic_posts < args.topics - 1:
        parser.error("--posts must leave at least one post per topic")
    return args


# The database --------------------------------------------------------------------


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    # The guard that keeps the benchmark away from every other database: it drops
    # and recreates what it is pointed at.
    if "bench" not in name:
        sys.exit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    return name


def admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def ensure_database(url: str, *, drop: bool):
    from psycopg import sql

    name = database_name(url)
    with admin_connection(url) as admin:
        if drop:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.", file=sys.stderr)


def setup_django(url: str):
    # The test settings read their database from TEST_DATABASE_URL; both are
    # forced so that a DJANGO_SETTINGS_MODULE or URL exported in the shell
    # cannot send the benchmark anywhere else.
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["TEST_DATABASE_URL"] = url
    import django

    django.setup()
    from django.conf import settings

    actual = settings.DATABASES["default"]["NAME"]
    if actual != database_name(url):
        sys.exit(f"Settings point at {actual!r}, not the benchmark database.")


def migrate():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def is_seeded(args) -> bool:
    from forum.models import Post, Topic

    return (
        Topic.objects.count() == args.topics
        and Post.objects.count() == args.posts
        and Topic.objects.filter(highest_post_number=args.long_topic_posts).exists()
    )


def has_forum_data() -> bool:
    from forum.models import Topic

    return Topic.objects.exists()


def seed(args) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(
        "forum_seed",
        topics=args.topics - 1,
        posts=args.posts - args.long_topic_posts,
        long_topic_posts=args.long_topic_posts,
        users=max(20, args.topics // 20),
        seed=args.seed,
        stdout=sys.stderr,
        stderr=sys.stderr,
    )
    return time.perf_counter() - started


def vacuum_analyze():
    """Fresh statistics, as autovacuum would give a forum that grew slowly."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def prepare(args) -> float | None:
    """Make sure the benchmark database holds the data; the seed time if seeded."""
    from django.db import connections

    ensure_database(args.database_url, drop=args.reseed)
    setup_django(args.database_url)
    migrate()
    if is_seeded(args):
        print("Reusing the seeded data (--reseed to seed again).", file=sys.stderr)
        return None
    if has_forum_data():
        print(
            "The data does not match the sizes asked for: reseeding.", file=sys.stderr
        )
        connections.close_all()
        ensure_database(args.database_url, drop=True)
        migrate()
    seconds = seed(args)
    vacuum_analyze()
    return seconds


# Measuring -------------------------------------------------------------------------


def scenarios():
    """(name, url) of each page measured."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import translation

    from forum.discussions.selectors import POSTS_PER_PAGE
    from forum.models import Category, Topic

    long_topic = Topic.objects.order_by("-highest_post_number", "pk").first()
    pages = max(math.ceil(long_topic.post_count / POSTS_PER_PAGE), 1)
    category = (
        Category.objects.public()
        .annotate(listed=Count("topics", filter=Q(topics__deleted_at__isnull=True)))
        .order_by("-listed", "pk")
        .first()
    )
    with translation.override("en"):
        topic_url = long_topic.get_absolute_url()
        return [
            (f"Topic, {long_topic.post_count:,} posts: page 1", f"{topic_url}?page=1"),
            (
                f"Topic: middle page ({(pages + 1) // 2})",
                f"{topic_url}?page={(pages + 1) // 2}",
            ),
            (f"Topic: last page ({pages})", f"{topic_url}?page={pages}"),
            ("Latest topics", reverse("forum:latest")),
            (
                f"Category: {category.name_en} ({category.listed:,} topics)",
                reverse("forum:category", args=[category.slug]),
            ),
        ]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def measure(client, url: str, args) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    for _ in range(args.warmup):
        get()
    # One request counts the queries; the timed ones run without the recording.
    # request_started empties the query log, so it must start empty too.
    reset_queries()
    with CaptureQueriesContext(connection) as context:
        get()
    # Copied now: the property reads the log, which the next request empties.
    queries = list(context.captured_queries)
    timings = []
    for _ in range(args.requests):
        started = time.perf_counter()
        get()
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "queries": len(queries),
        "captured": queries,
    }


def explain(captured: list[dict], top: int = 3):
    from django.db import connection

    slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)[:top]
    for query in slowest:
        print(f"\n-- {float(query['time']) * 1000:.1f} ms\n{query['sql']}")
        with connection.cursor() as cursor:
            # The SQL is the application's own, as Django just ran it.
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")  # noqa: S608
            print("\n".join(row[0] for row in cursor.fetchall()))


def run(args) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    member = get_user_model().objects.get(username="seed_user_0001")
    rows = []
    for name, url in scenarios():
        for reader in ("visitor", "member"):
            client = Client()
            if reader == "member":
                client.force_login(member)
            print(f"{name}, {reader}: {url}", file=sys.stderr)
            result = measure(client, url, args)
            rows.append({"page": name, "reader": reader, "url": url, **result})
            if args.explain:
                explain(result["captured"])
    return rows


# Reporting -------------------------------------------------------------------------


def dataset() -> dict:
    from django.contrib.auth import get_user_model

    from forum.models import Post, PostLike, Topic

    return {
        "topics": Topic.objects.count(),
        "posts": Post.objects.count(),
        "likes": PostLike.objects.count(),
        "members": get_user_model()
        .objects.filter(username__startswith="seed_user_")
        .count(),
    }


def report(args, rows: list[dict], seed_seconds: float | None, load: float) -> str:
    import django
    from django.db import connection

    sizes = dataset()
    version = connection.cursor().connection.info.server_version
    lines = [
        "# Forum benchmark",
        "",
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python "
        f"{platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {version // 10000}.{version % 10000}, {os.cpu_count()} CPUs, "
        f"load average {load:.1f} when the requests began",
        f"- Data: {sizes['topics']:,} topics, {sizes['posts']:,} posts, "
        f"{sizes['likes']:,} likes, {sizes['members']:,} members (seed {args.seed})",
        f"- {args.requests} timed requests per row after {args.warmup} warm-up "
        "requests; server time in-process (Django test Client), no network",
    ]
    if seed_seconds is not None:
        lines.append(f"- Seeding (forum_seed, counters included): {seed_seconds:.1f} s")
    lines += [
        "",
        "| Page | Reader | p50 ms | p95 ms | SQL queries |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['page']} | {row['reader']} | {row['p50']:.1f} | "
            f"{row['p95']:.1f} | {row['queries']} |"
        )
    return "\n".join(lines) + "\n"


def main():
    args = parse_args()
    database_name(args.database_url)
    seed_seconds = prepare(args)
    if seed_seconds is not None:
        print(f"Seeded in {seed_seconds:.1f} s.", file=sys.stderr)
    # Other work on the machine shows in the timings: the report says how much.
    load = os.getloadavg()[0]
    rows = run(args)
    text = report(args, rows, seed_seconds, load)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    print(f"Written to {RESULTS.relative_to(ROOT)}.", file=sys.stderr)


if __name__ == "__main__":
    main()
