"""Revisions, scheduled publishing and the news moderation workflow."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import WorkflowState

from home.models import NewsIndexPage, NewsPage
from home.tasks import publish_scheduled_pages


def new_article(language="ru", **fields) -> NewsPage:
    index = NewsIndexPage.objects.get(locale__language_code=language)
    article = NewsPage(
        title="Новая статья",
        slug="new-article",
        summary="Кратко",
        body=[("paragraph", "<p>Текст</p>")],
        live=False,
        **fields,
    )
    index.add_child(instance=article)
    return article


def test_news_is_reviewed_by_moderators_before_it_goes_live(demo, django_user_model):
    editor = django_user_model.objects.get(username="editor")
    article = new_article()
    article.save_revision(user=editor)

    workflow = article.get_workflow()
    assert workflow is not None and workflow.name == "News review"
    state = workflow.start(article, editor)

    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    task = state.current_task_state.task.specific
    assert list(task.groups.all()) == [Group.objects.get(name="Moderators")]
    assert not NewsPage.objects.get(pk=article.pk).live


def test_approval_by_a_moderator_publishes_the_article(demo, django_user_model):
    editor = django_user_model.objects.get(username="editor")
    moderator = django_user_model.objects.get(username="moderator")
    article = new_article()
    article.save_revision(user=editor)
    state = article.get_workflow().start(article, editor)

    state.current_task_state.task.specific.on_action(
        state.current_task_state, moderator, "approve"
    )

    article.refresh_from_db()
    assert article.live
    assert article.live_revision.user == editor


def test_every_save_keeps_a_revision(demo):
    article = NewsPage.objects.get(locale__language_code="en")
    before = article.revisions.count()
    article.summary = "Changed summary"
    article.save_revision().publish()
    article.summary = "Changed again"
    article.save_revision()
    assert article.revisions.count() == before + 2
    assert NewsPage.objects.get(pk=article.pk).summary == "Changed summary"


@pytest.mark.parametrize("due", [True, False])
def test_scheduled_news_goes_live_when_due(demo, client, monkeypatch, due):
    article = new_article(language="en")
    go_live = timezone.now() + datetime.timedelta(hours=1)
    article.go_live_at = go_live
    article.save_revision().publish()  # with a future go-live time this only schedules
    assert not NewsPage.objects.get(pk=article.pk).live

    later = go_live + datetime.timedelta(minutes=1 if due else -1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    publish_scheduled_pages.delay()

    assert NewsPage.objects.get(pk=article.pk).live is due
    assert client.get("/en/news/new-article/").status_code == (200 if due else 404)


def test_the_main_menu_shows_a_page_once_it_is_published_into_it(demo, client):
    """The menu is cached per host and language (home/templatetags/i18n_links.py)
    and read once for the header and the footer: publishing a page shown in
    menus reaches both at once."""
    article = new_article(language="en", show_in_menus=True)
    index = article.get_parent()
    index.show_in_menus = False  # so that the link found is the article's
    index.save_revision().publish()
    assert "/new-article/" not in client.get("/en/forum/").content.decode()
    home = index.get_parent()
    article.move(home, pos="last-child")
    article.refresh_from_db()
    article.save_revision().publish()

    body = client.get("/en/forum/").content.decode()
    header, footer = body.split("<main", 1)[0], body.rsplit("</main>", 1)[1]
    assert article.url in header and article.url in footer


def test_publishing_inside_a_request_reads_the_menu_anew(db):
    """A member's request fetches the menu's version with their page copy
    (pagecache.reads_for_members); a publish in that request drops it, so
    the page it shows next reads the new version."""
    import pagecache
    from home.apps import pages_changed
    from home.templatetags.i18n_links import MENU_VERSION_KEY

    cache.set(MENU_VERSION_KEY, 4, None)
    with pagecache.request_scope():
        pagecache.remember({MENU_VERSION_KEY: 4}, [MENU_VERSION_KEY])
        assert pagecache.known_values([MENU_VERSION_KEY]) == {MENU_VERSION_KEY: 4}
        pages_changed()
        assert pagecache.known_values([MENU_VERSION_KEY]) is None
    assert cache.get(MENU_VERSION_KEY) == 5
