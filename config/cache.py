"""A Redis cache that a Redis outage turns into an empty cache, not an error.

Every page touches the cache (the menu, the bell, rate limits, sessions'
accelerator, visits), so Django's RedisCache raising on a dead connection made
every page a 500. Here a failed call is logged and answered like a miss: `get`
returns the default, `set`/`add`/`delete` do nothing (and say so: False), and
`incr` raises ValueError, Django's "no such key". After a failure the process
(all its threads) leaves Redis alone for COOLDOWN seconds, so that pages are
not each held up by a timeout, then tries again.

What a miss means is each caller's business: sessions load from the database
(SESSION_ENGINE "cached_db"), rate limits let the request through, the bell
counts with a query. Deletes that fail during an outage leave entries that
expire with their timeout: every cached value here has one.
"""

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

COOLDOWN = 5.0
ERRORS = (RedisError, OSError)


class _Outage:
    """Per process: whether Redis failed within the last COOLDOWN seconds."""

    def __init__(self):
        self._lock = threading.Lock()
        self._until = 0.0
        self._reported = False

    def ongoing(self) -> bool:
        return time.monotonic() < self._until

    def begin(self, error: Exception) -> None:
        with self._lock:
            self._until = time.monotonic() + COOLDOWN
            if not self._reported:
                self._reported = True
                logger.warning("cache unavailable, serving without it: %s", error)

    def reset(self) -> None:
        """Try Redis on the next call (tests)."""
        with self._lock:
            self._until = 0.0

    def end(self) -> None:
        if self._reported:
            with self._lock:
                if self._reported:
                    self._reported = False
                    logger.info("cache available again")


def _tolerant(missing):
    """Run the cache call, or answer `missing(*args, **kwargs)` (the call's own
    arguments) while Redis is down."""

    def decorate(method):
        @wraps(method)
        def call(self, *args, **kwargs):
            if self.outage.ongoing():
                return missing(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except ERRORS as error:
                self.outage.begin(error)
                return missing(*args, **kwargs)
            self.outage.end()
            return result

        return call

    return decorate


def _default(key, default=None, version=None):
    return default


def _no_such_key(*args, **kwargs):
    raise ValueError("the cache is unavailable")


def _answer(value):
    return lambda *args, **kwargs: value


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_of(location: str) -> _Outage:
    """One record per Redis server and process: Django makes a cache object
    per thread, and every thread should benefit from one's timeout."""
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class _ReusingClient(RedisCacheClient):
    """Django's client makes a new redis.Redis for every call, which copies
    some 170 response callbacks (a tenth of a millisecond, ten times a page);
    one per connection pool serves every call, from any thread, as the pool
    does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient
        self.outage = _outage_of(str(server))

    get = _tolerant(_default)(RedisCache.get)
    add = _tolerant(_answer(False))(RedisCache.add)
    set = _tolerant(_answer(None))(RedisCache.set)
    touch = _tolerant(_answer(False))(RedisCache.touch)
    delete = _tolerant(_answer(False))(RedisCache.delete)
    get_many = _tolerant(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _tolerant(_answer(False))(RedisCache.has_key)
    incr = _tolerant(_no_such_key)(RedisCache.incr)
    set_many = _tolerant(lambda keys, *args, **kwargs: list(keys))(RedisCache.set_many)
    delete_many = _tolerant(_answer(None))(RedisCache.delete_many)
    clear = _tolerant(_answer(False))(RedisCache.clear)
