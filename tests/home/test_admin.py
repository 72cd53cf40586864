"""Editors can work with every page type in the Wagtail admin."""

import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import TranslationSource

from home.models import HomePage, NewsPage, SeminarIndexPage, SeminarPage, Speaker


@pytest.fixture
def editor_client(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="editor"))
    return client


@pytest.mark.parametrize(
    "model",
    [HomePage, SeminarIndexPage, SeminarPage, NewsPage],
    ids=lambda m: m.__name__,
)
def test_editor_opens_each_page_type_in_the_admin(editor_client, model):
    page = model.objects.filter(locale__language_code="ru").first()
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200


def test_editor_can_add_a_news_article_under_the_news_index(editor_client):
    news_index = NewsPage.objects.get(locale__language_code="en").get_parent()
    url = reverse("wagtailadmin_pages:add", args=["home", "newspage", news_index.pk])
    assert editor_client.get(url).status_code == 200


def test_speakers_are_managed_as_translatable_snippets(editor_client):
    url = reverse("wagtailsnippets_home_speaker:list")
    response = editor_client.get(url)
    assert response.status_code == 200
    assert Speaker.objects.filter(locale__language_code="kk").count() == 2


def test_members_cannot_reach_the_admin(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="aigerim"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editor_translates_a_page_with_wagtail_localize(editor_client):
    """A new Kazakh article is submitted for translation into Russian."""
    news_index = NewsPage.objects.get(locale__language_code="kk").get_parent()
    article = NewsPage(
        title="Жаңа мақала", slug="zhana-makala", summary="Қысқаша", body=[]
    )
    news_index.add_child(instance=article)
    article.save_revision().publish()
    russian = Locale.objects.get(language_code="ru")

    response = editor_client.post(
        reverse("wagtail_localize:submit_page_translation", args=[article.pk]),
        {"locales": [russian.pk]},
    )

    assert response.status_code == 302
    translation = article.get_translation(russian)
    assert translation.title == "Жаңа мақала"  # to be translated in the editor
    assert TranslationSource.objects.get_for_instance_or_none(article) is not None
