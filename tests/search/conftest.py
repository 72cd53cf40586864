"""Fixtures for the search tests: osmem-server in place of Elasticsearch.

One osmem-server process serves the whole session; every test gets its own
clone of it (a separate in-memory cluster on its own port), so tests never see
each other's indexes. When the server cannot start, the tests that need it are
skipped with the reason on a developer's machine and fail when CI=true, like
every other service (tests/conftest.py).

osmem-server rejects the 9.x client's versioned media type with 406, so the
backends built here use plain JSON (ELASTICSEARCH_COMPAT_HEADERS = False);
production keeps the client's default headers.
"""

import pytest

from tests.conftest import service_missing


@pytest.fixture(scope="session")
def osmem_server():
    """The session's osmem-server; replaces the osmem plugin's own fixture.

    Japanese analysis is off: nothing here is Japanese, and it starts faster.
    """
    from osmem_server import OsmemError, OsmemServer, resolve_binary

    try:
        server = OsmemServer.start(japanese=False, startup_timeout=15)
    except (OsmemError, OSError) as error:
        try:
            where = resolve_binary()
        except OsmemError:
            where = "its bundled binary"
        service_missing("osmem-server", where, error)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def osmem_clone(osmem_server):
    """A fresh, empty cluster for one test, removed afterwards."""
    clone = osmem_server.clone()
    try:
        yield clone
    finally:
        clone.close()


@pytest.fixture
def es_client(osmem_clone):
    """A client for this test's cluster, speaking plain JSON (see above)."""
    from search.backends.elasticsearch import make_client

    client = make_client(osmem_clone.url, compat_headers=False)
    yield client
    client.close()


@pytest.fixture
def es_settings(osmem_clone, settings):
    """Settings that point the site's Elasticsearch backend at this test's cluster."""
    from search import backend

    settings.ELASTICSEARCH_URL = osmem_clone.url
    settings.ELASTICSEARCH_COMPAT_HEADERS = False
    settings.ELASTICSEARCH_INDEX_PREFIX = "test"
    # Searches follow writes at once, as the behavioural suite expects; real
    # Elasticsearch would otherwise show them within a second.
    settings.ELASTICSEARCH_REFRESH = True
    backend.reset()
    yield settings
    backend.reset()


@pytest.fixture
def es_backend(es_settings):
    """A fresh ElasticsearchBackend, built from settings as the site builds it."""
    from search.backends.elasticsearch import ElasticsearchBackend

    backend = ElasticsearchBackend.from_settings()
    yield backend
    backend.client.close()


@pytest.fixture(params=["database", "elasticsearch"])
def search_backend(request, settings, db):
    """The site's search backend, once per backend: the behavioural suite's switch.

    Writes go through the site's services, which index into every configured
    backend; the test then asks the one under test.
    """
    from search.backend import get_backend

    settings.SEARCH_BACKEND = request.param
    if request.param == "elasticsearch":
        request.getfixturevalue("es_settings")
    return get_backend()
