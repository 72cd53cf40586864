"""The search page: query language, chips, facets, fallback, suggestions."""

import pytest
from django.urls import reverse
from django.utils import translation

from forum.discussions import services
from search import backend as chooser


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def indexed(make_topic, members_category, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        public = make_topic(title="Flood warnings on Telegram", tags=["crisis"])
        secret = services.topic_create(
            actor=member,
            category=members_category,
            title="Flood drill, internal",
            raw="Internal flood notes.",
        )
    return public, secret


def test_results_show_type_language_snippet_and_link(client, indexed):
    public, _secret = indexed
    body = client.get(reverse("search"), {"q": "flood"}).content.decode()
    assert public.title in body
    assert f'href="/en{public.get_absolute_url()[3:]}"' in body
    assert 'class="type-badge type-topic"' in body
    assert "<mark>" in body or public.title in body


def test_members_only_results_never_reach_a_visitor(client, indexed, member):
    _public, secret = indexed
    assert (
        secret.title
        not in client.get(reverse("search"), {"q": "flood"}).content.decode()
    )
    client.force_login(member)
    assert (
        secret.title in client.get(reverse("search"), {"q": "flood"}).content.decode()
    )


def test_bad_filters_are_explained_not_a_500(client, indexed):
    response = client.get(reverse("search"), {"q": "flood type:video after:2026-13-45"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "type:" in body and "YYYY-MM-DD" in body
    assert indexed[0].title in body  # the rest of the query still searched


def test_active_filters_show_as_removable_chips(client, indexed):
    body = client.get(
        reverse("search"), {"q": "flood tags:crisis type:topic"}
    ).content.decode()
    assert 'class="chips"' in body
    assert "Remove filter" in body
    assert "q=flood+type%3Atopic" in body  # removing the tag keeps the rest


def test_facets_link_to_narrower_searches(client, indexed):
    body = client.get(reverse("search"), {"q": "flood"}).content.decode()
    assert 'id="facet-type"' in body
    assert "q=flood+type%3Atopic" in body


def test_search_falls_back_to_the_database_when_elasticsearch_is_down(
    client, indexed, settings
):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
    chooser.reset()
    try:
        response = client.get(reverse("search"), {"q": "flood"})
    finally:
        chooser.reset()
    assert response.status_code == 200
    body = response.content.decode()
    assert "backup search" in body
    assert indexed[0].title in body


def test_title_suggestions_while_typing(client, indexed):
    body = client.get(
        reverse("search_suggest"), {"q": "Flood w"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Flood warnings on Telegram" in body
    assert "<html" not in body


def test_opensearch_description(client, db):
    response = client.get(reverse("opensearch"))
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    assert "{searchTerms}" in response.content.decode()


def test_pages_advertise_opensearch(client, demo):
    assert 'rel="search" type="application/opensearchdescription+xml"' in (
        client.get("/en/").content.decode()
    )


def test_the_search_page_speaks_russian(client, indexed):
    with translation.override("ru"):
        body = client.get(reverse("search"), {"q": "flood"}).content.decode()
    assert '<html lang="ru">' in body


def test_group_off_is_a_chip_that_groups_again(client, indexed):
    body = client.get(reverse("search"), {"q": "flood group:off"}).content.decode()
    assert "every match separately" in body
    assert 'href="/en/search/?q=flood"' in body  # the chip's remove link
    assert "q=flood+type%3Atopic+group%3Aoff" in body  # facets keep it
