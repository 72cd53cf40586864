"""What cached HTML fragments share: a stamp, a context key, markers.

Fragments are pieces of a page rendered once and kept in the cache: a post's
content and frame (forum/discussions/fragments.py), a topic's row in a list
(forum/discussions/rows.py).

**The stamp** covers what fragments show of rows other than their own. A
post's cached content shows its author's name, picture and organisation; a
topic's cached row shows its category's name and colour, its tags and its
participants (forum/discussions/fragments.py). Each fragment's key is a
digest of its own row, and carries this stamp for the rest: any change to a
member, a profile, a category, a tag or a topic's tags starts a new stamp
(forum/apps.py connects `changed`), and every fragment is rendered afresh
once. Those change seldom next to how often pages are read, and one stamp
costs a page one cache read where a stamp per thing would cost queries.
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

import pagecache

KEY = "forum:fragments:stamp"
SECONDS = 30 * 24 * 60 * 60


def stamp() -> int:
    """The current stamp, starting one when there is none; read once per
    request (a list page's rows and its category cards both need it)."""
    return pagecache.remembered(KEY, _read_stamp)


def _read_stamp() -> int:
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, time.time_ns(), SECONDS)
        value = cache.get(KEY) or 0
    return value


def changed(sender=None, update_fields=None, **kwargs) -> None:
    """Something fragments show of other rows may have changed (a receiver
    of post_save, post_delete and m2m_changed; a log-in, which saves only
    last_login, changes nothing shown): a new stamp now, and again at
    commit, so that a fragment another process renders in between from rows
    not yet committed is not kept under the new stamp."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    _next_stamp()
    transaction.on_commit(_next_stamp)


def _next_stamp() -> None:
    pagecache.forget_remembered(KEY)
    try:
        cache.incr(KEY)
    except ValueError:  # no stamp yet, or the cache is unavailable
        cache.set(KEY, time.time_ns(), SECONDS)


def context_key(*parts) -> str:
    """What every cached fragment depends on besides its own row: the
    language, the time zone and the stamp; then `parts`."""
    return "|".join(
        (
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            str(stamp()),
            *map(str, parts),
        )
    )


def key(kind: str, pk: int, *shown) -> str:
    """The cache key of a `kind` fragment of row `pk`: a digest of everything
    it shows, so that a fragment whose inputs change gets a new key; an entry
    is never stale, only unused until it expires."""
    text = "|".join(map(str, shown))
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return f"forum:{kind}:{pk}:{digest}"


def split(html: str, markers: re.Pattern) -> list[str]:
    """`html` cut at each marker, the markers kept as pieces of their own.

    A fragment with parts that vary by reader or by request is rendered with
    markers in their place and kept as pieces; joining the pieces with each
    marker's value (`fill`) never scans a value, so no text a member wrote
    can pass for a marker."""
    pieces = []
    position = 0
    for match in markers.finditer(html):
        pieces += [html[position : match.start()], match.group()]
        position = match.end()
    pieces.append(html[position:])
    return pieces


def fill(pieces: list[str], values: dict) -> str:
    """The fragment `split` cut, each marker replaced by its value."""
    return "".join(values.get(piece, piece) for piece in pieces)


class Stencils:
    """Stencils (`split` pieces) kept in the process by a key of everything
    they depend on, at most `size` of them; made afresh on every call when
    DEBUG, so that an edited template shows at once."""

    def __init__(self, size: int = 1024):
        self._kept: dict = {}
        self._size = size

    def get(self, key, make) -> list[str]:
        """The stencil for `key`, from `make()` the first time."""
        if settings.DEBUG:
            return make()
        stencil = self._kept.get(key)
        if stencil is None:
            stencil = make()
            if len(self._kept) >= self._size:
                self._kept.clear()
            self._kept[key] = stencil
        return stencil

    def clear(self) -> None:
        self._kept.clear()
