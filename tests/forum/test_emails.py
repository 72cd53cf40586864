"""Notification e-mails, e-mail preferences and the one-click unsubscribe link."""

import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from config.celery import app as celery_app
from forum.discussions import services
from forum.models import (
    DigestFrequency,
    EmailDelivery,
    Notification,
    Profile,
    Suspension,
    TopicReadState,
)
from forum.notifications import mail as emails
from forum.notifications import services as notifications
from forum.notifications import texts as notification_texts
from forum.notifications.tasks import send_notification_email
from home.models import NewsPage
from outbox import services as outbox
from outbox import tasks
from outbox.models import Job
from tests.forum_fixtures import page_comment as comment

Kind = Notification.Kind


@pytest.fixture
def mention(make_topic, member, member2):
    """bolat mentions alma in a reply; alma's notification, not yet e-mailed."""
    topic = make_topic(author=member2, title="Budget briefing templates")
    post = services.post_create(
        actor=member2, topic=topic, raw="@alma could you share the template?"
    )
    return Notification.objects.create(
        user=member, kind=Kind.MENTION, actor=member2, topic=topic, post=post
    )


def set_language(user, language):
    Profile.objects.filter(user=user).update(language=language)


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def path_of(url: str) -> str:
    return urlsplit(url).path


# Scheduling ---------------------------------------------------------------------


def test_a_notification_writes_its_e_mail_job_due_after_the_configured_delay(
    make_topic,
    member,
    member2,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.FORUM_NOTIFICATION_EMAIL_DELAY = 600
    # As with a real worker: eager Celery (the tests' own) sends every job at
    # commit, due or not, for it has no relay.
    monkeypatch.setattr(tasks, "eager", lambda: False)
    topic = make_topic(author=member2, title="Budget briefing templates")
    post = services.post_create(actor=member2, topic=topic, raw="@alma look here")
    written = timezone.now()
    # The fan-out job's action: in a worker, after the reply's commit.
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notify_post(post.pk) == 1
    notification = Notification.objects.get(user=member, post=post)
    [job] = Job.objects.filter(action="forum.send_notification_email")
    assert job.args == [notification.pk]
    assert job.due_at >= written + timedelta(seconds=600)
    # Due later: the relay sends it then, not the fan-out's commit.
    assert job.dispatched_at is None
    assert mail.outbox == []


def test_the_e_mail_goes_once_the_fan_out_commits(
    make_topic, member, member2, django_capture_on_commit_callbacks
):
    topic = make_topic(author=member2, title="Budget briefing templates")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(actor=member2, topic=topic, raw="@alma look here")
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["alma@example.kz"]]


def test_likes_are_not_e_mailed(
    make_topic, member, member2, mention, django_capture_on_commit_callbacks
):
    topic = make_topic(author=member, title="Templates for briefings")
    with django_capture_on_commit_callbacks(execute=True):
        services.like_toggle(actor=member2, post=topic.posts.get(number=1))
    like = Notification.objects.get(user=member, kind=Kind.LIKE)
    assert not Job.objects.filter(
        action="forum.send_notification_email", args=[like.pk]
    ).exists()
    mention.kind = Kind.LIKE
    mention.save()
    assert send_notification_email(mention.pk) == "not e-mailed"
    assert mail.outbox == []


# Rendering ----------------------------------------------------------------------


def test_the_e_mail_has_a_text_part_an_html_part_and_unsubscribe_headers(
    mention, settings
):
    settings.FORUM_BASE_URL = "https://forum.example.kz"
    send_notification_email(mention.pk)
    [message] = mail.outbox
    html = html_of(message)
    assert "could you share the template?" in message.body
    assert "could you share the template?" in html
    link = f"https://forum.example.kz/kk/forum/t/{mention.topic.slug}/"
    assert link in message.body and link in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://forum.example.kz/kk/forum/unsubscribe/")
    assert unsubscribe[1:-1] in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    assert "https://forum.example.kz/kk/forum/preferences/" in message.body


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_e_mail_is_written_in_the_members_language(mention, language):
    set_language(mention.user, language)
    send_notification_email(mention.pk)
    [message] = mail.outbox
    html = html_of(message)
    with translation.override(language):
        sentence = notification_texts.describe(mention)
        reason = str(emails.REASONS[Kind.MENTION])
        button = translation.gettext("Read it on the forum")
    assert message.subject == f"Budget briefing templates – {sentence}"
    assert sentence in message.body and reason in message.body
    assert button in html and reason in html
    assert f'<html lang="{language}">' in html
    assert f"/{language}/forum/t/{mention.topic.slug}/" in message.body
    assert (
        f"/{language}/forum/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    )
    # The category's name in the member's language.
    category = mention.topic.category
    assert getattr(category, f"name_{language}") in message.body


def test_a_member_without_a_profile_gets_e_mails_in_kazakh(mention):
    Profile.objects.filter(user=mention.user).delete()
    send_notification_email(mention.pk)
    [message] = mail.outbox
    assert '<html lang="kk">' in html_of(message)
    assert f"/kk/forum/t/{mention.topic.slug}/" in message.body


def test_a_script_in_the_post_never_reaches_the_e_mail(make_topic, member, member2):
    topic = make_topic(author=member)
    post = services.post_create(
        actor=member2,
        topic=topic,
        raw='Look <script>alert("x")</script> <img src=x onerror=alert(1)> here',
    )
    notification = Notification.objects.create(
        user=member, kind=Kind.REPLY, actor=member2, topic=topic, post=post
    )
    send_notification_email(notification.pk)
    [message] = mail.outbox
    for part in (message.body, html_of(message)):
        lowered = part.lower()
        assert "<script" not in lowered and "&lt;script" not in lowered
        assert "onerror" not in lowered
        assert "Look" in part and "here" in part


def test_a_moderators_reason_is_in_the_e_mail(
    make_topic, member, moderator, django_capture_on_commit_callbacks
):
    topic = make_topic(author=member)
    post = services.post_create(actor=member, topic=topic, raw="Buy cheap watches.")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notifications.moderation_outcome(
            user=member,
            outcome="hidden",
            actor=moderator,
            post=post,
            reason="Advertising is not allowed",
        )
    [message] = mail.outbox
    with translation.override("kk"):  # alma's e-mails are in Kazakh
        assert notification_texts.describe(notification) in message.body
    assert "Advertising is not allowed" in message.body
    assert "Advertising is not allowed" in html_of(message)


def test_an_accepted_solution_is_e_mailed_though_its_author_wrote_the_post(
    make_topic, member, member2, django_capture_on_commit_callbacks
):
    topic = make_topic(author=member)
    reply = services.post_create(actor=member2, topic=topic, raw="Use the kit.")
    with django_capture_on_commit_callbacks(execute=True):
        services.solution_accept(actor=member, post=reply)
    assert [m.to for m in mail.outbox] == [["bolat@example.kz"]]
    assert "Use the kit." in mail.outbox[0].body


@pytest.fixture
def news(demo):
    return NewsPage.objects.get(
        slug="press-services-seminar-astana", locale__language_code="en"
    )


def test_a_reply_to_a_comment_is_left_to_the_comment_forms_follow_up_choice(
    news, member, member2, django_capture_on_commit_callbacks
):
    """The bell shows it; e-mail comes from django-comments-xtd, and only to
    those who ticked "E-mail me when someone replies" on the comment form."""
    question = comment(news, member, "Where are the slides?")
    answer = comment(news, member2, "In the materials.", parent=question)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.comment_posted(answer)
    assert Notification.objects.filter(user=member, comment=answer).exists()
    assert mail.outbox == []


# Sending once -------------------------------------------------------------------


def test_a_task_delivered_twice_sends_one_e_mail(mention):
    assert send_notification_email(mention.pk) == "sent"
    assert send_notification_email(mention.pk) == "already sent"
    assert len(mail.outbox) == 1
    delivery = EmailDelivery.objects.get(key=f"notification:{mention.pk}")
    assert delivery.user == mention.user and delivery.sent_at is not None


class FlakyBackend(LocmemBackend):
    """The mail server hangs up on the first message it is given, then recovers."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_a_send_the_server_refused_is_tried_again_by_the_outbox_once(
    mention, settings, monkeypatch
):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failures = 1
    # Run as a worker does: the error is recorded on the job, not raised.
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    job = outbox.enqueue("forum.send_notification_email", mention.pk)
    assert tasks.run_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.attempts == 1 and job.done_at is None and job.dispatched_at is None
    assert job.due_at > timezone.now()
    assert "SMTPServerDisconnected" in job.last_error
    assert mail.outbox == []
    assert tasks.run_job(job.pk) == "done"
    assert FlakyBackend.failures == 0
    assert len(mail.outbox) == 1
    assert tasks.run_job(job.pk) == "done or claimed"
    assert send_notification_email(mention.pk) == "already sent"
    assert len(mail.outbox) == 1


def test_an_e_mail_the_server_keeps_refusing_can_be_sent_later(mention, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failures = 10
    with pytest.raises(smtplib.SMTPServerDisconnected):
        emails.notification_email_deliver(mention.pk)
    assert not EmailDelivery.objects.filter(key=f"notification:{mention.pk}").exists()
    FlakyBackend.failures = 0
    assert send_notification_email(mention.pk) == "sent"
    assert len(mail.outbox) == 1


# When no e-mail goes ------------------------------------------------------------


def test_no_e_mail_for_a_notification_read_on_the_site(mention):
    Notification.objects.filter(pk=mention.pk).update(read_at=timezone.now())
    assert send_notification_email(mention.pk) == "read"
    assert mail.outbox == []


def test_no_e_mail_for_a_post_already_read_and_the_notification_becomes_read(
    mention,
):
    TopicReadState.objects.create(
        user=mention.user,
        topic=mention.topic,
        last_read_post_number=mention.post.number,
    )
    assert send_notification_email(mention.pk) == "read on the site"
    assert mail.outbox == []
    mention.refresh_from_db()
    assert mention.read_at is not None


def test_reading_an_earlier_post_does_not_stop_the_e_mail(mention):
    TopicReadState.objects.create(
        user=mention.user,
        topic=mention.topic,
        last_read_post_number=mention.post.number - 1,
    )
    assert send_notification_email(mention.pk) == "sent"


def test_no_e_mail_when_the_member_switched_them_off(mention):
    Profile.objects.filter(user=mention.user).update(email_notifications=False)
    assert send_notification_email(mention.pk) == "switched off"
    assert mail.outbox == []


@pytest.mark.parametrize("change", [{"is_active": False}, {"email": ""}])
def test_no_e_mail_for_an_inactive_member_or_one_without_an_address(mention, change):
    type(mention.user).objects.filter(pk=mention.user_id).update(**change)
    assert send_notification_email(mention.pk) == "no address"
    assert mail.outbox == []


def test_no_e_mail_about_a_post_deleted_in_the_meantime(mention, member2):
    services.post_delete(actor=member2, post=mention.post)
    assert send_notification_email(mention.pk) == "not visible"
    assert mail.outbox == []


def test_no_e_mail_for_a_notification_that_is_gone(mention):
    pk = mention.pk
    mention.delete()
    assert send_notification_email(pk) == "gone"


# Preferences --------------------------------------------------------------------


def test_preferences_need_a_login(client):
    response = client.get(reverse("forum:preferences"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_preferences_show_the_members_choices(
    client, member, django_assert_max_num_queries
):
    Profile.objects.filter(user=member).update(
        digest=DigestFrequency.DAILY, language="ru", email_notifications=False
    )
    client.force_login(member)
    client.get(reverse("forum:preferences"))  # warm the per-site caches (menu)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("forum:preferences"))
    form = response.context["form"]
    assert form.initial == {
        "email_notifications": False,
        "digest": "daily",
        "language": "ru",
    }


def test_saving_preferences_creates_a_missing_profile(client, member):
    Profile.objects.filter(user=member).delete()
    client.force_login(member)
    response = client.post(
        reverse("forum:preferences"),
        {"digest": "never", "language": "en"},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=member)
    assert (profile.email_notifications, profile.digest, profile.language) == (
        False,
        "never",
        "en",
    )


def test_bad_preferences_are_refused_and_what_was_typed_is_kept(client, member):
    client.force_login(member)
    response = client.post(
        reverse("forum:preferences"),
        {"email_notifications": "on", "digest": "hourly", "language": "ru"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "digest" in form.errors
    assert form["language"].value() == "ru"
    assert Profile.objects.get(user=member).language == "kk"


def test_a_suspended_member_cannot_save_preferences(client, member, moderator):
    Suspension.objects.create(
        user=member,
        reason="Spam",
        ends_at=timezone.now() + timedelta(days=3),
        created_by=moderator,
    )
    client.force_login(member)
    response = client.post(
        reverse("forum:preferences"),
        {"digest": "never", "language": "en"},
    )
    assert response.status_code == 403
    assert Profile.objects.get(user=member).digest == DigestFrequency.WEEKLY


def test_preferences_service_refuses_changing_someone_elses(member, member2):
    with pytest.raises(PermissionDenied):
        emails.preferences_update(
            actor=member2,
            user=member,
            email_notifications=False,
            digest="never",
            language="en",
        )


# Unsubscribe --------------------------------------------------------------------


@pytest.fixture
def anonymous():
    """A mail client's request: no session, and CSRF checks as in production."""
    return Client(enforce_csrf_checks=True)


def test_the_unsubscribe_page_shows_what_it_stops_and_changes_nothing(
    anonymous, member
):
    url = reverse(
        "forum:unsubscribe", args=[emails.unsubscribe_token(member, "notifications")]
    )
    response = anonymous.get(url)
    assert response.status_code == 200
    assert "alma@example.kz" in response.content.decode()
    assert Profile.objects.get(user=member).email_notifications is True


def test_one_click_unsubscribe_from_the_e_mails_header_without_a_login(
    mention, anonymous
):
    send_notification_email(mention.pk)
    [message] = mail.outbox
    url = path_of(message.extra_headers["List-Unsubscribe"][1:-1])
    response = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Profile.objects.get(user=mention.user).email_notifications is False


def test_unsubscribing_from_the_digest_and_undoing_it(anonymous, member):
    Profile.objects.filter(user=member).update(digest=DigestFrequency.DAILY)
    token = emails.unsubscribe_token(member, "digest")
    response = anonymous.post(reverse("forum:unsubscribe", args=[token]))
    assert response.status_code == 200
    assert Profile.objects.get(user=member).digest == DigestFrequency.NEVER
    assert 'name="previous" value="daily"' in response.content.decode()
    response = Client().post(
        reverse("forum:unsubscribe_undo", args=[token]), {"previous": "daily"}
    )
    assert response.status_code == 200
    assert Profile.objects.get(user=member).digest == DigestFrequency.DAILY


def test_a_suspended_member_can_still_unsubscribe(anonymous, member, moderator):
    Suspension.objects.create(
        user=member,
        reason="Spam",
        ends_at=timezone.now() + timedelta(days=3),
        created_by=moderator,
    )
    token = emails.unsubscribe_token(member, "notifications")
    anonymous.post(reverse("forum:unsubscribe", args=[token]))
    assert Profile.objects.get(user=member).email_notifications is False


def test_unsubscribing_creates_a_missing_profile(anonymous, member):
    Profile.objects.filter(user=member).delete()
    token = emails.unsubscribe_token(member, "digest")
    anonymous.post(reverse("forum:unsubscribe", args=[token]))
    assert Profile.objects.get(user=member).digest == DigestFrequency.NEVER


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user: emails.unsubscribe_token(user, "notifications")[:-2] + "xx",
        lambda user: signing.dumps({"u": user.pk, "w": "notifications"}),
        lambda user: signing.dumps(
            {"u": user.pk, "w": "everything"}, salt=emails.UNSUBSCRIBE_SALT
        ),
        lambda user: signing.dumps(
            {"u": 10**9, "w": "digest"}, salt=emails.UNSUBSCRIBE_SALT
        ),
        lambda user: "not-a-token",
    ],
    ids=["tampered", "wrong salt", "unknown list", "unknown member", "garbage"],
)
def test_a_bad_unsubscribe_link_is_refused_and_changes_nothing(
    anonymous, member, make_token
):
    url = reverse("forum:unsubscribe", args=[make_token(member)])
    for response in (anonymous.get(url), anonymous.post(url)):
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    profile = Profile.objects.get(user=member)
    assert profile.email_notifications is True
    assert profile.digest == DigestFrequency.WEEKLY


def test_the_profile_page_links_to_e_mail_preferences(client, member):
    client.force_login(member)
    response = client.get(reverse("forum:profile", args=["alma"]))
    assert reverse("forum:preferences") in response.content.decode()
