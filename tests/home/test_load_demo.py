import io
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Revision

from home.models import NewsPage, SeminarPage, Speaker
from tests.conftest import _restore_wagtail_roots, demo_seminar


def snapshot():
    """Every row the demo touches, as comparable values."""
    return {
        "pages": sorted(
            Page.objects.values_list(
                "locale__language_code", "url_path", "title", "live"
            )
        ),
        "revisions": Revision.objects.count(),
        "speakers": sorted(
            Speaker.objects.values_list("locale__language_code", "name")
        ),
        "users": sorted(get_user_model().objects.values_list("username", flat=True)),
        "rows": {
            model._meta.label: model.objects.count()
            for model in apps.get_models()
            if model._meta.app_label
            in {"home", "wagtaildocs", "wagtailimages", "taggit"}
        },
    }


def test_load_demo_twice_gives_the_same_content(demo):
    before = snapshot()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert snapshot() == before
    assert "0 objects created" in out.getvalue()


def test_demo_has_the_seminar_and_news_in_three_languages(demo):
    # The Astana seminar and an upcoming one, each in three languages.
    assert SeminarPage.objects.live().count() == 6
    assert NewsPage.objects.live().count() == 3
    upcoming = [page for page in SeminarPage.objects.live() if page.is_upcoming]
    assert sorted(page.locale.language_code for page in upcoming) == ["en", "kk", "ru"]
    english = demo_seminar("en")
    assert "Astana" in english.city
    assert len(english.agenda) == 2
    assert {speaker.organisation for speaker in english.speakers} >= {
        "Center of Excellence for Public Sector Marketing (CEPSM, Canada)"
    }


def test_demo_prints_the_accounts_it_created(db):
    _restore_wagtail_roots()  # a transactional test before may have flushed them
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    for username in ("editor", "moderator", "aigerim", "daniyar"):
        assert username in out.getvalue()
    assert get_user_model().objects.get(username="editor").is_superuser


@pytest.mark.django_db
def test_demo_accounts_exist_only_where_settings_allow(settings):
    settings.DEMO_ACCOUNTS = False
    _restore_wagtail_roots()  # a transactional test before may have flushed them
    get_user_model().objects.all().delete()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert not get_user_model().objects.exists()
    assert "Demo accounts" not in out.getvalue()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_demo_seminar_shows_each_image_once(client, demo, language):
    """The banner heads the page; the materials show a picture of their own."""

    seminar = demo_seminar(language)
    html = client.get(seminar.url).content.decode()
    # Storage may add a suffix to a file name taken by an earlier run.
    files = [
        re.match(r"seminar-(banner|room)", src.rsplit("/", 1)[-1])[1]
        for src in re.findall(r'<img[^>]*src="([^"]+)"', html)
    ]
    assert sorted(files) == ["banner", "room"]
