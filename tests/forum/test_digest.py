"""The daily and weekly digests: what they hold, in whose language, and only once."""

import logging
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from celery.schedules import crontab
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone, translation
from wagtail.models import Page

from forum.core import links
from forum.discussions import services
from forum.models import (
    CategoryWatch,
    DigestFrequency,
    DigestRun,
    EmailDelivery,
    NotificationLevel,
    Post,
    PostLike,
    Profile,
    Topic,
    TopicWatch,
)
from forum.notifications import mail as emails
from home.models import NewsPage, SeminarPage
from tests.conftest import demo_seminar


def today() -> date:
    """The local day the test's content is made on.

    Read when a test runs, never at import: a run that starts before local
    midnight (19:00 UTC) would otherwise look for content in yesterday's digest.
    """
    return timezone.localdate()


def tomorrow() -> str:
    """send_digests run "tomorrow" covers today, when the tests' content is made."""
    return (today() + timedelta(days=1)).isoformat()


@pytest.fixture
def quiet(demo):
    """Everything already on the site happened long ago: only a test's own
    content is new in the digest period."""
    old = timezone.now() - timedelta(days=400)
    Topic.objects.update(created_at=old, bumped_at=old)
    Post.objects.update(created_at=old)
    PostLike.objects.update(created_at=old)
    Page.objects.update(first_published_at=old, last_published_at=old)


@pytest.fixture
def reader(member):
    """alma, who asked for the daily digest."""
    Profile.objects.filter(user=member).update(digest=DigestFrequency.DAILY)
    return member


def deliver(user, frequency="daily"):
    return emails.digest_deliver(user.pk, frequency, today())


def messages_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def busy_topic(make_topic, author, liker, *, replies=1, likes=0, **fields):
    topic = make_topic(author=author, replies=replies, **fields)
    for post in topic.posts.order_by("number")[:likes]:
        services.like_toggle(actor=liker, post=post)
    return topic


def test_beat_asks_every_quarter_of_an_hour_in_almaty_time(settings):
    schedule = {
        entry["args"]: entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "forum.emails.send_digests"
    }
    assert schedule[("daily",)]["schedule"] == crontab(minute="*/15")
    assert schedule[("weekly",)]["schedule"] == crontab(minute="*/15")
    assert settings.CELERY_TIMEZONE == "Asia/Almaty"


def almaty(text: str):
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.mark.parametrize(
    ("frequency", "now", "period"),
    [
        # The daily digest from 07:00: yesterday's; before 07:00 the one that
        # went out (or should have) yesterday morning, until a day late.
        ("daily", "2026-12-09 07:00", "2026-12-08"),
        ("daily", "2026-12-09 23:59", "2026-12-08"),
        ("daily", "2026-12-10 06:59", "2026-12-08"),
        # The weekly one from Monday 07:00 (7 December 2026 is a Monday):
        # last week's, until Tuesday 07:00; then nothing until next Monday.
        ("weekly", "2026-12-07 07:00", "2026-11-30"),
        ("weekly", "2026-12-08 06:59", "2026-11-30"),
        ("weekly", "2026-12-08 07:00", None),
        ("weekly", "2026-12-13 23:00", None),
        ("weekly", "2026-12-07 06:59", None),
    ],
)
def test_which_period_is_due(frequency, now, period):
    due = emails.digest_due_period(frequency, almaty(now))
    assert (due.isoformat() if due else None) == period


def test_a_digest_the_07_00_run_missed_goes_out_at_the_next_quarter_once(
    quiet, reader, member2, make_topic, django_capture_on_commit_callbacks,
    monkeypatch,
):  # fmt: skip
    """The broker was down at 07:00, so beat's message never arrived."""
    busy_topic(make_topic, member2, reader)
    day = today()
    quarter_past = timezone.make_aware(
        datetime.combine(day + timedelta(days=1), time(7, 15))
    )
    monkeypatch.setattr(timezone, "now", lambda: quarter_past)
    with django_capture_on_commit_callbacks(execute=True):
        assert emails.send_digests("daily") >= 1
    assert len(messages_to(reader)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert emails.send_digests("daily") == 0  # 07:30: done already
    assert len(messages_to(reader)) == 1
    assert DigestRun.objects.get(frequency="daily").period_start == day


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_digest_lists_topics_seminars_and_news_in_the_readers_language(
    quiet, reader, member2, make_topic, language
):
    Profile.objects.filter(user=reader).update(language=language)
    topic = busy_topic(make_topic, member2, reader, replies=2, title="Press kit review")
    now = timezone.now()
    SeminarPage.objects.update(last_published_at=now)
    NewsPage.objects.update(first_published_at=now)

    assert deliver(reader) == "sent"
    [message] = mail.outbox
    html = html_of(message)
    seminar = demo_seminar(language)
    news = NewsPage.objects.get(locale__language_code=language)
    with translation.override(language):
        subject = translation.gettext("Your daily digest from the %(site)s") % {
            "site": translation.gettext("Strategic Digital Communication Forum")
        }
        heading = translation.gettext("Popular topics")
    seminar_path = urlsplit(links.page_url(seminar)).path
    assert seminar_path.startswith(f"/{language}/")
    assert message.subject == subject
    assert f'<html lang="{language}">' in html
    for part in (message.body, html):
        assert heading in part
        assert "Press kit review" in part
        assert f"/{language}/forum/t/{topic.slug}/{topic.pk}/" in part
        assert getattr(topic.category, f"name_{language}") in part
        assert seminar.title in part
        assert seminar_path in part
        for block in seminar.materials.raw_data:
            name = block["value"].get("title") or block["value"].get("caption")
            if name:
                assert name in part
        assert news.title in part
    others = {"kk", "ru", "en"} - {language}
    for other in others:
        assert demo_seminar(other).title not in html
    assert (
        f"/{language}/forum/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    )


def test_a_seminar_not_translated_into_the_readers_language_shows_the_original(
    quiet, reader
):
    Profile.objects.filter(user=reader).update(language="en")
    SeminarPage.objects.update(last_published_at=timezone.now())
    SeminarPage.objects.filter(locale__language_code="en").update(live=False)
    deliver(reader)
    [message] = mail.outbox
    original = demo_seminar("kk")
    assert original.title in message.body
    path = urlsplit(links.page_url(original)).path
    assert path.startswith("/kk/") and path in message.body


def test_the_digest_leaves_out_muted_hidden_and_quiet_topics(
    quiet, reader, member2, make_topic, make_category
):
    shown = busy_topic(make_topic, member2, reader, title="Shown topic")
    muted = busy_topic(make_topic, member2, reader, title="Muted topic")
    TopicWatch.objects.create(user=reader, topic=muted, level=NotificationLevel.MUTED)
    noisy = make_category()
    in_muted_category = busy_topic(
        make_topic, member2, reader, in_category=noisy, title="Muted category topic"
    )
    CategoryWatch.objects.create(
        user=reader, category=noisy, level=NotificationLevel.MUTED
    )
    deleted = busy_topic(make_topic, member2, reader, title="Deleted topic")
    Topic.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    held = busy_topic(make_topic, member2, reader, title="Held topic")
    Topic.objects.filter(pk=held.pk).update(awaiting_approval=True)
    old = busy_topic(make_topic, member2, reader, title="Old topic")
    Topic.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(3))
    Post.objects.filter(topic=old).update(created_at=timezone.now() - timedelta(3))

    topics = [t.title for t in emails.digest_topics(reader, *period())]
    assert topics == [shown.title]
    assert in_muted_category.title not in topics


def test_a_topic_watched_in_a_muted_category_stays_in_the_digest(
    quiet, reader, member2, make_topic, category
):
    topic = busy_topic(make_topic, member2, reader, title="Still followed")
    CategoryWatch.objects.create(
        user=reader, category=category, level=NotificationLevel.MUTED
    )
    TopicWatch.objects.create(
        user=reader, topic=topic, level=NotificationLevel.WATCHING
    )
    assert [t.pk for t in emails.digest_topics(reader, *period())] == [topic.pk]


def test_members_only_topics_are_in_a_members_digest(
    quiet, reader, member2, make_topic, members_category
):
    topic = busy_topic(make_topic, member2, reader, in_category=members_category)
    assert [t.pk for t in emails.digest_topics(reader, *period())] == [topic.pk]


def test_the_most_active_topics_come_first_and_only_ten(
    quiet, reader, member2, member3, make_topic
):
    quiet_ones = [busy_topic(make_topic, member2, reader) for _ in range(10)]
    liked = busy_topic(make_topic, member2, member3, replies=2, likes=3)
    discussed = busy_topic(make_topic, member2, reader, replies=6)
    topics = emails.digest_topics(reader, *period())
    assert [t.pk for t in topics[:2]] == [discussed.pk, liked.pk]
    assert len(topics) == 10
    assert {t.pk for t in topics[2:]} < {t.pk for t in quiet_ones}


def period():
    return emails.digest_period("daily", today())


@pytest.fixture
def send_digests(django_capture_on_commit_callbacks):
    """celery beat's run "tomorrow"; the digest jobs it writes run at its
    commit, as they do under eager Celery."""

    def run(frequency):
        with django_capture_on_commit_callbacks(execute=True):
            return emails.send_digests(frequency, today=tomorrow())

    return run


def test_a_digest_goes_once_per_member_and_period(
    quiet, reader, member2, make_topic, send_digests
):
    busy_topic(make_topic, member2, reader)
    send_digests("daily")
    send_digests("daily")
    assert len(messages_to(reader)) == 1
    key = emails.digest_key("daily", today(), reader)
    assert EmailDelivery.objects.get(key=key).sent_at is not None
    assert Profile.objects.get(user=reader).last_digest_at is not None


def test_nothing_is_sent_when_nothing_is_new(quiet, reader):
    assert deliver(reader) == "empty"
    assert mail.outbox == []
    assert not EmailDelivery.objects.filter(user=reader).exists()
    assert Profile.objects.get(user=reader).last_digest_at is None


def test_each_member_gets_the_digest_they_chose(
    quiet, make_user, member2, make_topic, send_digests
):
    daily = make_user("daily_dana")
    Profile.objects.filter(user=daily).update(digest=DigestFrequency.DAILY)
    weekly = make_user("weekly_erlan")
    never = make_user("never_nurlan")
    Profile.objects.filter(user=never).update(digest=DigestFrequency.NEVER)
    no_profile = make_user("plain_aida")
    Profile.objects.filter(user=no_profile).delete()
    inactive = make_user("gone_gani", is_active=False)
    busy_topic(make_topic, member2, daily)

    send_digests("weekly")
    assert messages_to(weekly) and messages_to(no_profile)
    assert not (messages_to(daily) or messages_to(never) or messages_to(inactive))
    mail.outbox.clear()
    send_digests("daily")
    assert messages_to(daily)
    assert not (messages_to(weekly) or messages_to(no_profile))


def test_a_run_logs_its_counts_once(
    quiet, reader, member3, member2, make_topic, caplog, send_digests
):
    get_user_model().objects.exclude(pk__in=[reader.pk, member3.pk]).update(
        is_active=False
    )
    topic = busy_topic(make_topic, member2, reader)
    Profile.objects.filter(user=member3).update(digest=DigestFrequency.DAILY)
    TopicWatch.objects.create(user=member3, topic=topic, level=NotificationLevel.MUTED)
    with caplog.at_level(logging.INFO, logger="forum.notifications.mail"):
        send_digests("daily")
    lines = [r.getMessage() for r in caplog.records if "digest daily" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith("digest daily: 1 sent, 1 empty")


@pytest.mark.parametrize("topic_count", [10, 50])
def test_a_digest_costs_the_same_queries_however_busy_the_forum(
    quiet, reader, member2, make_topic, topic_count, django_assert_max_num_queries
):
    for _ in range(topic_count):
        busy_topic(make_topic, member2, reader)
    SeminarPage.objects.update(last_published_at=timezone.now())
    NewsPage.objects.update(first_published_at=timezone.now())
    with django_assert_max_num_queries(18):
        assert deliver(reader) == "sent"


@pytest.mark.parametrize(("reader_language", "marked"), [("kk", True), ("en", False)])
def test_a_topic_in_another_language_is_marked_in_the_digest(
    quiet, reader, member2, make_topic, reader_language, marked
):
    Profile.objects.filter(user=reader).update(language=reader_language)
    busy_topic(make_topic, member2, reader, title="Press kit review", language="en")
    assert deliver(reader) == "sent"
    [message] = mail.outbox
    assert ('lang="en">Press kit review</a>' in html_of(message)) is marked
