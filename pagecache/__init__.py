"""The anonymous page cache: whole pages for visitors, as Discourse serves them.

A visitor (no session cookie) asking for a public page under a language prefix
gets the response a previous visitor got, from the cache, without a query,
for up to settings.PAGE_CACHE_SECONDS. Members never read or fill it (they
have copies of their own, below).
pagecache/middleware.py says exactly what is stored and what is served.

What invalidates it is a *generation* number in the cache: every entry carries
the generation it was rendered in, and is served only while that is current.
`changed()` starts a new generation, and the middleware calls it after every
successful write request (any method but GET, HEAD, OPTIONS and TRACE answered
below 400), so a write invalidates by default, whoever makes it, the admin
included. Views whose writes only their writer sees (drafts, bookmarks,
reading a notification) say so with `keeps_public_pages`. Writes outside
requests call `changed()` themselves (home does on page publishing); what is
left shows within PAGE_CACHE_SECONDS: beat's view counts, a suspension that
ends by the clock, topics ageing out of "new", a trust level's badge on
another member's posts, changes made from a shell or a command.

A view that must run something even when its page is served from the cache
(counting a topic view) attaches notes with `note()`; the middleware stores
them with the page and sends `served_from_cache` with them on every hit.

A member's pages are theirs alone, and a member who opens a page again (a
reload, the back button, a crawl of their own tabs) gets the copy they were
given, from the cache, when nothing they would see has changed since:
pagecache/middleware.py's MemberPageCacheMiddleware. Such a copy is kept
under the member's session and CSRF cookie, so no other session ever gets it,
and is served while three things stand as when it was rendered: the
generation (every write anyone makes that a visitor could see), the member's
own *version*, and the day. `members_changed(*user_ids)` starts a new version
for these members: the middleware calls it after a member's write that only
they see (`keeps_public_pages`), and the site calls it for what changes a
member's page outside their requests: a notification for them, their read
markers moving, their trust level, suspension or roles.

This package imports nothing of the site (import-linter holds it), so forum
and home may import it.
"""

import contextvars
import time
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

GENERATION = "pagecache:generation"
# Long enough never to expire between writes; a lost generation only empties
# the page cache, since a new one is never a number used before.
GENERATION_SECONDS = 7 * 24 * 60 * 60

# Sent with `request`, the page's `notes` and `member_id` (a member's own
# copy; None for a visitor's page) when a page is served from the cache.
served_from_cache = Signal()


def changed() -> None:
    """Everything cached so far is stale: start a new generation, now and
    again at commit (a write outside a request, such as beat's publishing,
    calls this inside its transaction: a page rendered before the commit
    must not pass for current)."""
    _next_generation()
    transaction.on_commit(_next_generation)


def _next_generation() -> None:
    forget_remembered(GENERATION)
    try:
        cache.incr(GENERATION)
    except ValueError:  # no generation yet, or the cache is unavailable
        cache.set(GENERATION, time.time_ns(), GENERATION_SECONDS)


# The generation as the request being served first read it (the middleware
# opens the scope): a page's parts keyed by it (a member's counts, the
# category cards) cost no cache round trip each. Other values every part of a
# page reads (the fragments' stamp) are kept here too: `remembered`.
_known: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "pagecache_known", default=None
)


@contextmanager
def request_scope():
    """Read the generation, and each `remembered` value, at most once inside
    the block (but again after `changed()` or `forget_remembered`)."""
    token = _known.set({})
    try:
        yield
    finally:
        _known.reset(token)


def generation(found=None) -> int:
    """The current generation (from `found`, a get_many's answer, when it has
    it), starting one when there is none; read once per request."""
    return remembered(GENERATION, lambda: _read_generation(found))


def _read_generation(found) -> int:
    current = (found or {}).get(GENERATION) or cache.get(GENERATION)
    if current is None:
        cache.add(GENERATION, time.time_ns(), GENERATION_SECONDS)
        current = cache.get(GENERATION)
    return current


def remembered(key: str, read):
    """`read()`, called once per request scope for `key` (every time outside
    one, and again while it answers None); `forget_remembered(key)` when the
    value changes."""
    known = _known.get()
    if known is None:
        return read()
    if (value := known.get(key)) is None:
        value = known[key] = read()
    return value


def forget_remembered(key: str) -> None:
    if (known := _known.get()) is not None:
        known.pop(key, None)


def known_values(keys) -> dict | None:
    """The values remembered for all of `keys` (by `remember` or
    `remembered`), or None when one of them is not known."""
    if (values := _known.get()) is None or any(key not in values for key in keys):
        return None
    return {key: values[key] for key in keys}


def remember(found: dict, keys) -> None:
    """Keep `found`'s values for `keys` (a get_many's answer) for the rest
    of the request, where `remembered` and `known_values` answer them; a key it
    lacks stays unknown, to be read when asked."""
    if (values := _known.get()) is not None:
        for key in keys:
            if found.get(key) is not None:
                values.setdefault(key, found[key])


# What every member's page reads from the cache besides the page's copy:
# each app names its keys (`reads_for_members`), and MemberPageCacheMiddleware
# fetches them in the round trip that looks for the copy, so that a page
# rendered anew does not go back to the cache for each (the permission facts,
# the bell, the fragments' stamp, the menu, the day's visit).
_member_reads: list = []


def reads_for_members(keys_for) -> None:
    """Register `keys_for(request, member_id)`: the cache keys a page of this
    member will read (read them through `remembered` or `known_values`, and drop
    what the request changes with `forget_remembered`)."""
    if keys_for not in _member_reads:
        _member_reads.append(keys_for)


def member_reads(request, member_id: int) -> list[str]:
    return [key for keys_for in _member_reads for key in keys_for(request, member_id)]


def member_key(user_id: int) -> str:
    return f"pagecache:member:{user_id}"


def members_changed(*user_ids: int) -> None:
    """What these members see has changed: start a new version for each, now
    and again at commit, so that no page rendered in between from what was
    not yet committed is served under the new version."""
    if not user_ids:
        return

    def start():
        stamp = time.time_ns()
        cache.set_many({member_key(pk): stamp for pk in user_ids}, GENERATION_SECONDS)

    start()
    transaction.on_commit(start)
    if (moved := _moved.get()) is not None:
        moved.update(user_ids)


# The members whose version moved during the request being served.
_moved: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "pagecache_moved", default=None
)


@contextmanager
def noting_moves():
    """Collect, in the set it gives, the members whose version moves inside
    the block (a page that moved its own reader's version is stale at once)."""
    moved: set = set()
    token = _moved.set(moved)
    try:
        yield moved
    finally:
        _moved.reset(token)


def member_version(user_id: int, found=None):
    """The member's current version (from `found`, a get_many's answer, when
    it has it), starting one when there is none."""
    current = (found or {}).get(member_key(user_id))
    if current is None:
        cache.add(member_key(user_id), time.time_ns(), GENERATION_SECONDS)
        current = cache.get(member_key(user_id))
    return current


def keeps_public_pages(view):
    """Mark a view whose writes change nothing anyone but the writer sees
    (neither a visitor nor another member): they move only the writer's
    version, and every other cached page stays current."""
    view.keeps_public_pages = True
    return view


def note(response, **notes):
    """Attach notes that `served_from_cache` will carry on every later hit."""
    response.pagecache_notes = getattr(response, "pagecache_notes", {}) | notes
    return response
