"""The forum served as in production, raced against the floor (a trivial view).

    .venv/bin/python bench/race.py [--seconds 10 --rounds 3 --reseed]

Seeds (once) the shape issue #12 measured: 2,000 topics, 40,000 posts, one
topic of 1,000 posts, 200 members, in its own PostgreSQL database
`forum_race_bench`. Serves the site with gunicorn (2 sync workers) under
config.settings.production, with Redis as cache (database 13) and the database
search backend, and serves bench/floor.py (one template, 20 posts from memory)
with the same gunicorn settings beside it. Then, in interleaved rounds, wrk
(8 connections) loads each page for --seconds, and reports for each: req/s
(median of the rounds) and its ratio to the floor's in the same round, p50 and
p99, CPU per request of the gunicorn workers, rows the database wrote per
request (pg_stat_database over the run), and, from one request made
in-process under the same settings, the SQL queries and the HTML's raw and
gzip bytes. Needs `wrk` (Debian: apt install wrk). The table goes to stdout
and bench/results/race.md.

"Topics in turn, member" is a member reading: each request opens the first
page of one of 500 topics at random (a wrk Lua script), and every run starts
with none of them read, so the first read of each writes its read marker and
the posts' content is rendered wherever no reader has cached it yet. The
other member rows reload one page, as a refresh does: a plain reload is
served from the member's own copy (pagecache's MemberPageCacheMiddleware), a
hard reload (`Cache-Control: no-cache`, as Ctrl+Shift+R sends) renders the
page anew, as a first view does.
"""

import argparse
import gzip
import importlib.util
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [
    entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"
]
RESULTS = ROOT / "bench" / "results" / "race.md"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/forum_race_bench"
REDIS_URL = "redis://127.0.0.1:6379/13"
SITE_PORT, FLOOR_PORT = 8791, 8792
TICKS = os.sysconf("SC_CLK_TCK")

# bench/forum.py's database helpers: the same guard (a name with "bench").
_spec = importlib.util.spec_from_file_location("bench_forum", ROOT / "bench/forum.py")
bench_forum = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_forum)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--reseed", action="store_true")
    return parser.parse_args()


def environment() -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-race-only",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SEARCH_BACKEND": "database",
        "SECURE_SSL_REDIRECT": "false",
        "PYTHONPATH": str(ROOT),
    }


def prepare(args):
    """The data, then Django set up in this process with production settings."""
    bench_forum.ensure_database(DATABASE_URL, drop=args.reseed)
    os.environ.update(environment())
    import django

    django.setup()
    from django.core.management import call_command

    from forum.models import Topic

    call_command("migrate", interactive=False, verbosity=0)
    if not Topic.objects.filter(highest_post_number=1000).exists():
        call_command(
            "forum_seed",
            topics=1999,
            posts=39_000,
            long_topic_posts=1000,
            users=200,
            seed=1,
            stdout=sys.stderr,
            stderr=sys.stderr,
        )
        bench_forum.vacuum_analyze()
    call_command("collectstatic", interactive=False, verbosity=0)


def member_cookie() -> str:
    """A signed-in member's cookies, made as a log-in makes them: the session,
    and the CSRF cookie a browser keeps from its first page with a form."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    member = get_user_model().objects.get(username="seed_user_0001")
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.save()
    csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    return (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}"
    )


TURN_TOPICS = 500
VISITOR, MEMBER, HARD_RELOAD = "visitor", "member", "member, hard reload"


def headers(who: str, cookie: str) -> dict[str, str]:
    """The request headers of `who`."""
    if who == VISITOR:
        return {}
    if who == HARD_RELOAD:
        return {"Cookie": cookie, "Cache-Control": "no-cache"}
    return {"Cookie": cookie}


def pages() -> list[tuple[str, str | tuple[str, ...], bool]]:
    """(name, path or paths, who) of each page raced, the floor first; who
    is VISITOR, MEMBER or HARD_RELOAD (a member asking for a fresh page)."""
    from django.db.models import Count
    from django.utils import translation

    from forum.models import Category, Topic

    hot = Topic.objects.order_by("-highest_post_number", "pk").first()
    category = (
        Category.objects.public()
        .annotate(n=Count("topics"))
        .order_by("-n", "pk")
        .first()
    )
    turn = Topic.objects.listed().filter(category__visibility="public")
    turn = turn.exclude(pk=hot.pk).order_by("pk")[:TURN_TOPICS]
    with translation.override("en"):
        return [
            ("floor (trivial view)", "/", VISITOR),
            ("hot topic page 1, visitor", hot.get_absolute_url(), VISITOR),
            ("latest topics, visitor", "/en/forum/", VISITOR),
            ("category page, visitor", category.get_absolute_url(), VISITOR),
            ("hot topic page 1, member", hot.get_absolute_url(), MEMBER),
            (
                "hot topic page 1, member, hard reload",
                hot.get_absolute_url(),
                HARD_RELOAD,
            ),
            ("latest topics, member", "/en/forum/", MEMBER),
            ("latest topics, member, hard reload", "/en/forum/", HARD_RELOAD),
            (
                "topics in turn, member",
                tuple(topic.get_absolute_url() for topic in turn),
                MEMBER,
            ),
        ]


def forget_reading(paths) -> None:
    """The member has read none of these topics (before each run of "topics
    in turn")."""
    from django.contrib.auth import get_user_model

    from forum.discussions import selectors
    from forum.models import TopicReadState

    member = get_user_model().objects.get(username="seed_user_0001")
    ids = [int(path.rstrip("/").rsplit("/", 1)[1]) for path in paths]
    TopicReadState.objects.filter(user=member, topic_id__in=ids).delete()
    selectors.forget_counts(member)  # nor their counts nor their copies


def in_process(path, sent: dict[str, str]) -> dict:
    """SQL queries of one request, whether it sets a cookie, how it was
    served, the HTML's size: the page asked again, or, of several paths, the
    first read of the second after the first one warmed the caches."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    sent = dict(sent)
    for pair in sent.pop("Cookie").split("; ") if "Cookie" in sent else ():
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    warm = path
    if isinstance(path, tuple):
        forget_reading(path[:2])
        warm, path = path[:2]
    client.get(warm, headers=sent)  # warm: the caches, the menu, the renditions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=sent)
    body = response.content
    return {
        "queries": len(queries),
        "bytes": len(body),
        "gzip": len(gzip.compress(body)),
        "set_cookie": "Set-Cookie" in response,
        "served": response.get("X-Page-Cache", ""),
    }


def serve(app: str, port: int, extra: list[str]) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, our arguments
        [
            str(ROOT / ".venv/bin/gunicorn"),
            app,
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            *extra,
        ],
        cwd=ROOT,
        env=environment(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
            return process
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP answer: it is up
                return process
            time.sleep(0.3)
    raise RuntimeError(f"{app} did not start on port {port}")


def workers_cpu(server: subprocess.Popen) -> float:
    """CPU seconds used so far by the server's worker processes."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
    total = 0
    for pid in children.split():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def rows_written() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "
            "WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


LUA = """
paths = {%s}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  math.randomseed(os.time() * 1000 + id)
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def wrk(port: int, path, sent: dict[str, str], args) -> dict:
    command = [
        "wrk",
        f"-c{args.connections}",
        "-t2",
        f"-d{args.seconds}s",
        "--latency",
    ]
    if isinstance(path, tuple):  # one of these paths at random per request
        script = RESULTS.parent / "turn.lua"
        script.parent.mkdir(exist_ok=True)
        script.write_text(LUA % ", ".join(f'"{each}"' for each in path))
        command += ["-s", str(script), f"http://127.0.0.1:{port}/"]
    else:
        command.append(f"http://127.0.0.1:{port}{path}")
    for name, value in sent.items():
        command[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(  # noqa: S603 - wrk with our arguments
        command, capture_output=True, text=True, check=True
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{path}: {errors.group(1)} error responses\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
    }


def milliseconds(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def race(args, servers, scenarios, cookie) -> dict:
    results = {name: [] for name, _path, _who in scenarios}
    for round_number in range(1, args.rounds + 1):
        for name, path, who in scenarios:
            server, port = servers["floor" if path == "/" else "site"]
            if isinstance(path, tuple):
                forget_reading(path)
            cpu, written = workers_cpu(server), rows_written()
            run = wrk(port, path, headers(who, cookie), args)
            time.sleep(1.2)  # PostgreSQL publishes its counters within a second
            run["cpu_ms"] = (workers_cpu(server) - cpu) * 1000 / run["requests"]
            run["rows"] = (rows_written() - written) / run["requests"]
            results[name].append(run)
            print(
                f"round {round_number}: {name}: {run['rps']:.0f} req/s",
                file=sys.stderr,
            )
    return results


def report(scenarios, results, static) -> str:
    floor = [run["rps"] for run in results[scenarios[0][0]]]
    lines = [
        "| page | req/s | ÷ floor | p50 ms | p99 ms | CPU ms/req | rows "
        "written/req | SQL | Set-Cookie | X-Page-Cache | HTML KB | gzip KB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|",
    ]
    for name, _path, _who in scenarios:
        runs = results[name]
        ratio = statistics.median(
            run["rps"] / base for run, base in zip(runs, floor, strict=True)
        )
        info = static[name]
        lines.append(
            f"| {name} | {statistics.median(r['rps'] for r in runs):,.0f} "
            f"| {ratio:.2f} | {statistics.median(r['p50'] for r in runs):.1f} "
            f"| {statistics.median(r['p99'] for r in runs):.1f} "
            f"| {statistics.median(r['cpu_ms'] for r in runs):.1f} "
            f"| {statistics.median(r['rows'] for r in runs):.2f} "
            f"| {info['queries']} | {'yes' if info['set_cookie'] else 'no'} "
            f"| {info['served'] or '-'} | {info['bytes'] / 1024:.1f} "
            f"| {info['gzip'] / 1024:.1f} |"
        )
    return "\n".join(lines)


def main():
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/race.py needs wrk: apt install wrk")
    prepare(args)
    from django.core.cache import cache

    cache.clear()
    cookie = member_cookie()
    scenarios = pages()
    static = {
        name: in_process(path, headers(who, cookie))
        for name, path, who in scenarios[1:]
    }
    site = serve("config.wsgi:application", SITE_PORT, [])
    floor = serve("floor:application", FLOOR_PORT, ["--pythonpath", "bench"])
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{FLOOR_PORT}/").read()  # noqa: S310
        static[scenarios[0][0]] = {
            "queries": 0,
            "set_cookie": False,
            "served": "",
            "bytes": len(body),
            "gzip": len(gzip.compress(body)),
        }
        servers = {"site": (site, SITE_PORT), "floor": (floor, FLOOR_PORT)}
        for _name, path, who in scenarios:  # warm every worker
            port = FLOOR_PORT if path == "/" else SITE_PORT
            warm = argparse.Namespace(connections=2, seconds=1)
            wrk(port, path, headers(who, cookie), warm)
        results = race(args, servers, scenarios, cookie)
    finally:
        for process in (site, floor):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
    table = report(scenarios, results, static)
    header = (
        f"# Race: the site against the floor\n\n`bench/race.py --seconds "
        f"{args.seconds} --rounds {args.rounds}`, {time.strftime('%Y-%m-%d %H:%M')}"
        f", wrk -c{args.connections}, gunicorn 2 sync workers, "
        f"{os.cpu_count()} CPUs (shared with wrk and PostgreSQL).\n\n"
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(header + table + "\n")
    print(header + table)


if __name__ == "__main__":
    main()
