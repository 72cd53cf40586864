"""Ids and numbers from requests, read strictly: a bad one is a 400 or 404, not a 500.

`str.isdigit()` and `int()` accept more than an id. "²" is a digit to
`isdigit()` but `int()` refuses it (a ValueError, so a 500); `int()` reads "٣"
(Arabic-Indic three), " 7 " and "1_000"; and neither knows that the database's
keys stop at 2**63 - 1, past which SQLite raises OverflowError. An id here is
1 to 19 ASCII digits with a value the database can hold.
"""

import re

from django.urls import register_converter

# PostgreSQL's bigint, the widest key column the project has (BigAutoField).
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """The positive id (or post number) written in `value`, or None."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class IdConverter:
    """`<id:name>` in URL patterns: like `<int:…>`, but an id no key can have
    (zero, or past 64 bits) does not match, so the URL answers 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the resolver takes it as "no match"
        return number

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
