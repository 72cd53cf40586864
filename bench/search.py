"""Search on a large forum: indexing throughput, query latency, indexing lag.

    .venv/bin/python bench/search.py [--requests 50 --lag-samples 30 --reseed]

Works on the database bench/forum.py seeds, `forum_bench` (10,000 topics,
200,000 posts), with its setup: the test settings, never a database without
"bench" in its name, seeded with `manage.py forum_seed` when the data is
missing. The demo CMS pages (`manage.py load_demo`) are added once.

1. Rebuilds the search index of each backend from search.documents, as
   `manage.py search_index --rebuild` does: the database backend, then the
   Elasticsearch backend against an osmem-server this script starts.
2. Times searches (search.query.parse, then backend.search, ten results a
   page) for a visitor and for a member, in each backend.
3. Starts a real Celery worker on the same database, with Redis as the broker,
   creates posts through forum.services.post_create and times how long each
   takes, from its commit, to be found by a search.

osmem-server is an in-memory stand-in for Elasticsearch: its figures say how
this code behaves against it, not how a production Elasticsearch cluster
would. The Markdown table goes to stdout and to bench/results/search.md.
"""

import argparse
import importlib.util
import io
import os
import platform
import secrets
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Python puts this script's directory first on the path, where bench/forum.py
# would shadow the forum app: the repository root takes its place.
sys.path[:] = [str(ROOT)] + [
    entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"
]


def _load_forum_bench():
    """bench/forum.py, under a name that does not clash with the forum app."""
    spec = importlib.util.spec_from_file_location(
        "bench_forum", ROOT / "bench" / "forum.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


forum_bench = _load_forum_bench()

RESULTS = ROOT / "bench" / "results" / "search.md"
# Tests use Redis database 15; the benchmark's worker gets a queue of its own.
BROKER_URL = "redis://127.0.0.1:6379/14"
ES_PREFIX = "bench"
LAG_CATEGORY = "bench-search-lag"
LAG_USER = "bench_search_lag"
POLL_SECONDS = 0.02
LAG_TIMEOUT = 30.0
WORKER_START_TIMEOUT = 90.0
WORKER_COMMAND = [
    "worker",
    "-P",
    "solo",
    "--without-gossip",
    "--without-mingle",
    "--loglevel",
    "WARNING",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="per query and reader")
    parser.add_argument("--warmup", type=int, default=5, help="per query and reader")
    parser.add_argument(
        "--lag-samples", type=int, default=30, help="posts created per worker"
    )
    parser.add_argument(
        "--no-es-lag",
        action="store_true",
        help="measure the indexing lag with the database-only worker alone",
    )
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument(
        "--posts", type=int, default=200_000, help="all posts, the long topic's too"
    )
    parser.add_argument("--long-topic-posts", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reseed", action="store_true", help="drop and seed again")
    parser.add_argument(
        "--database-url",
        default=forum_bench.DEFAULT_URL,
        help="a PostgreSQL database whose name contains 'bench' (default %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.posts - args.long_topic_posts < args.topics - 1:
        parser.error("--posts must leave at least one post per topic")
    return args


def info(message: str):
    print(message, file=sys.stderr, flush=True)


# The data ------------------------------------------------------------------------


def load_demo_pages():
    """The demo seminar and news pages, in kk, ru and en (idempotent).

    Without the demo accounts load_demo skips its forum threads: they would add
    topics to the seeded forum, and bench/forum.py would then reseed it.
    """
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(DEMO_ACCOUNTS=False):
        call_command("load_demo", stdout=io.StringIO())


def dataset() -> dict:
    from django.contrib.auth import get_user_model

    from forum.models import Post, Topic
    from home.models import NewsPage, SeminarPage

    return {
        "topics": Topic.objects.count(),
        "posts": Post.objects.count(),
        "members": get_user_model()
        .objects.filter(username__startswith="seed_user_")
        .count(),
        "news": NewsPage.objects.live().count(),
        "seminars": SeminarPage.objects.live().count(),
    }


# 1. Bulk indexing ----------------------------------------------------------------


def document_stream(counts: Counter):
    from search.backends.base import KINDS
    from search.documents import documents

    for kind in KINDS:
        for document in documents(kind):
            counts[kind] += 1
            yield document


def timed_rebuild(label: str, rebuild) -> dict:
    """Run one rebuild over a fresh document stream, with a progress line."""
    from search.management.commands.search_index import Progress

    counts = Counter()
    progress = Progress(label)
    total = rebuild(document_stream(counts), progress)
    seconds = progress.done(total)
    return {"label": label, "documents": total, "seconds": seconds, "kinds": counts}


def read_documents() -> dict:
    """The documents alone, read and built without a backend: the floor of both."""

    def count(stream, progress):
        total = 0
        for total, _document in enumerate(stream, 1):
            if total % 500 == 0:
                progress(total)
        return total

    return timed_rebuild("documents only", count)


def index_database() -> dict:
    from django.db import connection

    from search.backends.database import DatabaseBackend
    from search.models import SearchEntry

    # The rebuild's speed depends on these: see planner_note().
    held = SearchEntry.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = 'search_searchentry'::regclass"
        )
        estimate = max(int(cursor.fetchone()[0]), 0)
    result = timed_rebuild(
        "database",
        lambda stream, progress: DatabaseBackend().rebuild(stream, progress=progress),
    )
    # Fresh statistics for the queries, as autovacuum would give them in time.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE search_searchentry")
    result["analyze_seconds"] = time.perf_counter() - started
    result["held"], result["estimate"] = held, estimate
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('search_searchentry')")
        result["bytes"] = cursor.fetchone()[0]
    return result


def planner_note(held: int, estimate: int, documents: int) -> str:
    """Why the database rebuild's rate differs between a first run and later ones.

    DatabaseBackend.index deletes and updates each batch by (kind, object_id
    IN ...). The planner plans those statements with the statistics the table
    had before the rebuild's transaction began; when they say "a few rows" (a
    first build), it reads the unique index on kind alone and filters every
    entry of that kind, once per batch: the rebuild slows as it grows.
    """
    return (
        f"Before the database rebuild the search table held {held:,} entries and "
        f"PostgreSQL's statistics said {estimate:,} rows. "
        + (
            "With statistics that small, each batch's DELETE and vector UPDATE "
            "scans every entry of its kind (the unique index on `kind` only), so "
            "a first build slows as it grows; a rebuild over a full, analysed "
            "table runs faster."
            if estimate < documents // 10
            else "The batches' DELETE and UPDATE find their rows through the "
            "unique index on (kind, object_id)."
        )
    )


def start_osmem():
    from osmem_server import OsmemServer

    # Japanese analysis is off, as in the tests: nothing here is Japanese.
    server = OsmemServer.start(japanese=False, startup_timeout=30)
    info(f"osmem-server {server.version} at {server.url} (pid {server.pid}).")
    return server


def es_backend(url: str):
    from search.backends.elasticsearch import ElasticsearchBackend, make_client

    # Plain JSON, as in tests/search/conftest.py: osmem answers 406 to the 9.x
    # client's versioned media type. A long timeout: aggregations over 200,000
    # documents are slow in osmem, and a timeout would only hide that.
    client = make_client(url, compat_headers=False, timeout=120)
    return ElasticsearchBackend(client, prefix=ES_PREFIX, refresh=False)


def index_elasticsearch(backend, server) -> dict:
    result = timed_rebuild(
        "elasticsearch (osmem)",
        lambda stream, progress: backend.rebuild(stream, progress=progress),
    )
    result["rss"] = resident_bytes(server.pid)
    return result


def resident_bytes(pid: int) -> int | None:
    """A process's resident memory (Linux), or None where /proc cannot say."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


# 2. Query latency ----------------------------------------------------------------


def queries() -> list[tuple[str, str]]:
    """(kind of query, query) with words the seeded forum uses in kk, ru and en."""
    from django.db.models import Max

    from forum.models import Post

    newest = Post.objects.aggregate(newest=Max("created_at"))["newest"]
    after = (newest - timedelta(days=180)).date().isoformat()
    return [
        ("free text, kk", "баспасөз қызметі"),
        ("free text, ru", "график брифингов"),
        ("free text, en", "crisis plan"),
        (
            "text + filters",
            f"аналитический отчёт type:post #monitoring-and-analytics "
            f"after:{after} lang:ru",
        ),
        # The seed accepts no answers, so status:solved would find nothing.
        ("filters only", "type:topic status:closed order:latest"),
        ("filters only", "@seed_user_0001 type:post"),
    ]


def readers():
    from search.backends.base import VISIBILITY_MEMBERS, VISIBILITY_PUBLIC

    return [
        ("visitor", (VISIBILITY_PUBLIC,)),
        ("member", (VISIBILITY_PUBLIC, VISIBILITY_MEMBERS)),
    ]


def measure_queries(backends: list, args) -> list[dict]:
    from search.query import parse

    rows = []
    for backend in backends:
        for kind, text in queries():
            query = parse(text)
            if query.errors:
                sys.exit(f"The query {text!r} does not parse: {query.errors}")
            for reader, visibilities in readers():
                search = partial(
                    backend.search,
                    query,
                    visibilities=visibilities,
                    page=1,
                    per_page=10,
                )
                for _ in range(args.warmup):
                    results = search()
                timings = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    results = search()
                    timings.append((time.perf_counter() - started) * 1000)
                row = {
                    "backend": backend.name,
                    "kind": kind,
                    "query": text,
                    "reader": reader,
                    "p50": statistics.median(timings),
                    "p95": forum_bench.percentile(timings, 0.95),
                    "total": results.total,
                    # The database backend stops counting at its match cap.
                    "capped": results.capped,
                }
                info(
                    f"{row['backend']}, {reader}: {text} -> {_hits(row)} hits, "
                    f"p50 {row['p50']:.1f} ms"
                )
                rows.append(row)
    return rows


# 3. Indexing lag with a real worker ---------------------------------------------


class Worker:
    """A Celery worker process on the benchmark database, consuming from Redis."""

    def __init__(self, args, *, search_backend: str, es_url: str = ""):
        # Closed in stop(); a file, not a pipe, so a chatty worker never blocks.
        self.log = tempfile.NamedTemporaryFile(
            mode="w+", prefix="bench-search-worker-", suffix=".log"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TEST_DATABASE_URL": args.database_url,
            "TEST_REDIS_URL": BROKER_URL,
            "CELERY_EAGER": "false",
            "SEARCH_BACKEND": search_backend,
            "ELASTICSEARCH_URL": es_url,
            "ELASTICSEARCH_INDEX_PREFIX": ES_PREFIX,
        }
        if search_backend == "elasticsearch":
            # The settings have no environment variable that turns the
            # compatibility headers off, which osmem needs: this script starts
            # the worker itself, after setting it (run_worker below).
            command = [sys.executable, __file__, "--worker", *WORKER_COMMAND]
        else:
            # As tests/search/test_worker.py starts it, and as production does.
            command = [sys.executable, "-m", "celery", "-A", "config", *WORKER_COMMAND]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        info(f"Started a Celery worker (pid {self.process.pid}, {search_backend}).")

    def check(self):
        if self.process.poll() is not None:
            self.log.seek(0)
            raise RuntimeError(f"The worker exited:\n{self.log.read()[-4000:]}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def run_worker(celery_args: list[str]):
    """The worker for the Elasticsearch lag run: settings adjusted, then Celery.

    `bench/search.py --worker ...` runs this; Worker passes the database in the
    environment, as for the plain `celery` command.
    """
    forum_bench.setup_django(os.environ["TEST_DATABASE_URL"])
    from django.conf import settings

    settings.ELASTICSEARCH_COMPAT_HEADERS = False
    from config.celery import app

    app.worker_main(celery_args)


def lag_fixture():
    """A public category, a member and a topic of their own, for the lag posts.

    All three go afterwards (remove_lag_fixture), with every post and search
    entry made in them, so bench/forum.py finds the forum it seeded. The
    member is at trust level 1: a level-0 member's first posts wait for a
    moderator (forum.trust.needs_approval), unsearchable until approved.
    """
    from django.contrib.auth import get_user_model

    from forum.discussions import services
    from forum.models import Category, Profile, TrustLevel

    remove_lag_fixture()
    category = Category.objects.create(
        slug=LAG_CATEGORY,
        name_kk="Бенчмарк",
        name_ru="Бенчмарк",
        name_en="Benchmark",
        visibility=Category.Visibility.PUBLIC,
        position=999,
    )
    user = get_user_model().objects.create_user(
        username=LAG_USER, email=f"{LAG_USER}@example.invalid"
    )
    Profile.objects.update_or_create(
        user=user, defaults={"trust_level": TrustLevel.BASIC}
    )
    topic = services.topic_create(
        actor=user,
        category=category,
        title="Search indexing lag probe",
        raw="Posts in this topic measure how soon a new post becomes searchable.",
        language="en",
    )
    return user, topic


def remove_lag_fixture():
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from forum.models import Category, Post, Topic
    from search.models import SearchEntry

    topics = Topic.objects.filter(category__slug=LAG_CATEGORY)
    with transaction.atomic():
        posts = list(Post.objects.filter(topic__in=topics).values_list("pk", flat=True))
        SearchEntry.objects.filter(kind="post", object_id__in=posts).delete()
        SearchEntry.objects.filter(
            kind="topic", object_id__in=list(topics.values_list("pk", flat=True))
        ).delete()
        # Topics protect their category: they go first, their posts with them.
        topics.delete()
        Category.objects.filter(slug=LAG_CATEGORY).delete()
        get_user_model().objects.filter(username=LAG_USER).delete()


def probe_word() -> str:
    """A word no document has: letters only, so every analyser keeps it whole."""
    return "lagprobe" + "".join(
        secrets.choice(string.ascii_lowercase) for _ in range(8)
    )


def post_and_wait(worker, backend, *, actor, topic, timeout: float, searches=None):
    """Seconds from the post's commit until `backend` finds it; None on timeout.

    The time each polling search took goes to `searches`: the lag is up to one
    of them (and one poll interval) late.
    """
    from django.db import transaction

    from forum.discussions import services
    from search.backends.base import VISIBILITY_PUBLIC
    from search.query import parse

    word = probe_word()
    committed = []
    with transaction.atomic():
        # Registered first, so it runs first on commit: before the enqueueing
        # that post_create registers.
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        post = services.post_create(
            actor=actor,
            topic=topic,
            raw=f"The press office checks {word} before the morning briefing.",
        )
    query = parse(word)
    while True:
        started = time.perf_counter()
        hits = backend.search(query, visibilities=(VISIBILITY_PUBLIC,)).hits
        if searches is not None:
            searches.append((time.perf_counter() - started) * 1000)
        if any(hit.kind == "post" and hit.pk == post.pk for hit in hits):
            return time.perf_counter() - committed[0]
        if time.perf_counter() - committed[0] > timeout:
            return None
        worker.check()
        time.sleep(POLL_SECONDS)


def measure_lag(args, *, worker_backend: str, search_backend, es_url="") -> dict:
    """Start a worker, wait for it with two warm-up posts, then time the samples."""
    from config.celery import app

    if app.conf.broker_url != BROKER_URL:
        sys.exit(f"Celery's broker is {app.conf.broker_url}, not {BROKER_URL}.")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    # Messages left in the queue by an interrupted run would only delay ours.
    app.control.purge()
    actor, topic = lag_fixture()
    worker = Worker(args, search_backend=worker_backend, es_url=es_url)
    try:
        for timeout in (WORKER_START_TIMEOUT, LAG_TIMEOUT):
            if (
                post_and_wait(
                    worker, search_backend, actor=actor, topic=topic, timeout=timeout
                )
                is None
            ):
                raise RuntimeError("The worker indexed nothing: is Redis running?")
        lags, searches, timeouts = [], [], 0
        for sample in range(1, args.lag_samples + 1):
            seconds = post_and_wait(
                worker,
                search_backend,
                actor=actor,
                topic=topic,
                timeout=LAG_TIMEOUT,
                searches=searches,
            )
            if seconds is None:
                timeouts += 1
            else:
                lags.append(seconds * 1000)
            sys.stderr.write(f"\r  lag, {search_backend.name}: {sample} posts")
            sys.stderr.flush()
        sys.stderr.write("\n")
    finally:
        worker.stop()
        app.conf.task_always_eager = eager
        remove_lag_fixture()
    return {
        "worker": worker_backend,
        "searched": search_backend.name,
        "samples": len(lags),
        "timeouts": timeouts,
        "p50": statistics.median(lags) if lags else None,
        "p95": forum_bench.percentile(lags, 0.95) if lags else None,
        "max": max(lags) if lags else None,
        "search": statistics.median(searches) if searches else None,
    }


# Reporting -----------------------------------------------------------------------


def _ms(value) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _hits(row) -> str:
    """The total, with a "+" where the backend stopped counting (its cap)."""
    return f"{row['total']:,}" + ("+" if row["capped"] else "")


def report(
    args, *, sizes, indexing, queries_rows, lags, loads, osmem, seed_seconds, seconds
):
    import django
    import elasticsearch
    from django.db import connection

    version = connection.cursor().connection.info.server_version
    lines = [
        "# Search benchmark",
        "",
        f"- Run: {datetime.now(UTC) - timedelta(seconds=seconds):%Y-%m-%d %H:%M} "
        f"UTC, Python "
        f"{platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {version // 10000}.{version % 10000}, "
        f"osmem-server {osmem}, elasticsearch-py {elasticsearch.__versionstr__}, "
        f"{os.cpu_count()} CPUs; load average "
        + ", ".join(f"{value:.1f} as {part} began" for part, value in loads.items())
        + f"; the run took {seconds / 60:.0f} min",
        f"- Data: {sizes['topics']:,} topics, {sizes['posts']:,} posts, "
        f"{sizes['members']:,} members (seed {args.seed}); demo pages: "
        f"{sizes['news']} news, {sizes['seminars']} seminars (kk, ru, en)",
        "- **osmem-server is an in-memory stand-in for Elasticsearch, used by the "
        "tests: its figures say how this code behaves against it, not what a "
        "production Elasticsearch cluster would do.**",
    ]
    if seed_seconds is not None:
        lines.append(f"- Seeding (forum_seed): {seed_seconds:.1f} s")
    lines += [
        "",
        "## Bulk indexing",
        "",
        "A full rebuild, as `manage.py search_index --rebuild` does it: rows read "
        "and turned into documents (search.documents), then written. "
        '"Documents only" reads and builds them without writing: every rebuild '
        "pays that much.",
        "",
        "| Backend | Documents | Seconds | Documents/s |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in indexing:
        rate = row["documents"] / row["seconds"] if row["seconds"] else 0
        lines.append(
            f"| {row['label']} | {row['documents']:,} | {row['seconds']:.1f} | "
            f"{rate:,.0f} |"
        )
    kinds = indexing[0]["kinds"]
    lines.append("")
    lines.append(
        "Documents by kind: "
        + ", ".join(f"{kind} {count:,}" for kind, count in kinds.items())
        + "."
    )
    database = next(row for row in indexing if row["label"] == "database")
    lines.append("")
    lines.append(
        planner_note(database["held"], database["estimate"], database["documents"])
        + f" `VACUUM ANALYZE search_searchentry` after it took "
        f"{database['analyze_seconds']:.1f} s (not counted above). The search "
        f"table then took {database['bytes'] / 2**20:,.0f} MB, indexes and "
        "TOAST included."
    )
    elastic = next(row for row in indexing if "rss" in row)
    if elastic["rss"]:
        lines.append(
            f"osmem-server held {elastic['rss'] / 2**30:.1f} GB of memory after "
            "indexing."
        )
    lines += [
        "",
        "## Query latency",
        "",
        f"`backend.search(parse(query), visibilities=…, per_page=10)` in-process: "
        f"{args.requests} timed searches per row after {args.warmup} warm-up "
        "ones. Hits and facets included; no view, no template. A visitor sees "
        'public documents, a member members-only ones too. "10,000+": the '
        "database backend stopped counting at its match cap "
        "(SEARCH_DATABASE_MATCH_CAP, docs/search.md).",
        "",
        "| Backend | Query kind | Query | Reader | Hits | p50 ms | p95 ms |",
        "| --- | --- | --- | --- | ---: | ---: | ---: |",
    ]
    for row in queries_rows:
        lines.append(
            f"| {row['backend']} | {row['kind']} | `{row['query']}` | "
            f"{row['reader']} | {_hits(row)} | {row['p50']:.1f} | "
            f"{row['p95']:.1f} |"
        )
    lines += [
        "",
        "## Indexing lag with a real worker",
        "",
        f"A Celery worker (`-P solo`, Redis broker `{BROKER_URL}`) on the same "
        f"database; {args.lag_samples} posts created one at a time with "
        "`forum.services.post_create`, each committed on its own. Lag: from the "
        f"commit until a search for the post's unique word finds it, polled "
        f"every {POLL_SECONDS * 1000:.0f} ms (so up to one poll and one search "
        "late: the last column gives a polling search's median time), timeout "
        f"{LAG_TIMEOUT:.0f} s. The worker writes every post to the database "
        "index, and to Elasticsearch as well when that is the configured "
        "backend (search.indexer.writers). Elasticsearch shows a write to "
        "searches only at its next refresh, once a second by default; "
        "osmem-server shows it to the next search, so that wait is not in its "
        "figures.",
        "",
        "| Worker's SEARCH_BACKEND | Searched in | Posts | p50 ms | p95 ms | "
        "max ms | Timeouts | One search ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in lags:
        lines.append(
            f"| {row['worker']} | {row['searched']} | {row['samples']} | "
            f"{_ms(row['p50'])} | {_ms(row['p95'])} | {_ms(row['max'])} | "
            f"{row['timeouts']} | {_ms(row['search'])} |"
        )
    return "\n".join(lines) + "\n"


def main():
    if sys.argv[1:2] == ["--worker"]:
        run_worker(sys.argv[2:])
        return
    args = parse_args()
    forum_bench.database_name(args.database_url)
    # The broker is set before Django starts, not switched later: the eager
    # tasks of the setup (load_demo) already open Celery's connection pool, and
    # a broker_url changed afterwards would not reach it.
    os.environ["TEST_REDIS_URL"] = BROKER_URL
    # A plain `kill` too runs the clean-up below: the worker, osmem-server and
    # the lag posts all go.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    seed_seconds = forum_bench.prepare(args)
    if seed_seconds is not None:
        info(f"Seeded in {seed_seconds:.1f} s.")
    load_demo_pages()
    sizes = dataset()
    # Other work on the machine shows in every figure: the report says how much.
    loads = {"indexing": os.getloadavg()[0]}

    info("Bulk indexing:")
    indexing = [read_documents(), index_database()]
    server = start_osmem()
    try:
        elastic = es_backend(server.url)
        indexing.append(index_elasticsearch(elastic, server))
        from search.backends.database import DatabaseBackend

        info("Query latency:")
        loads["searches"] = os.getloadavg()[0]
        queries_rows = measure_queries([DatabaseBackend(), elastic], args)

        info("Indexing lag:")
        loads["lag"] = os.getloadavg()[0]
        lags = [
            measure_lag(
                args, worker_backend="database", search_backend=DatabaseBackend()
            )
        ]
        if not args.no_es_lag:
            lags.append(
                measure_lag(
                    args,
                    worker_backend="elasticsearch",
                    search_backend=elastic,
                    es_url=server.url,
                )
            )
        import osmem_server

        # The package's version; the server itself answers with the
        # OpenSearch version it imitates.
        osmem = f"{osmem_server.__version__} (answers as {server.version})"
    finally:
        server.close()
    text = report(
        args,
        sizes=sizes,
        indexing=indexing,
        queries_rows=queries_rows,
        lags=lags,
        loads=loads,
        osmem=osmem,
        seed_seconds=seed_seconds,
        seconds=time.perf_counter() - started,
    )
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    info(f"Written to {RESULTS.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
