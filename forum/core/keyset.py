"""Keyset pagination: "the rows after this one", without OFFSET or COUNT(*).

A page is the first `per_page` rows of the ordering after a cursor, the
ordering's values of the previous page's last row; one more row is fetched to
know whether there is a next page. The cost of a page is the same on page 1
and page 1,000, and no page counts the rows. What it cannot say is how many
pages there are, and lists here never show that (Discourse's do not either).

Cursors are the values as integers joined by dots (datetimes in microseconds
since the epoch, booleans as 0 or 1), so they need no escaping in a URL. A
cursor that does not parse is the first page.
"""

import operator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce

from django.db import models
from django.db.models import Q

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass
class KeysetPage:
    object_list: list
    next_cursor: str | None

    def has_next(self) -> bool:
        return self.next_cursor is not None


def page(queryset, ordering: list[str], cursor: str | None, per_page: int):
    """The page of `queryset` in `ordering` that follows `cursor`.

    The ordering must end in a unique field (the primary key) and name no
    nullable field.
    """
    fields = [_field(queryset.model, name.lstrip("-")) for name in ordering]
    values = _decode(cursor, fields)
    if values is not None:
        queryset = queryset.filter(_after(ordering, values))
    rows = list(queryset.order_by(*ordering)[: per_page + 1])
    return _page_of(rows, ordering, fields, per_page)


def first_page(rows: list, model, ordering: list[str], per_page: int):
    """The page made of `rows`, the first `per_page + 1` rows of a query in
    `ordering` (run by the caller, say as a prepared query)."""
    fields = [_field(model, name.lstrip("-")) for name in ordering]
    return _page_of(rows, ordering, fields, per_page)


def _page_of(rows: list, ordering: list[str], fields: list, per_page: int):
    more = len(rows) > per_page
    rows = rows[:per_page]
    next_cursor = _encode(rows[-1], ordering, fields) if more else None
    return KeysetPage(object_list=rows, next_cursor=next_cursor)


def _after(ordering: list[str], values: list) -> Q:
    """Rows after `values` in `ordering`: (a, b, c) < (x, y, z), spelled out."""
    steps = []
    for i, name in enumerate(ordering):
        beyond = "lt" if name.startswith("-") else "gt"
        step = Q(**{f"{name.lstrip('-')}__{beyond}": values[i]})
        for earlier, value in zip(ordering[:i], values[:i], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        steps.append(step)
    return reduce(operator.or_, steps)


def _field(model, name: str) -> models.Field:
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _encode(row, ordering: list[str], fields: list[models.Field]) -> str:
    parts = []
    for name, field in zip(ordering, fields, strict=True):
        value = getattr(row, name.lstrip("-"))
        if isinstance(field, models.DateTimeField):
            value = (value - EPOCH) // MICROSECOND
        parts.append(str(int(value)))
    return ".".join(parts)


def _decode(cursor: str | None, fields: list[models.Field]) -> list | None:
    parts = (cursor or "").split(".")
    if len(parts) != len(fields):
        return None
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        return None
    values = []
    for number, field in zip(numbers, fields, strict=True):
        if isinstance(field, models.DateTimeField):
            try:
                values.append(EPOCH + number * MICROSECOND)
            except OverflowError:
                return None
        elif isinstance(field, models.BooleanField):
            values.append(bool(number))
        else:
            values.append(number)
    return values
