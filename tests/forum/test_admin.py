"""Staff manage categories and suggested tags in the Wagtail admin."""

from django.urls import reverse

from forum.models import Category, Tag


def test_staff_list_and_edit_categories(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="editor"))
    assert client.get(reverse("wagtailsnippets_forum_category:list")).status_code == 200
    category = Category.objects.get(slug="trilingual-content")
    url = reverse("wagtailsnippets_forum_category:edit", args=[category.pk])
    assert client.get(url).status_code == 200


def test_staff_mark_a_tag_as_suggested(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="editor"))
    tag = Tag.objects.create(name="press-release")
    response = client.post(
        reverse("wagtailsnippets_forum_tag:edit", args=[tag.pk]),
        {"name": "press-release", "is_suggested": "on"},
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.is_suggested


def test_members_cannot_manage_categories(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="aigerim"))
    response = client.get(reverse("wagtailsnippets_forum_category:list"))
    assert response.status_code == 302
