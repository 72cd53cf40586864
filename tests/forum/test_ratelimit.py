"""Rate limits: per member by trust level, per address for sign-ups and new
accounts; over a limit the answer is 429 with Retry-After, and a form comes
back with everything that was typed."""

import copy
from html import unescape
from types import SimpleNamespace

import pytest
from django.urls import reverse

from forum.conf import conf
from forum.members import ratelimit
from forum.models import Post, Topic, TrustLevel
from tests.home.test_comments import NEWS_URL, form_fields

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Steppe-Wind-2026!"


def set_rate(settings, level: int, action: str, rate: str | None):
    limits = copy.deepcopy(conf.FORUM_TRUST_LIMITS)
    limits[level]["rates"][action] = rate
    settings.FORUM_TRUST_LIMITS = limits


@pytest.fixture
def frozen_clock(monkeypatch):
    """The limiter's clock stands still in the middle of every window, so that
    no window ends halfway through a test."""
    monkeypatch.setattr(
        ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0 + 30)
    )


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

    def test_five_wrong_passwords_for_an_account_then_429_with_retry_after(
        self, client, member, frozen_clock
    ):
        url = reverse("account_login")
        for n in range(5):
            wrong = client.post(
                url, {"login": "alma", "password": "wrong"}, REMOTE_ADDR=f"10.0.1.{n}"
            )
            assert wrong.status_code == 200

        # From yet another address, by e-mail address, with the right password.
        response = client.post(
            url,
            {"login": "ALMA@example.kz", "password": "pw-12345678"},
            REMOTE_ADDR="10.0.2.1",
        )

        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 300
        html = unescape(response.content.decode())
        assert "too many wrong passwords for this account" in html
        assert "Please try again in 5 minutes." in html
        assert 'value="ALMA@example.kz"' in html  # the form again, name kept
        assert "_auth_user_id" not in client.session

    def test_a_right_password_gives_its_place_back(self, client, member, frozen_clock):
        url = reverse("account_login")
        for _ in range(4):
            client.post(url, {"login": "alma", "password": "wrong"})
        assert (
            client.post(url, {"login": "alma", "password": "pw-12345678"}).status_code
            == 302
        )
        client.logout()

        assert (
            client.post(url, {"login": "alma", "password": "wrong"}).status_code == 200
        )
        assert (
            client.post(url, {"login": "alma", "password": "wrong"}).status_code == 429
        )

    def test_log_in_attempts_from_one_address_are_limited(
        self, client, member, settings, frozen_clock
    ):
        settings.FORUM_IP_RATE_LIMITS = {"login": "2/m", "login_failed": "10/m"}
        url = reverse("account_login")
        for n in range(2):
            client.post(url, {"login": f"nobody{n}", "password": "wrong"})

        response = client.post(url, {"login": "alma", "password": "pw-12345678"})

        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 60
        html = unescape(response.content.decode())
        assert "too many log-in attempts from your network" in html
        assert (
            client.post(
                url,
                {"login": "alma", "password": "pw-12345678"},
                REMOTE_ADDR="10.3.3.3",
            ).status_code
            == 302
        )

    @pytest.mark.parametrize(
        ("language", "text"),
        [
            ("kk", "Кіру"),
            ("ru", "Попробуйте снова через 5 минут."),
            ("en", "Please try again in 5 minutes."),
        ],
    )
    def test_the_429_page_is_in_the_language_of_the_page(
        self, client, member, frozen_clock, language, text
    ):
        url = f"/{language}/accounts/login/"
        for _ in range(6):
            response = client.post(url, {"login": "alma", "password": "wrong"})

        assert response.status_code == 429
        html = unescape(response.content.decode())
        assert f'<html lang="{language}"' in html
        assert text in html

    def test_allauth_does_not_count_log_ins_a_second_time(self, settings):
        """One limiter decides, so that every refusal is a 429 with Retry-After
        (allauth's own answers a form error, or a 429 without it)."""
        assert settings.ACCOUNT_RATE_LIMITS["login"] is False
        assert settings.ACCOUNT_RATE_LIMITS["login_failed"] is False


class TestPreview:
    def test_previews_over_the_limit_answer_429_with_retry_after(
        self, client, member, settings, frozen_clock
    ):
        set_rate(settings, TrustLevel.BASIC, "preview", "2/m")
        client.force_login(member)
        url = reverse("forum:preview")
        for _ in range(2):
            assert client.post(url, {"raw": "**bold**"}).status_code == 200

        response = client.post(url, {"raw": "**bold**"})

        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 60
        html = response.content.decode()
        assert "You have previewed as many posts as you can for now." in html
        assert "<strong>bold</strong>" not in html

    def test_the_live_preview_says_so_where_the_preview_goes(
        self, client, member, settings, frozen_clock
    ):
        set_rate(settings, TrustLevel.BASIC, "preview", "0/m")
        client.force_login(member)

        response = client.post(
            reverse("forum:preview"), {"raw": "**bold**"}, HTTP_HX_REQUEST="true"
        )

        html = response.content.decode()
        assert "You have previewed as many posts as you can for now." in html
        assert "<strong>bold</strong>" not in html

    def test_every_trust_level_has_a_preview_rate(self, settings):
        for limits in conf.FORUM_TRUST_LIMITS.values():
            assert ratelimit.Rate.parse(limits["rates"]["preview"]) is not None


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
