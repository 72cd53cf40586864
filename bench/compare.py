"""This checkout against another commit: the CPU one page costs, side by side.

    .venv/bin/python bench/compare.py --base 2ffef37
    .venv/bin/python bench/compare.py --base main~3 --path /en/forum/ --who visitor

On a shared, noisy machine a change worth 10% disappears between two runs of
bench/race.py or bench/forum.py. Here each side measures in its own process,
on the same data, in turns: each turn asks for the page in batches and keeps
the cheapest batch (CPU time of the process, in-process through Django's test
client, production settings with Redis, as bench/race.py serves the site), and
the table shows every turn's number, so the noise shows too. The base is
checked out into a temporary git worktree (sharing .venv, with its own
translations and static files) and removed afterwards.

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
    parser.add_argument("--turns", type=int, default=3, help="per side")
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--batch", type=int, default=20, help="requests per batch")
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (args.base or args.measure):
        parser.error("--base is required")
    return args


def main():
    args = parse_args()
    if args.measure:
        measure(args)
        return
    paths = args.path or ["/en/forum/", HOT_TOPIC, "category"]
    with tempfile.TemporaryDirectory(prefix="compare-") as scratch:
        base = Path(scratch) / "base"
        check_out(args.base, base)
        try:
            sides = {args.base: base, "this checkout": ROOT}
            results = {side: [] for side in sides}
            for turn in range(args.turns):
                for side, root in sides.items():
                    print(f"turn {turn + 1}: {side}", file=sys.stderr, flush=True)
                    results[side].append(run(root, paths, args))
        finally:
            subprocess.run(  # noqa: S603 - git, our arguments
                ["git", "worktree", "remove", "--force", str(base)],  # noqa: S607
                cwd=ROOT,
                check=False,
            )
    print(report(args, paths, results))


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


def run(root: Path, paths, args) -> list[float]:
    """One turn of one side: milliseconds of CPU per request, per path."""
    command = [
        str(ROOT / ".venv/bin/python"),
        str(ROOT / "bench/compare.py"),
        f"--who={args.who}",
        f"--batches={args.batches}",
        f"--batch={args.batch}",
        "--measure",
        *paths,
    ]
    done = subprocess.run(  # noqa: S603 - ourselves, our arguments
        command, cwd=root, check=True, capture_output=True, text=True
    )
    return [float(value) for value in done.stdout.split()]


def measure(args) -> None:
    """In a side's own checkout (the working directory): set Django up with
    that side's bench/race.py and print the cheapest batch's CPU per request
    of each path, in milliseconds."""
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
    answers = []
    for path in args.measure:
        path = aliases.get(path, path)
        for _ in range(args.batch):  # warm: caches, stencils, compiled SQL
            client.get(path, headers=headers)
        cheapest = float("inf")
        for _ in range(args.batches):
            start = time.process_time()
            for _ in range(args.batch):
                client.get(path, headers=headers)
            cheapest = min(cheapest, (time.process_time() - start) / args.batch)
        answers.append(f"{cheapest * 1000:.2f}")
    print(" ".join(answers))


def report(args, paths, results) -> str:
    sides = list(results)
    lines = [
        f"`bench/compare.py --base {args.base} --who '{args.who}'`: CPU ms per "
        f"request, the cheapest of {args.batches} batches of {args.batch}, "
        f"{args.turns} turns a side",
        "",
        "| page | " + " | ".join(sides) + " | change |",
        "|---|" + "---:|" * (len(sides) + 1),
    ]
    for index, path in enumerate(paths):
        cells, medians = [], []
        for side in sides:
            values = [turn[index] for turn in results[side]]
            medians.append(statistics.median(values))
            cells.append(" / ".join(f"{value:.1f}" for value in values))
        change = (medians[1] - medians[0]) / medians[0] * 100
        lines.append(f"| {path} | " + " | ".join(cells) + f" | {change:+.0f}% |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
