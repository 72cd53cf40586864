"""Sessions in the database, read through the cache for a minute at most.

Django's cached_db keeps a session in the cache for as long as the session
lives (two weeks). During a Redis outage a log-out deletes the database row
but cannot delete the cached copy (config/cache.py answers the failed delete
quietly), and once Redis answers again, after a hang or a partition that kept
its data, that copy would log the member back in. Here the cache keeps a
session CACHE_SECONDS at most: a stale copy outlives an outage by less than a
minute, and a member's requests within a minute still read it from the cache.
"""

from django.contrib.sessions.backends import cached_db

CACHE_SECONDS = 60


def _capped(timeout):
    return CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)


class _ShortLived:
    """The cache, with every session's timeout capped."""

    def __init__(self, cache):
        self._cache = cache

    def __contains__(self, key):
        return key in self._cache

    def __str__(self):
        return str(self._cache)

    def get(self, key, default=None):
        return self._cache.get(key, default)

    async def aget(self, key, default=None):
        return await self._cache.aget(key, default)

    def set(self, key, value, timeout=None):
        self._cache.set(key, value, _capped(timeout))

    async def aset(self, key, value, timeout=None):
        await self._cache.aset(key, value, _capped(timeout))

    def delete(self, key):
        return self._cache.delete(key)

    async def adelete(self, key):
        return await self._cache.adelete(key)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ShortLived(self._cache)
