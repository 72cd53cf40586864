"""Rate limits: per member by trust level, per address for sign-ups and new
accounts; over a limit the answer is 429 with Retry-After, and a form comes
back with everything that was typed."""

import copy
from html import unescape

import pytest
from django.urls import reverse

from forum import ratelimit
from forum.models import Post, Topic, TrustLevel
from tests.home.test_comments import NEWS_URL, form_fields

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Steppe-Wind-2026!"


def set_rate(settings, level: int, action: str, rate: str | None):
    limits = copy.deepcopy(settings.FORUM_TRUST_LIMITS)
    limits[level]["rates"][action] = rate
    settings.FORUM_TRUST_LIMITS = limits


def signup(client, n: int, ip="10.0.0.1", **extra):
    return client.post(
        reverse("account_signup"),
        {
            "email": f"person{n}@example.kz",
            "username": f"person{n}",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        REMOTE_ADDR=ip,
        **extra,
    )


class TestPosting:
    def test_a_reply_over_the_limit_answers_429_with_retry_after_and_keeps_the_text(
        self, client, member, make_topic, settings
    ):
        set_rate(settings, TrustLevel.BASIC, "reply", "2/h")
        topic = make_topic()
        url = reverse("forum:reply", args=[topic.pk])
        client.force_login(member)
        for n in range(2):
            assert client.post(url, {"raw": f"Reply {n}"}).status_code == 302
        text = "A third reply, written with care: <keep> & all."

        response = client.post(url, {"raw": text})

        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 3600
        html = unescape(response.content.decode())
        assert "You have posted as many replies as you can for now." in html
        assert "Please try again in" in html
        assert text in html
        assert not Post.objects.filter(raw=text).exists()

    def test_a_new_topic_over_the_limit_keeps_title_and_text(
        self, client, member, category, settings
    ):
        set_rate(settings, TrustLevel.BASIC, "topic", "0/d")
        client.force_login(member)

        response = client.post(
            reverse("forum:new_topic"),
            {
                "category": category.pk,
                "title": "Kept title of the topic",
                "raw": "Kept text of the topic.",
                "language": "en",
            },
        )

        assert response.status_code == 429
        assert response["Retry-After"]
        html = unescape(response.content.decode())
        assert "Kept title of the topic" in html and "Kept text of the topic." in html
        assert not Topic.objects.filter(title="Kept title of the topic").exists()

    def test_a_refused_post_does_not_use_up_the_allowance(
        self, client, make_user, make_topic, settings
    ):
        set_rate(settings, TrustLevel.NEW, "reply", "1/h")
        newcomer = make_user("newbie_typo", trust_level=TrustLevel.NEW)
        topic = make_topic()
        url = reverse("forum:reply", args=[topic.pk])
        client.force_login(newcomer)

        assert client.post(url, {"raw": "See https://example.org"}).status_code == 400
        assert client.post(url, {"raw": "Without the link."}).status_code == 302

    def test_regulars_and_moderators_post_without_limits(
        self, client, make_user, moderator, make_topic, settings
    ):
        for level in (0, 1, 2):
            set_rate(settings, level, "reply", "0/h")
        topic = make_topic()
        url = reverse("forum:reply", args=[topic.pk])
        for user in (make_user(trust_level=TrustLevel.REGULAR), moderator):
            client.force_login(user)
            assert client.post(url, {"raw": "No limit here."}).status_code == 302

    def test_new_accounts_behind_one_address_share_a_ceiling(
        self, client, make_user, make_topic, settings
    ):
        settings.FORUM_IP_RATE_LIMITS = {"reply": "1/h"}
        topic = make_topic()
        url = reverse("forum:reply", args=[topic.pk])
        first, second = (make_user(trust_level=TrustLevel.NEW) for _ in range(2))
        client.force_login(first)
        assert client.post(url, {"raw": "From the first."}).status_code == 302
        client.force_login(second)
        assert client.post(url, {"raw": "From the second."}).status_code == 429
        assert (
            client.post(
                url, {"raw": "From elsewhere."}, REMOTE_ADDR="10.9.9.9"
            ).status_code
            == 302
        )

    def test_likes_over_the_limit_answer_429(
        self, client, member, member2, make_topic, settings
    ):
        set_rate(settings, TrustLevel.BASIC, "like", "1/d")
        topic = make_topic(author=member2, replies=1)
        first, second = topic.posts.order_by("number")
        client.force_login(member)
        assert (
            client.post(reverse("forum:post_like", args=[first.pk])).status_code == 302
        )

        response = client.post(reverse("forum:post_like", args=[second.pk]))

        assert response.status_code == 429
        assert response["Retry-After"]
        assert "You have given as many likes as you can" in response.content.decode()

    def test_a_comment_over_the_limit_comes_back_with_its_text(
        self, client, demo, member, settings
    ):
        set_rate(settings, TrustLevel.BASIC, "comment", "0/h")
        client.force_login(member)
        data = form_fields(client.get(NEWS_URL).content.decode())
        data.update(comment="My kept comment.", post="")

        response = client.post("/en/comments/post/", data)

        assert response.status_code == 429
        assert response["Retry-After"]
        html = unescape(response.content.decode())
        assert "My kept comment." in html
        assert "You have posted as many comments as you can" in html


class TestSignupAndLogin:
    def test_sign_ups_are_limited_per_address_and_the_form_keeps_the_input(
        self, client, settings, django_user_model
    ):
        settings.FORUM_IP_RATE_LIMITS = {"signup": "2/h"}
        for n in range(2):
            assert signup(client, n).status_code == 302
            client.logout()

        response = signup(client, 2)

        assert response.status_code == 429
        assert response["Retry-After"]
        html = response.content.decode()
        assert "Too many accounts have been created from your network." in html
        assert 'value="person2"' in html and 'value="person2@example.kz"' in html
        assert not django_user_model.objects.filter(username="person2").exists()
        assert signup(client, 3, ip="10.0.0.2").status_code == 302

    def test_behind_a_trusted_proxy_the_forwarded_address_counts(
        self, client, settings
    ):
        settings.FORUM_IP_RATE_LIMITS = {"signup": "1/h"}
        settings.FORUM_TRUSTED_PROXY = 1
        proxy = {"ip": "172.16.0.1"}
        assert (
            signup(client, 0, HTTP_X_FORWARDED_FOR="10.1.1.1", **proxy).status_code
            == 302
        )
        client.logout()
        assert (
            signup(client, 1, HTTP_X_FORWARDED_FOR="10.1.1.2", **proxy).status_code
            == 302
        )
        client.logout()
        assert (
            signup(client, 2, HTTP_X_FORWARDED_FOR="10.1.1.2", **proxy).status_code
            == 429
        )

    def test_without_a_trusted_proxy_a_forged_forwarded_header_is_ignored(
        self, rf, settings
    ):
        settings.FORUM_TRUSTED_PROXY = 0
        request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.7")
        assert ratelimit.client_ip(request) == "10.0.0.7"

    def test_log_ins_from_one_address_are_limited_by_allauth_with_429(
        self, client, member, settings
    ):
        settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}
        url = reverse("account_login")
        data = {"login": "alma", "password": "wrong"}
        for _ in range(2):
            assert client.post(url, data).status_code == 200

        response = client.post(url, data)

        assert response.status_code == 429
        assert "Please wait a little" in response.content.decode()


class TestLimiter:
    def test_a_fixed_window_counts_up_to_the_rate_and_says_how_long_to_wait(
        self, rf, member, settings
    ):
        set_rate(settings, TrustLevel.BASIC, "flag", "2/h")
        request = rf.post("/")
        request.user = member

        assert isinstance(ratelimit.hit(request, "flag"), ratelimit.Hit)
        assert isinstance(ratelimit.hit(request, "flag"), ratelimit.Hit)
        limited = ratelimit.hit(request, "flag")

        assert isinstance(limited, ratelimit.Limited)
        assert 0 < limited.retry_after <= 3600
        assert "try again in" in limited.message

    def test_staff_have_no_member_limits(self, rf, make_user, settings):
        set_rate(settings, TrustLevel.REGULAR, "flag", "0/h")
        request = rf.post("/")
        request.user = make_user("staffer", is_staff=True)
        assert isinstance(ratelimit.hit(request, "flag"), ratelimit.Hit)

    @pytest.mark.parametrize(
        ("text", "rate"),
        [("3/d", (3, 86400)), ("10/h", (10, 3600)), ("5/15m", (5, 900))],
    )
    def test_rates_read_like_allauths(self, text, rate):
        assert ratelimit.Rate.parse(text) == ratelimit.Rate(*rate)
