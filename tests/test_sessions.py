"""Production's sessions: in the database, read through the cache for a minute
at most, so that a log-out during a Redis outage sticks (config/sessions.py)."""

from django.contrib.sessions.models import Session

from config.sessions import CACHE_SECONDS, SessionStore


def test_a_session_stays_in_the_cache_a_minute_at_most(db, monkeypatch):
    timeouts = []
    store = SessionStore()
    cache = store._cache._cache
    real_set = cache.set

    def set_and_note(key, value, timeout=None, version=None):
        timeouts.append(timeout)
        real_set(key, value, timeout)

    monkeypatch.setattr(cache, "set", set_and_note)
    store["member"] = 7
    store.save()
    assert timeouts and set(timeouts) == {CACHE_SECONDS} == {60}
    assert Session.objects.filter(session_key=store.session_key).exists()

    timeouts.clear()
    cache.delete(store.cache_key)
    again = SessionStore(store.session_key)
    assert again["member"] == 7  # from the database, then cached again
    assert timeouts == [60]


def test_a_session_without_the_cache_is_read_from_the_database(db, monkeypatch):
    store = SessionStore()
    store["member"] = 7
    store.save()
    # The cache lost it (an outage, an eviction): the database still has it.
    store._cache.delete(store.cache_key)
    assert SessionStore(store.session_key)["member"] == 7
