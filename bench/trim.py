"""What the latest list's HTML would weigh with parts of it cut (issue #12).

    .venv/bin/python bench/trim.py

Asks for /en/forum/ as bench/race.py's member does (its database, production
settings, a hard reload), then cuts the page one part after another, each
step on top of the ones before, and prints the bytes each step saves and what
is left. Nothing is cut from the site: this tells what a target in bytes
would cost in what a row shows.
"""

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# One participant's picture in a row: initials, or an uploaded picture.
AVATAR = r'<i class="c\d">[^<]*</i>|<img [^>]*>'
STEPS = [
    (
        "no category cards under the list",
        lambda h: re.sub(
            r'<section aria-labelledby="categories-heading".*?</section>',
            "",
            h,
            flags=re.S,
        ),
    ),
    ("no whitespace between tags", lambda h: re.sub(r">\s+<", "><", h)),
    (
        "no class on the row's links and meta",
        lambda h: re.sub(
            r' class="(topic-title|topic-meta|category-badge|tag|unread-count)"', "", h
        ),
    ),
    (
        "no tooltip with the exact time",
        lambda h: re.sub(r'(<time datetime="[^"]*") title="[^"]*"', r"\1", h),
    ),
    ("no optional end tags (</td>, </tr>)", lambda h: re.sub(r"</t[dr]>", "", h)),
    (
        "no likes column",
        lambda h: re.sub(r"<td><span>[^<]*</span>\d+(?=<td><time)", "", h),
    ),
    ("no labels on the counts", lambda h: re.sub(r"<td><span>[^<]*</span>", "<td>", h)),
    (
        "three participants, not five",
        lambda h: re.sub(f"((?:{AVATAR}){{3}})(?:{AVATAR}){{1,2}}", r"\1", h),
    ),
    (
        "no participants' names",
        lambda h: re.sub(r'<span role="img" title="[^"]*">', "<span>", h),
    ),
]


def latest_page() -> str:
    spec = importlib.util.spec_from_file_location("race", ROOT / "bench/race.py")
    race = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(race)
    race.prepare(type("Args", (), {"reseed": False}))

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for pair in race.member_cookie().split("; "):
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    response = client.get("/en/forum/", headers={"Cache-Control": "no-cache"})
    return response.content.decode()


def main():
    html = latest_page()
    print("| step | saves | left |\n|---|---:|---:|")
    print(f"| the page | | {size(html):,} |")
    for name, cut in STEPS:
        shorter = cut(html)
        print(f"| {name} | {size(html) - size(shorter):,} | {size(shorter):,} |")
        html = shorter


def size(text: str) -> int:
    return len(text.encode())


if __name__ == "__main__":
    main()
