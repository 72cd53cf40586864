"""Upcoming seminars: their calendar files, "I'm interested", and what the
interested members hear when a seminar changes (issue #14, part 3)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.documents import get_document_model

from forum.models import Notification
from forum.moderation import services as moderation
from home.models import SeminarInterest, SeminarPage

Kind = Notification.Kind


def seminar(language) -> SeminarPage:
    return SeminarPage.objects.get(
        slug="strategic-digital-communications-astana", locale__language_code=language
    )


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Publish pages with changes, {page: {field: value}}, as an editor
    publishes a seminar's translations one after another; then the jobs run
    (in production SEMINAR_NEWS_DELAY later, after the last one)."""

    def run(changes: dict):
        published = []
        with django_capture_on_commit_callbacks(execute=True):
            for page, fields in changes.items():
                page = SeminarPage.objects.get(pk=page.pk)
                for name, value in fields.items():
                    setattr(page, name, value)
                page.save_revision().publish()
                published.append(page)
        return published

    return run


@pytest.fixture
def upcoming(demo, publish):
    """The demo seminar moved a month ahead, in all three languages."""
    start = timezone.localdate() + datetime.timedelta(days=30)
    end = start + datetime.timedelta(days=1)
    pages = [seminar(language) for language in ("kk", "ru", "en")]
    published = publish(
        {page: {"start_date": start, "end_date": end} for page in pages}
    )
    return {page.locale.language_code: page for page in published}


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


# Calendar files -------------------------------------------------------------------


def test_a_seminars_calendar_file_parses_back(client, upcoming):
    ru = upcoming["ru"]
    [event] = events(client.get(f"{ru.url}calendar.ics"))
    assert str(event["summary"]) == ru.title
    assert event.decoded("dtstart") == ru.start_date
    # An all-day event ends the day after its last day.
    assert event.decoded("dtend") == ru.end_date + datetime.timedelta(days=1)
    assert str(event["location"]) == f"{ru.venue}, {ru.city}"
    assert str(event["url"]).endswith(ru.url)
    # One event in every language: importing another updates it.
    [english] = events(client.get(f"{upcoming['en'].url}calendar.ics"))
    assert event["uid"] == english["uid"]
    assert str(english["summary"]) == upcoming["en"].title


def test_the_seminar_feed_holds_every_seminar_of_the_language(client, upcoming):
    found = events(client.get("/en/seminars/calendar.ics"))
    english = SeminarPage.objects.live().filter(locale__language_code="en")
    assert sorted(str(event["summary"]) for event in found) == sorted(
        page.title for page in english
    )
    assert upcoming["en"].title in [str(event["summary"]) for event in found]
    calendar = Calendar.from_ical(client.get("/kk/seminars/calendar.ics").content)
    assert str(calendar["x-wr-calname"]).endswith(upcoming["kk"].get_parent().title)


def test_calendar_files_answer_head_and_refuse_post(client, upcoming):
    url = f"{upcoming['en'].url}calendar.ics"
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_the_seminar_page_links_its_calendar_and_says_upcoming(client, upcoming):
    html = client.get(upcoming["en"].url).content.decode()
    assert f'href="{upcoming["en"].url}calendar.ics"' in html
    assert "badge-upcoming" in html
    index = client.get("/en/seminars/").content.decode()
    assert 'href="/en/seminars/calendar.ics"' in index


def test_a_seminar_is_past_once_its_last_local_day_is_over(demo, monkeypatch):
    """20:30 UTC on 10 March is already 11 March in Almaty (UTC+5): a
    seminar that ended on 10 March is past, though the UTC date says not."""
    page = seminar("en")
    late_evening_utc = datetime.datetime(2026, 3, 10, 20, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late_evening_utc)
    page.end_date = datetime.date(2026, 3, 10)
    assert not page.is_upcoming
    page.end_date = datetime.date(2026, 3, 11)
    assert page.is_upcoming


# I'm interested -------------------------------------------------------------------


def interest_url(page) -> str:
    return reverse("seminar_interest", args=[page.pk])


def test_a_member_says_im_interested_once_in_every_language(client, upcoming, member):
    client.force_login(member)
    for page in (upcoming["kk"], upcoming["ru"]):
        response = client.post(interest_url(page), {"interested": "1"})
        assert response.status_code == 302
        assert response["Location"] == f"{page.url}#interest"
    assert SeminarInterest.objects.filter(user=member).count() == 1
    html = client.get(upcoming["en"].url).content.decode()
    assert 'aria-pressed="true"' in html and "1 member is interested" in html
    client.post(interest_url(upcoming["en"]), {"interested": "0"})
    assert not SeminarInterest.objects.filter(user=member).exists()


def test_a_visitor_is_asked_to_log_in(client, upcoming):
    response = client.post(interest_url(upcoming["en"]), {"interested": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not SeminarInterest.objects.exists()
    html = client.get(upcoming["en"].url).content.decode()
    assert "Log in to hear when its dates or materials change" in html


def test_no_interest_in_a_past_seminar_or_from_a_suspended_member(
    client, demo, upcoming, member, member2, moderator
):
    moderation.suspend_user(actor=moderator, user=member2, days=3, reason="Spam.")
    client.force_login(member2)
    assert (
        client.post(interest_url(upcoming["en"]), {"interested": "1"}).status_code
        == 403
    )
    client.force_login(member)
    page = SeminarPage.objects.get(pk=upcoming["en"].pk)
    SeminarPage.objects.filter(pk=page.pk).update(
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 1, 2)
    )
    assert client.post(interest_url(page), {"interested": "1"}).status_code == 403
    assert client.post(reverse("seminar_interest", args=[999999])).status_code == 404
    assert not SeminarInterest.objects.exists()


# What interested members hear ----------------------------------------------------


@pytest.fixture
def interested(client, upcoming, member, member2):
    """alma reads in Russian, bolat in English; both are interested."""
    for user, language in ((member, "ru"), (member2, "en")):
        user.profile.language = language
        user.profile.save(update_fields=["language"])
        client.force_login(user)
        client.post(interest_url(upcoming["kk"]), {"interested": "1"})
    client.logout()
    return member, member2


def test_new_dates_reach_each_member_once_in_their_language(
    upcoming, interested, publish
):
    alma, bolat = interested
    start = upcoming["kk"].start_date + datetime.timedelta(days=7)
    end = start + datetime.timedelta(days=2)
    publish(
        {page: {"start_date": start, "end_date": end} for page in upcoming.values()}
    )

    told = Notification.objects.filter(kind=Kind.SEMINAR_DATES)
    assert told.count() == 2
    alma_news = told.get(user=alma)
    assert alma_news.page_id == upcoming["ru"].pk
    assert alma_news.data == {"start": start.isoformat(), "end": end.isoformat()}
    assert told.get(user=bolat).page_id == upcoming["en"].pk

    # The e-mail went out through the outbox (at once here: eager tasks).
    [message] = [m for m in mail.outbox if m.to == [alma.email]]
    assert message.subject.startswith(f"{upcoming['ru'].title} – ")
    assert "новые даты" in message.subject.lower()
    assert upcoming["ru"].url in message.body


def test_new_materials_are_named_in_each_members_language(
    upcoming, interested, publish
):
    alma, bolat = interested
    Document = get_document_model()
    agenda = Document.objects.create(title="Agenda v2", file="documents/agenda.pdf")
    names = {"kk": "Бағдарлама", "ru": "Программа", "en": "Programme"}
    changes = {}
    for language, page in upcoming.items():
        materials = list(page.materials.raw_data)
        materials.append(
            {
                "type": "document",
                "value": {
                    "document": agenda.pk,
                    "title": names[language],
                    "kind": "other",
                    "description": "",
                },
            }
        )
        changes[page] = {"materials": materials}
    publish(changes)

    told = Notification.objects.filter(kind=Kind.SEMINAR_MATERIALS)
    assert {(n.user_id, tuple(n.data["materials"])) for n in told} == {
        (alma.pk, ("Программа",)),
        (bolat.pk, ("Programme",)),
    }
    # Publishing again without a change tells nobody anything more.
    publish({upcoming["kk"]: {}})
    assert Notification.objects.filter(user__in=interested).count() == 2


def test_the_notification_page_shows_the_news(client, upcoming, interested, publish):
    alma, _bolat = interested
    start = upcoming["kk"].start_date + datetime.timedelta(days=3)
    publish({upcoming["kk"]: {"start_date": start, "end_date": start}})
    client.force_login(alma)
    html = client.get("/ru/forum/notifications/").content.decode()
    assert "У семинара, который вас интересует, новые даты" in html
    assert upcoming["ru"].title in html


def test_interest_can_be_taken_back_after_the_seminar(client, upcoming, member):
    client.force_login(member)
    client.post(interest_url(upcoming["en"]), {"interested": "1"})
    SeminarPage.objects.filter(translation_key=upcoming["en"].translation_key).update(
        start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2020, 1, 2)
    )
    html = client.get(upcoming["en"].url).content.decode()
    assert 'aria-pressed="true"' in html  # the button to take it back
    response = client.post(interest_url(upcoming["en"]), {"interested": "0"})
    assert response.status_code == 302
    assert not SeminarInterest.objects.filter(user=member).exists()
