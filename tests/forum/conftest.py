import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Reverse and render under /en/ unless a test says otherwise."""
    with translation.override("en"):
        yield
