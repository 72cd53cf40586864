"""The seminar and the forum, both ways (issue #14, part 1): a seminar's page
shows its discussion and starts topics about it or one of its materials; a
topic shows the seminar and material it discusses; lists filter by seminar."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import Locale

from forum.discussions import services
from forum.models import Category, Topic
from home.models import SeminarPage

SEMINAR_SLUG = "strategic-digital-communications-astana"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def seminar(language="en") -> SeminarPage:
    return SeminarPage.objects.get(slug=SEMINAR_SLUG, locale__language_code=language)


def workbook_id() -> int:
    return next(
        block.value["document"].pk
        for block in seminar().materials
        if block.block_type == "document" and block.value["kind"] == "workbook"
    )


def html_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_seminar_page_shows_its_discussion(client, demo):
    page = seminar("ru")
    html = html_of(client, page.url)
    follow_up = Category.objects.get(slug="seminar-follow-up")
    topics = Topic.objects.listed().filter(category=follow_up)
    assert 'id="discussion"' in html
    for topic in topics:
        assert topic.get_absolute_url() in html
    assert f"{topics.count()} темы" in html or f"{topics.count()} тем" in html
    start = (
        f"{reverse('forum:new_topic')}?category=seminar-follow-up"
        f"&seminar={page.translation_key}"
    )
    assert f'href="{start}"' in html
    # The workbook has its topic; the slides are offered one.
    workbook_topic = topics.get(material_id=workbook_id())
    assert workbook_topic.get_absolute_url() in html
    assert "Обсудить этот материал" in html


def test_members_only_topics_stay_out_of_a_visitors_seminar_page(
    client, demo, make_category, member
):
    secret = make_category(
        "members", parent=Category.objects.get(slug="seminar-follow-up")
    )
    topic = services.topic_create(
        actor=member, category=secret, title="Internal seminar debrief", raw="Notes."
    )
    assert topic.get_absolute_url() not in html_of(client, seminar().url)
    client.force_login(member)
    assert topic.get_absolute_url() in html_of(client, seminar().url)


def test_discuss_this_material_starts_a_topic_that_shows_it(client, demo, member):
    page = seminar("en")
    slides = next(
        block.value
        for block in page.materials
        if block.block_type == "document" and block.value["kind"] == "slides"
    )
    client.force_login(member)
    url = (
        f"{reverse('forum:new_topic')}?category=seminar-follow-up"
        f"&seminar={page.translation_key}&material={slides['document'].pk}"
    )
    composer = html_of(client, url)
    assert 'class="reference-card"' in composer
    assert slides["title"] in composer
    assert re.search(rf'<option value="{page.translation_key}" selected>', composer), (
        "the seminar is chosen in the composer"
    )
    material = re.search(
        r'<input type="hidden" name="material" value="(\d+)"', composer
    )
    assert material and material[1] == str(slides["document"].pk)
    fields = {"seminar": str(page.translation_key), "material": material[1]}

    response = client.post(
        reverse("forum:new_topic"),
        {
            "category": Category.objects.get(slug="seminar-follow-up").pk,
            "title": "Slide 12: which metric?",
            "raw": "Which metric does slide 12 recommend for Telegram?",
            "language": "en",
            "tags": "",
            **fields,
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get(title="Slide 12: which metric?")
    assert (topic.seminar_key, topic.material_id) == (
        page.translation_key,
        slides["document"].pk,
    )
    html = html_of(client, topic.get_absolute_url())
    assert f'href="{page.url}"' in html
    assert f'href="{slides["document"].url}" download' in html
    # The seminar page now links the material's topic instead of a new one.
    assert topic.get_absolute_url() in html_of(client, page.url)
    # A Kazakh reader sees the Kazakh seminar on the topic.
    kk = html_of(client, topic.get_absolute_url().replace("/en/", "/kk/", 1))
    assert f'href="{seminar("kk").url}"' in kk


def test_a_reference_to_no_published_seminar_is_refused_with_the_text_kept(
    client, demo, member
):
    client.force_login(member)
    response = client.post(
        reverse("forum:new_topic"),
        {
            "category": Category.objects.get(slug="seminar-follow-up").pk,
            "title": "About a seminar that is gone",
            "raw": "My carefully written question.",
            "language": "en",
            "seminar": "00000000-0000-0000-0000-000000000000",
            "material": "",
        },
    )
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "no longer published" in html
    assert "My carefully written question." in html
    assert not Topic.objects.filter(title="About a seminar that is gone").exists()


def test_lists_filter_by_seminar(client, demo):
    key = seminar().translation_key
    html = html_of(client, f"{reverse('forum:latest')}?seminar={key}")
    listed = set(re.findall(r'href="(/en/forum/t/[^"/]+/\d+/)"', html))
    about = {
        t.get_absolute_url() for t in Topic.objects.listed().filter(seminar_key=key)
    }
    assert about and listed == about
    assert "About the seminar “" in html
    # An unknown key filters nothing.
    html = html_of(client, f"{reverse('forum:latest')}?seminar=nonsense")
    assert len(set(re.findall(r'href="(/en/forum/t/[^"/]+/\d+/)"', html))) > len(about)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_seminar_page_costs_the_same_queries_with_more_topics(
    client, demo, member, language, django_assert_max_num_queries
):
    page = seminar(language)
    client.get(page.url)  # warm caches
    with CaptureQueriesContext(connection) as before:
        client.get(page.url)
    follow_up = Category.objects.get(slug="seminar-follow-up")
    for n in range(6):
        services.topic_create(
            actor=member,
            category=follow_up,
            title=f"Follow-up question {n}",
            raw="Which one applies here?",
        )
    with django_assert_max_num_queries(len(before)):
        client.get(page.url)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_material_in_another_language_says_so(client, demo, language):
    """The demo's files are in English: the kk and ru pages say it."""
    with translation.override(language):
        html = html_of(client, seminar(language).url)
    assert html.count('<span lang="en">English</span>') == 2
    assert '<span lang="en">English</span>' not in html_of(client, seminar("en").url)


def test_a_seminar_chosen_in_the_composer_is_referenced(client, demo, member):
    page = seminar("en")
    client.force_login(member)
    composer = html_of(client, reverse("forum:new_topic"))
    assert f'<option value="{page.translation_key}">{page.title}</option>' in composer
    response = client.post(
        reverse("forum:new_topic"),
        {
            "category": Category.objects.get(slug="social-media-strategy").pk,
            "title": "Reels after the seminar",
            "raw": "Did anyone try the short videos the seminar showed?",
            "language": "en",
            "seminar": str(page.translation_key),
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get(title="Reels after the seminar")
    assert (topic.seminar_key, topic.material_id) == (page.translation_key, None)


def test_a_seminar_opens_its_own_category_and_questions_topic_once(
    demo, django_user_model, django_capture_on_commit_callbacks
):
    editor = django_user_model.objects.get(username="editor")
    index = seminar("kk").get_parent()
    page = SeminarPage(
        title="Жаңа семинар",
        slug="new-seminar",
        start_date=datetime.date(2027, 3, 1),
        end_date=datetime.date(2027, 3, 1),
        venue="Хаб",
        open_discussion=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        index.add_child(instance=page)
        page.save_revision(user=editor)
    # A draft opens nothing: its title stays out of the forum.
    assert not Category.objects.filter(slug__startswith="new-seminar").exists()
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish(user=editor)
    page.refresh_from_db()
    category = page.follow_up_category
    assert category is not None and category.slug == "new-seminar"
    assert (category.name_kk, category.name_en) == ("Жаңа семинар", "Жаңа семинар")
    topic = Topic.objects.get(category=category)
    assert topic.is_pinned and topic.seminar_key == page.translation_key
    assert topic.title == "«Жаңа семинар» семинарынан кейінгі сұрақтар"

    # Its Russian translation shares the category and adds no topic.
    russian = page.copy_for_translation(Locale.objects.get(language_code="ru"))
    russian.title = "Новый семинар"
    with django_capture_on_commit_callbacks(execute=True):
        russian.save_revision(user=editor).publish()
    russian.refresh_from_db()
    assert russian.follow_up_category_id == category.pk
    assert Category.objects.filter(slug__startswith="new-seminar").count() == 1
    assert Topic.objects.filter(category=category).count() == 1
    # Publishing a revision saved before the category keeps it.
    with django_capture_on_commit_callbacks(execute=True):
        page.revisions.order_by("created_at").first().publish(user=editor)
    page.refresh_from_db()
    assert page.follow_up_category_id == category.pk


def test_a_translation_offers_its_own_file_and_says_nothing(
    client, demo, django_capture_on_commit_callbacks
):
    """Per-language files: a translator overrides the Russian page's workbook
    with a Russian file in wagtail-localize (the block's language marker
    stays the original's "en"); only the pages still offering the English
    file say so."""
    Document = get_document_model()
    russian_file = Document.objects.create(
        title="Рабочая тетрадь", file="documents/rt.pdf"
    )
    page = seminar("ru")
    materials = list(page.materials.raw_data)
    for block in materials:
        if block["type"] == "document" and block["value"]["kind"] == "workbook":
            block["value"] = {
                **block["value"],
                "document": russian_file.pk,
                "language": "ru",
            }
    page.materials = materials
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    with translation.override("ru"):
        html = html_of(client, page.url)
    assert russian_file.url in html
    assert html.count('<span lang="en">English</span>') == 1  # the slides only
    with translation.override("kk"):
        assert (
            html_of(client, seminar("kk").url).count('<span lang="en">English</span>')
            == 2
        )
