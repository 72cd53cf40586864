"""Querysets compiled to SQL once per process, then run with each call's values.

Django compiles a queryset to SQL every time it is evaluated: pure Python
work that, for the topic page's two main queries (the topic with its
category, parent and accepted answer; a page of posts), cost more than
PostgreSQL takes to run them (issue #12). A `Prepared` query is described by
a function that builds the queryset from placeholders; the first call
compiles it, keeps the SQL and Django's own recipe for turning rows into
model instances (select_related included), and every call after that only
sends the SQL with its values and builds the instances.

    topic_by_pk = Prepared(
        lambda pk: Topic.objects.select_related("category").filter(pk=pk)
    )
    topic_by_pk(42)  # [<Topic: …>]

The queryset must be a plain model query (no values(), prefetch_related or
related manager), and its SQL must not depend on anything but
the placeholders: nothing read from the clock, the settings or the request.
Each placeholder must reach the SQL as a parameter of its own; one that
Django folds into the SQL text, or drops, is refused when compiling.
"""

import threading

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import ModelIterable, get_related_populators

# Integers that fit every integer column (a value out of a column's range is
# folded into the SQL by Django's lookups) and that no query here holds as a
# constant.
_PLACEHOLDER_BASE = 2_000_000_000


class Prepared:
    def __init__(self, build, arity: int = 1):
        self._build = build
        self._arity = arity
        self._recipes: dict = {}
        self._lock = threading.Lock()

    def __call__(self, *values, using: str = DEFAULT_DB_ALIAS) -> list:
        if len(values) != self._arity:
            raise TypeError(f"expected {self._arity} values, got {len(values)}")
        recipe = self._recipes.get(using) or self._compile(using)
        params = [
            constant if slot is None else wrap(values[slot])
            for slot, wrap, constant in recipe.params
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(recipe.sql, params)
            rows = cursor.fetchall()
        return recipe.instances(rows, using)

    def _compile(self, using: str) -> "_Recipe":
        with self._lock:
            if using not in self._recipes:
                placeholders = [_PLACEHOLDER_BASE + i for i in range(self._arity)]
                queryset = self._build(*placeholders)
                self._recipes[using] = _Recipe(queryset, placeholders, using)
            return self._recipes[using]


class _Recipe:
    """What ModelIterable works out from a compiled query before its first
    row, kept."""

    def __init__(self, queryset, placeholders: list[int], using: str):
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
        ):
            raise ValueError("Prepared takes plain model querysets only")
        compiler = queryset.query.get_compiler(using=using)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise ValueError(
                "this query can match nothing, whatever its values"
            ) from None

        # (slot, wrap, constant): a placeholder's value goes in as Django
        # passed the placeholder (psycopg's Int4 for an integer column, say).
        self.params = [
            (placeholders.index(value), type(value), None)
            if isinstance(value, int) and value in placeholders
            else (None, None, value)
            for value in params
        ]
        used = {slot for slot, _, _ in self.params if slot is not None}
        if used != set(range(len(placeholders))):
            raise ValueError(f"a placeholder is not a parameter of: {self.sql}")
        klass_info = compiler.klass_info
        self.annotations = list((compiler.annotation_col_map or {}).items())
        self.compiler = compiler
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        columns = compiler.select[self.start : self.end]
        self.init_list = [column[0].target.attname for column in columns]
        self.populators = get_related_populators(klass_info, compiler.select, using)

    def instances(self, rows: list, using: str) -> list:
        objects = []
        for row in self.compiler.results_iter([rows]):
            obj = self.model.from_db(using, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects
