"""The honeypot: a field people never see or reach; a form that fills it in is
refused with a neutral 400, nothing is saved, and the refusal is logged."""

import logging

import pytest
from django.urls import reverse
from django_comments_xtd.models import XtdComment

from forum.models import Post, Topic
from tests.home.test_comments import NEWS_URL, form_fields

pytestmark = pytest.mark.django_db

NEUTRAL = "Your submission could not be accepted."


def assert_refused(response, caplog):
    assert response.status_code == 400
    assert NEUTRAL in response.content.decode()
    assert "Honeypot filled in" in caplog.text


@pytest.fixture
def info_logs(caplog):
    caplog.set_level(logging.INFO, logger="forum.members.honeypot")
    return caplog


def test_the_field_is_hidden_from_people_and_labelled_for_anyone_who_meets_it(
    client, member
):
    client.force_login(member)
    html = client.get(reverse("forum:new_topic")).content.decode()

    start = html.index('<span class="visually-hidden" aria-hidden="true">')
    field = html[start : html.index("</span>", start)]
    assert "Leave this field empty" in field
    assert 'name="website"' in field
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field


def test_a_new_topic_with_the_honeypot_filled_is_refused(
    client, member, category, info_logs
):
    client.force_login(member)

    response = client.post(
        reverse("forum:new_topic"),
        {
            "category": category.pk,
            "title": "Cheap pills for press officers",
            "raw": "Buy now.",
            "language": "en",
            "website": "https://spam.example",
        },
    )

    assert_refused(response, info_logs)
    assert not Topic.objects.filter(title__startswith="Cheap pills").exists()


def test_a_reply_with_the_honeypot_filled_is_refused(
    client, member, make_topic, info_logs
):
    topic = make_topic()
    client.force_login(member)

    response = client.post(
        reverse("forum:reply", args=[topic.pk]),
        {"raw": "Spam reply.", "website": "x"},
    )

    assert_refused(response, info_logs)
    assert not Post.objects.filter(raw="Spam reply.").exists()


def test_a_sign_up_with_the_honeypot_filled_creates_no_account(
    client, django_user_model, info_logs
):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "bot@example.kz",
            "username": "spambot",
            "password1": "Steppe-Wind-2026!",
            "password2": "Steppe-Wind-2026!",
            "website": "https://spam.example",
        },
    )

    assert_refused(response, info_logs)
    assert not django_user_model.objects.filter(username="spambot").exists()


def test_a_log_in_with_the_honeypot_filled_does_not_sign_in(client, member, info_logs):
    response = client.post(
        reverse("account_login"),
        {"login": "alma", "password": "pw-12345678", "website": "x"},
    )

    assert_refused(response, info_logs)
    assert "_auth_user_id" not in client.session


def test_sign_up_and_log_in_pages_carry_the_honeypot(client):
    for name in ("account_signup", "account_login"):
        html = client.get(reverse(name)).content.decode()
        assert 'name="website"' in html and 'aria-hidden="true"' in html


def test_a_comment_with_the_honeypot_filled_is_refused(client, demo, member, info_logs):
    client.force_login(member)
    data = form_fields(client.get(NEWS_URL).content.decode())
    data.update(comment="Spam comment.", post="", honeypot="filled")

    response = client.post("/en/comments/post/", data)

    assert_refused(response, info_logs)
    assert not XtdComment.objects.filter(comment="Spam comment.").exists()


def test_an_empty_honeypot_lets_the_post_through(client, member, make_topic):
    topic = make_topic()
    client.force_login(member)

    response = client.post(
        reverse("forum:reply", args=[topic.pk]), {"raw": "Real reply.", "website": ""}
    )

    assert response.status_code == 302
    assert Post.objects.filter(raw="Real reply.").exists()
