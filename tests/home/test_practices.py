"""The practices library (issue #14, part 2): a solved topic proposed by a
moderator becomes a draft practice in review, published by an editor through
the "Practice review" workflow; its authors hear of it, the thread and the
practice link each other, and search finds it as type:practice."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from wagtail.models import Workflow, WorkflowState

from forum.discussions import services
from forum.models import Notification, Topic
from home.models import PracticeIndexPage, PracticePage
from search.backend import get_backend
from search.query import parse

SOLVED = "Үш тілде жариялау: аударманы кім тексереді?"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def solved(demo, make_topic, member, member2, django_capture_on_commit_callbacks):
    """A public solved topic not yet in the library: alma asks, bolat answers."""
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(author=member, title="Embargoed figures: when to publish?")
        answer = services.post_create(
            actor=member2,
            topic=topic,
            raw="Publish at **09:00** with the ministry, *never* before. <script>",
        )
        services.solution_accept(actor=member, post=answer)
    topic.refresh_from_db()
    return topic


def propose_url(topic) -> str:
    return reverse("practice_propose", args=[topic.pk])


def test_members_see_no_proposal_button_and_cannot_propose(client, solved, member):
    client.force_login(member)
    assert (
        "Propose for the library"
        not in client.get(solved.get_absolute_url()).content.decode()
    )
    assert client.post(propose_url(solved)).status_code == 403
    assert not PracticePage.objects.filter(source_topic=solved).exists()


def test_an_unsolved_or_members_only_topic_is_refused_saying_why(
    client, demo, make_topic, make_category, moderator, member
):
    client.force_login(moderator)
    open_topic = make_topic(title="Still open question")
    response = client.post(propose_url(open_topic))
    assert response.status_code == 403
    assert "Only a solved topic" in response.content.decode()

    secret = make_topic(title="Internal only", in_category=make_category("members"))
    reply = services.post_create(actor=member, topic=secret, raw="The answer inside.")
    services.solution_accept(actor=secret.author, post=reply)
    page = client.get(secret.get_absolute_url()).content.decode()
    assert "Propose for the library" not in page
    response = client.post(propose_url(secret))
    assert response.status_code == 403
    assert "members-only category" in response.content.decode()
    assert not PracticePage.objects.filter(
        source_topic__in=[open_topic, secret]
    ).exists()


def test_a_moderator_proposes_a_draft_in_review_prefilled_and_safe(
    client, solved, moderator, member, member2
):
    client.force_login(moderator)
    assert (
        "Propose for the library"
        in client.get(solved.get_absolute_url()).content.decode()
    )
    response = client.post(propose_url(solved))
    assert response.status_code == 302
    practice = PracticePage.objects.get(source_topic=solved)
    assert not practice.live
    assert practice.title == solved.title
    assert practice.get_parent().specific_class is PracticeIndexPage
    assert practice.locale.language_code == solved.language
    assert (
        "<b>09:00</b>" in practice.answer or "<strong>09:00</strong>" in practice.answer
    )
    assert "<script" not in practice.answer
    assert {(a.user_id, a.role) for a in practice.authors.all()} == {
        (member.pk, "question"),
        (member2.pk, "answer"),
    }
    workflow = Workflow.objects.get(name="Practice review")
    assert workflow.workflow_states.filter(
        object_id=str(practice.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()
    # A second proposal opens the same draft.
    client.post(propose_url(solved))
    assert PracticePage.objects.filter(source_topic=solved).count() == 1


def test_publishing_links_both_ways_tells_the_authors_and_is_searchable(
    client, solved, moderator, member, member2, django_capture_on_commit_callbacks
):
    editor = moderator
    editor.groups.add(Group.objects.get_or_create(name="Editors")[0])
    client.force_login(moderator)
    client.post(propose_url(solved))
    practice = PracticePage.objects.get(source_topic=solved)
    member2.profile.language = "ru"
    member2.profile.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        practice.get_latest_revision().publish(user=editor)
    solved.refresh_from_db()
    assert solved.in_library
    told = Notification.objects.filter(
        kind=Notification.Kind.PRACTICE, page__translation_key=practice.translation_key
    )
    assert set(told.values_list("user_id", flat=True)) == {member.pk, member2.pk}

    client.logout()
    thread = client.get(solved.get_absolute_url()).content.decode()
    assert "This answer is in the practices library" in thread
    assert practice.url in thread
    page = client.get(practice.url).content.decode()
    assert solved.get_absolute_url() in page
    assert reverse("forum:profile", args=[member2.username]) in page

    hits = get_backend().search(
        parse("embargoed type:practice"), visibilities=("public",)
    )
    assert [(hit.kind, hit.pk) for hit in hits.hits] == [("practice", practice.pk)]

    # Publishing again tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        practice.save_revision().publish()
    assert told.count() == 2
    assert (
        "embargoed"
        in client.get(reverse("search"), {"q": "embargoed type:practice"})
        .content.decode()
        .lower()
    )


def test_the_library_filters_by_tag_and_seminar_and_the_home_page_shows_it(
    client, demo
):
    practice = PracticePage.objects.get(locale__language_code="en")
    library = practice.get_parent()
    html = client.get(library.url).content.decode()
    assert practice.title in html
    assert "?tag=translation" in html
    assert f"?seminar={practice.seminar.translation_key}" in html
    assert (
        practice.title
        not in client.get(library.url, {"tag": "crisis"}).content.decode()
    )
    assert (
        practice.title
        in client.get(
            library.url, {"seminar": str(practice.seminar.translation_key)}
        ).content.decode()
    )
    assert practice.title in client.get("/en/").content.decode()


def test_the_demo_practice_exists_in_three_languages_and_its_topic_says_so(
    client, demo
):
    versions = PracticePage.objects.live().select_related("locale")
    assert sorted(v.locale.language_code for v in versions) == ["en", "kk", "ru"]
    topic = Topic.objects.get(title=SOLVED)
    assert topic.in_library
    kk = versions.get(locale__language_code="kk")
    html = client.get(
        topic.get_absolute_url().replace("/en/", "/kk/", 1)
    ).content.decode()
    assert kk.url in html


def test_the_seminar_page_lists_its_practices(client, demo):
    practice = PracticePage.objects.get(locale__language_code="ru")
    html = client.get(practice.seminar.url).content.decode()
    assert 'id="practices"' in html and practice.url in html


def test_rich_text_keeps_structure_and_links_and_drops_anything_active():
    from home.practices import rich_text

    cooked = (
        '<p class="x" style="color:red" onclick="steal()">Read <strong>this</strong> '
        '<a href="javascript:alert(1)">bad</a> <a href="https://gov.kz/x">good</a> '
        '<a href="/ru/forum/t/a/1/">thread</a></p>'
        '<img src="x" onerror="steal()"><script>steal()</script>'
        "<iframe src=//evil></iframe><ul><li>one</li></ul>"
    )
    clean = rich_text(cooked)
    for gone in (
        "class=",
        "style=",
        "onclick",
        "javascript:",
        "<img",
        "onerror",
        "<script",
        "<iframe",
    ):
        assert gone not in clean, gone
    for kept in (
        "<strong>this</strong>",
        'href="https://gov.kz/x"',
        'href="/ru/forum/t/a/1/"',
        "<ul><li>one</li></ul>",
    ):
        assert kept in clean, kept


def test_deleting_a_practice_takes_the_topic_out_of_the_library(
    client, demo, django_capture_on_commit_callbacks
):
    topic = Topic.objects.get(title=SOLVED)
    with django_capture_on_commit_callbacks(execute=True):
        for page in PracticePage.objects.filter(source_topic=topic):
            page.delete()
    topic.refresh_from_db()
    assert not topic.in_library
    assert (
        "This answer is in the practices library"
        not in client.get(topic.get_absolute_url()).content.decode()
    )
