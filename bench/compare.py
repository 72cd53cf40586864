"""This checkout against another commit: the CPU one page costs, side by side.

    .venv/bin/python bench/compare.py --base 2ffef37
    .venv/bin/python bench/compare.py --base main~3 --path /en/forum/ --who visitor

On a shared, noisy machine a change worth 10% disappears between two runs of
bench/race.py or bench/forum.py, and even between two batches a few seconds
apart: the machine's speed drifts by more than that. So the two sides run in
lockstep: each in a process of its own, with its own checkout, set up with its
own bench/race.py (production settings with Redis, through Django's test
client), answers one request at a time when told, and the two take turns
request by request, in alternating order. A slow spell then costs both sides
of a pair alike, and the pairs' differences tell the change: the table gives
each side's median CPU time per request, the median of the paired
differences and their middle half (interquartile range). Where that range
holds zero, the change is noise. The base is checked out into a temporary
git worktree (sharing .venv, with its own translations and static files) and
removed afterwards. The two sides share the database and Redis, as two
releases of one site would: a cached fragment whose key both commits make
alike is rendered by one side and read by the other, so a change to how a
fragment looks without a new key (rows.VERSION, fragments.CONTENT_VERSION)
is not measured here.

Needs what bench/race.py needs but wrk and gunicorn: PostgreSQL and Redis on
127.0.0.1, and its database (`forum_race_bench`, seeded by race.py or here).
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WHO = ("member", "member, hard reload", "visitor")
HOT_TOPIC = "hot"
WARM = 20  # requests a side makes of each page before the pairs: its caches


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="a commit, branch or tag (required)")
    parser.add_argument(
        "--path",
        action="append",
        help=f"a page (repeatable; '{HOT_TOPIC}' is the 1,000-post topic); "
        "default: the latest list, the hot topic, the busiest category",
    )
    parser.add_argument("--who", choices=WHO, default="member, hard reload")
    parser.add_argument("--pairs", type=int, default=300, help="per page")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (args.base or args.serve):
        parser.error("--base is required")
    return args


def main():
    args = parse_args()
    if args.serve:
        serve(args)
        return
    paths = args.path or ["/en/forum/", HOT_TOPIC, "category"]
    with tempfile.TemporaryDirectory(prefix="compare-") as scratch:
        base = Path(scratch) / "base"
        check_out(args.base, base)
        try:
            # One after the other: each side migrates the shared database.
            sides = {}
            for name, root in ((args.base, base), ("this checkout", ROOT)):
                sides[name] = start(root, args)
                sides[name].stdout.readline()  # "ready": Django is set up
            results = {path: pairs(sides, path, args.pairs) for path in paths}
            for side in sides.values():
                side.stdin.close()
                side.wait()
        finally:
            subprocess.run(  # noqa: S603 - git, our arguments
                ["git", "worktree", "remove", "--force", str(base)],  # noqa: S607
                cwd=ROOT,
                check=False,
            )
    print(report(args, list(sides), results))


def check_out(ref: str, where: Path) -> None:
    """`ref` in a worktree of its own, ready to serve: .venv shared, its own
    compiled translations and the installed front-end assets."""
    git = ["git", "worktree", "add", "--detach", "--quiet", str(where), ref]
    subprocess.run(git, cwd=ROOT, check=True)  # noqa: S603
    (where / ".venv").symlink_to(ROOT / ".venv")
    if (ROOT / "static/vendor").is_dir():
        shutil.copytree(ROOT / "static/vendor", where / "static/vendor")
    subprocess.run(  # noqa: S603 - our own manage.py
        [str(ROOT / ".venv/bin/python"), "manage.py", "compile_translations"],
        cwd=where,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start(root: Path, args) -> subprocess.Popen:
    """A side's process, in its own checkout, waiting for pages to ask for."""
    command = [
        str(ROOT / ".venv/bin/python"),
        str(ROOT / "bench/compare.py"),
        f"--who={args.who}",
        "--serve",
    ]
    return subprocess.Popen(  # noqa: S603 - ourselves, our arguments
        command,
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        bufsize=1,
    )


def ask(side: subprocess.Popen, path: str) -> float:
    side.stdin.write(path + "\n")
    return float(side.stdout.readline())


def pairs(sides: dict, path: str, count: int) -> dict[str, list[float]]:
    """`count` requests of `path` from each side, taking turns, the side
    that goes first alternating: CPU milliseconds per request, per side."""
    print(f"{path}: warming up, then {count} pairs", file=sys.stderr, flush=True)
    order = list(sides)
    for name in order:
        for _ in range(WARM):
            ask(sides[name], path)
    times = {name: [] for name in order}
    for turn in range(count):
        for name in order if turn % 2 == 0 else reversed(order):
            times[name].append(ask(sides[name], path))
    return times


def serve(args) -> None:
    """In a side's own checkout (the working directory): set Django up with
    that side's bench/race.py, then, for each page named on stdin, request it
    once and print the CPU milliseconds the request took."""
    import importlib.util
    import time

    side = Path.cwd()
    sys.path.insert(0, str(side))
    spec = importlib.util.spec_from_file_location("race", side / "bench/race.py")
    race = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(race)
    race.prepare(argparse.Namespace(reseed=False))

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    headers = {}
    if args.who != "visitor":
        for pair in race.member_cookie().split("; "):
            name, value = pair.split("=", 1)
            client.cookies[name] = value
    if args.who == "member, hard reload":
        headers = {"Cache-Control": "no-cache"}
    known = {name: path for name, path, _who in race.pages()}
    aliases = {
        HOT_TOPIC: known["hot topic page 1, visitor"],
        "category": known["category page, visitor"],
    }
    print("ready", flush=True)
    for line in sys.stdin:
        path = aliases.get(line.strip(), line.strip())
        began = time.process_time()
        client.get(path, headers=headers)
        print(f"{(time.process_time() - began) * 1000:.4f}", flush=True)


def report(args, sides: list[str], results: dict) -> str:
    lines = [
        f"`bench/compare.py --base {args.base} --who '{args.who}'`: CPU ms per "
        f"request, {args.pairs} pairs a page, the sides taking turns",
        "",
        f"| page | {sides[0]} | {sides[1]} | paired difference (middle half) "
        "| change |",
        "|---|---:|---:|---|---:|",
    ]
    for path, times in results.items():
        base, this = times[sides[0]], times[sides[1]]
        differences = [mine - theirs for theirs, mine in zip(base, this, strict=True)]
        low, middle, high = statistics.quantiles(differences, n=4)
        lines.append(
            f"| {path} | {statistics.median(base):.2f} | {statistics.median(this):.2f}"
            f" | {middle:+.2f} ({low:+.2f} … {high:+.2f})"
            f" | {middle / statistics.median(base) * 100:+.1f}% |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
