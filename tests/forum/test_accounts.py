"""Accounts: sign-up rules, invitations, log-in, log-out and password reset.

allauth does the work; these tests hold the forum's own rules to it: sign-up
closed without an invitation when staff say so, the allowed e-mail domains,
and invitations that are sent in the inviter's language, used once, and expire.
"""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from forum.members.accounts import INVITATION_SESSION_KEY
from forum.members.services import invitation_create, invitation_send
from forum.models import ForumSettings, Invitation, Profile

DEMO_PASSWORD = "demo-forum-2026"
NEW_PASSWORD = "Steppe-Wind-2026!"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts sign-ups and log-ins per address in the cache."""
    cache.clear()


@pytest.fixture
def forum_settings(db):
    return ForumSettings.load()


@pytest.fixture
def invitation_only(forum_settings):
    forum_settings.invitation_only = True
    forum_settings.save()
    return forum_settings


@pytest.fixture
def staff(make_user):
    return make_user("press_office", is_staff=True)


@pytest.fixture
def invitation(staff):
    return Invitation.objects.create(email="guest@akorda.kz", invited_by=staff)


def signup(client, email, username="newcomer"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "username": username,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# Sign-up ------------------------------------------------------------------------


def test_signup_creates_the_user_and_an_empty_profile(client, django_user_model):
    response = signup(client, "newcomer@example.kz")

    assert response.status_code == 302
    user = django_user_model.objects.get(username="newcomer")
    assert user.email == "newcomer@example.kz"
    assert Profile.objects.get(user=user).display_name == ""


def test_invitation_only_forum_refuses_signup_without_an_invitation(
    client, invitation_only, django_user_model
):
    page = client.get(reverse("account_signup"))
    response = signup(client, "newcomer@example.kz")

    assert "Sign-up by invitation only" in page.content.decode()
    assert 'name="password1"' not in page.content.decode()
    assert response.status_code == 200
    assert not django_user_model.objects.filter(username="newcomer").exists()


def test_invitation_link_opens_signup_and_the_invitation_is_used_up(
    client, invitation_only, invitation, django_user_model
):
    response = client.get(reverse("forum:invitation_accept", args=[invitation.token]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_signup"))
    assert client.session[INVITATION_SESSION_KEY] == invitation.token
    page = client.get(response["Location"])
    assert 'value="guest@akorda.kz"' in page.content.decode()

    response = signup(client, "guest@akorda.kz")

    assert response.status_code == 302
    user = django_user_model.objects.get(username="newcomer")
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None
    assert not invitation.is_usable
    assert INVITATION_SESSION_KEY not in client.session
    assert Profile.objects.filter(user=user).exists()


def test_invited_address_counts_as_verified_so_no_confirmation_is_needed(
    client, settings, invitation
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.get(reverse("forum:invitation_accept", args=[invitation.token]))

    signup(client, "guest@akorda.kz")

    user_id = signed_in_user_id(client)
    assert user_id is not None
    assert EmailAddress.objects.get(user_id=user_id).verified
    assert mail.outbox == []


def test_signing_up_with_another_address_than_invited_still_needs_confirmation(
    client, settings, invitation, django_user_model
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.get(reverse("forum:invitation_accept", args=[invitation.token]))

    signup(client, "someone.else@akorda.kz")

    user = django_user_model.objects.get(username="newcomer")
    assert signed_in_user_id(client) is None
    assert not EmailAddress.objects.get(user=user).verified
    assert [message.to for message in mail.outbox] == [["someone.else@akorda.kz"]]
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


@pytest.mark.parametrize(
    "change",
    [
        {"expires_at": timezone.now() - timedelta(minutes=1)},
        {"accepted_at": timezone.now()},
    ],
    ids=["expired", "used"],
)
def test_an_expired_or_used_invitation_is_refused_with_410(
    client, invitation_only, invitation, change, django_user_model
):
    Invitation.objects.filter(pk=invitation.pk).update(**change)

    response = client.get(reverse("forum:invitation_accept", args=[invitation.token]))
    signup(client, "guest@akorda.kz")

    assert response.status_code == 410
    assert "Invitation not valid" in response.content.decode()
    assert INVITATION_SESSION_KEY not in client.session
    assert not django_user_model.objects.filter(username="newcomer").exists()


def test_an_unknown_invitation_token_answers_404_with_an_explanation(client):
    response = client.get(reverse("forum:invitation_accept", args=["no-such-token"]))

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_an_invitation_used_up_during_signup_creates_no_account(
    client, invitation_only, invitation, django_user_model, monkeypatch
):
    """Two people on one link: the one who saves second gets no account."""
    from forum.members import accounts

    real_accept = accounts.invitation_accept

    def accept_after_a_rival(*, token, user):
        Invitation.objects.filter(token=token).update(accepted_at=timezone.now())
        return real_accept(token=token, user=user)

    client.get(reverse("forum:invitation_accept", args=[invitation.token]))
    monkeypatch.setattr(accounts, "invitation_accept", accept_after_a_rival)

    response = signup(client, "guest@akorda.kz")

    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not django_user_model.objects.filter(username="newcomer").exists()
    assert not Profile.objects.filter(user__username="newcomer").exists()


# Allowed e-mail domains ---------------------------------------------------------


def test_address_outside_the_allowed_domains_is_refused_and_the_form_keeps_input(
    client, forum_settings, django_user_model
):
    forum_settings.allowed_email_domains = "gov.kz\n@akorda.kz"
    forum_settings.save()

    response = signup(client, "press@gmail.com", username="typed_name")

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Accounts can only be created with an e-mail address at: gov.kz, akorda.kz."
        in page
    )
    assert 'value="typed_name"' in page
    assert 'value="press@gmail.com"' in page
    assert not django_user_model.objects.filter(username="typed_name").exists()


def test_subdomains_of_an_allowed_domain_may_sign_up(
    client, forum_settings, django_user_model
):
    forum_settings.allowed_email_domains = "gov.kz"
    forum_settings.save()

    signup(client, "press@mfa.gov.kz")

    assert django_user_model.objects.filter(username="newcomer").exists()


def test_the_invited_address_may_sign_up_outside_the_allowed_domains(
    client, forum_settings, invitation, django_user_model
):
    forum_settings.allowed_email_domains = "gov.kz"
    forum_settings.save()
    client.get(reverse("forum:invitation_accept", args=[invitation.token]))

    signup(client, "guest@akorda.kz")

    assert django_user_model.objects.filter(username="newcomer").exists()


def test_allowed_domains_do_not_block_password_reset_for_existing_members(
    client, demo, forum_settings
):
    forum_settings.allowed_email_domains = "gov.kz"
    forum_settings.save()

    client.post(reverse("account_reset_password"), {"email": "aigerim@example.kz"})

    assert [message.to for message in mail.outbox] == [["aigerim@example.kz"]]


# Sending invitations ------------------------------------------------------------


def test_staff_send_an_invitation_in_their_own_language(
    client, settings, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with translation.override("ru"):
        url = reverse("forum:invitations")
    assert url.startswith("/ru/")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Press@Akorda.kz"})

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="press@akorda.kz")
    assert invitation.invited_by == staff
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["press@akorda.kz"]
    assert "Форум стратегических цифровых коммуникаций" in message.subject
    accept_url = (
        f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}"
        f"/ru/forum/invite/{invitation.token}/"
    )
    assert accept_url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{accept_url}"' in html
    assert '<html lang="ru">' in html


def test_the_invitations_page_lists_what_was_sent(client, staff, invitation):
    client.force_login(staff)

    response = client.get(reverse("forum:invitations"))

    assert response.status_code == 200
    assert "guest@akorda.kz" in response.content.decode()


def test_inviting_an_address_that_already_has_an_account_is_refused(
    client, staff, member
):
    client.force_login(staff)

    response = client.post(reverse("forum:invitations"), {"email": member.email})

    assert response.status_code == 400
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.filter(email=member.email).exists()


def test_members_get_403_on_the_invitations_page(client, member):
    client.force_login(member)

    assert client.get(reverse("forum:invitations")).status_code == 403
    response = client.post(reverse("forum:invitations"), {"email": "x@akorda.kz"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_visitors_are_sent_to_log_in_from_the_invitations_page(client):
    response = client.get(reverse("forum:invitations"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_only_staff_may_create_invitations(member):
    with pytest.raises(PermissionDenied):
        invitation_create(actor=member, email="x@akorda.kz")


# Log in, log out, password reset ------------------------------------------------


def test_log_in_and_log_out(client, demo, django_user_model):
    aigerim = django_user_model.objects.get(username="aigerim")

    response = client.post(
        reverse("account_login"), {"login": "aigerim", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(aigerim.pk)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_a_wrong_password_does_not_log_in(client, demo):
    response = client.post(
        reverse("account_login"), {"login": "aigerim", "password": "wrong"}
    )

    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_password_reset_sends_an_email(client, demo):
    response = client.post(
        reverse("account_reset_password"), {"email": "aigerim@example.kz"}
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aigerim@example.kz"]
    assert "/en/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.parametrize("name", ["account_login", "account_signup"])
def test_account_pages_render_inside_the_site_layout(client, name):
    response = client.get(reverse(name))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in page
    assert 'class="account-page"' in page
    assert page.count("<h1") == 1
    assert 'name="password' in page


def test_an_invitation_job_that_runs_twice_sends_one_e_mail(
    staff, django_capture_on_commit_callbacks
):
    """Its outbox job runs at least once; the delivery key keeps it to one."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(actor=staff, email="twice@akorda.kz")
    assert [m.to for m in mail.outbox] == [["twice@akorda.kz"]]
    assert invitation_send(invitation_id=invitation.pk, language="kk") is False
    assert len(mail.outbox) == 1


# Where log-in leads, and the links in account e-mails ---------------------------


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_log_in_log_out_and_sign_up_stay_in_the_pages_language(client, demo, language):
    """A Russian browser logging in on /kk/ stays on /kk/, not on "/", which
    would pick the browser's language."""
    browser = {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9"}
    accounts = f"/{language}/accounts"
    response = client.post(
        f"{accounts}/login/", {"login": "aigerim", "password": DEMO_PASSWORD}, **browser
    )
    assert response.status_code == 302
    assert response.url == f"/{language}/"
    response = client.post(f"{accounts}/logout/", **browser)
    assert response.url == f"/{language}/"


def test_log_in_returns_to_the_page_it_came_from(client, demo):
    page = "/kk/forum/c/social-media-strategy/"
    response = client.post(
        f"/kk/accounts/login/?next={page}",
        {"login": "aigerim", "password": DEMO_PASSWORD, "next": page},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.url == page


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_account_e_mails_name_the_site_in_its_language_and_link_to_its_origin(
    client, demo, settings, language
):
    settings.FORUM_BASE_URL = "https://forum.example.kz"
    signup_client = client
    signup_client.post(
        f"/{language}/accounts/signup/",
        {
            "email": "newcomer@example.kz",
            "username": "newcomer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        HTTP_HOST="127.0.0.1:8000",
    )
    client.logout()
    client.post(
        f"/{language}/accounts/password/reset/",
        {"email": "aigerim@example.kz"},
        HTTP_HOST="127.0.0.1:8000",
    )
    confirmation, reset = mail.outbox
    with translation.override(language):
        name = translation.gettext("Strategic Digital Communication Forum")
    for message in (confirmation, reset):
        assert message.subject.startswith(f"[{name}] ")
        assert name in message.body
        assert "127.0.0.1" not in message.body and "8000" not in message.body
    assert f"https://forum.example.kz/{language}/accounts/confirm-email/" in (
        confirmation.body
    )
    assert f"https://forum.example.kz/{language}/accounts/password/reset/key/" in (
        reset.body
    )
