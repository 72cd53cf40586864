"""Who may create an account, and what happens when someone does.

django-allauth runs sign-up, log-in, e-mail verification and password reset; this
adapter adds the forum's rules from ForumSettings (staff edit them in Wagtail's
settings): sign-up can be closed to everyone without an invitation, and limited
to e-mail addresses at allowed domains. An invitation is addressed to one
person, so its own address is accepted even outside the allowed domains.

Against spam bots the sign-up and log-in forms carry the honeypot field
(forum/members/honeypot.py). Sign-ups are counted per client address and log-in
attempts per address and, for wrong passwords, per account, by the forum's
limiter (forum/members/ratelimit.py; FORUM_IP_RATE_LIMITS, FORUM_ACCOUNT_RATE_LIMITS):
over a limit the form comes back with what was typed and status 429, with
Retry-After. allauth's own log-in limits are switched off (ACCOUNT_RATE_LIMITS)
so that there is one count and one kind of answer; allauth and the forum see
the same client address.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from forum.core import links
from forum.members import honeypot, ratelimit
from forum.members.selectors import invitation_by_token
from forum.members.services import invitation_accept, profile_create
from forum.models import ForumSettings, Invitation

# The accept link stores the invitation's token here for the sign-up that follows.
INVITATION_SESSION_KEY = "forum_invitation_token"

# Views where clean_email() checks an address that already has an account: an
# allow-list changed later must not lock existing members out of their password.
_EXISTING_ADDRESS_VIEWS = {"account_reset_password"}


def session_invitation(request) -> Invitation | None:
    """The usable invitation whose link this browser followed, if any."""
    if request is None or not hasattr(request, "session"):
        return None
    if not hasattr(request, "_forum_invitation"):
        token = request.session.get(INVITATION_SESSION_KEY)
        invitation = invitation_by_token(token) if token else None
        request._forum_invitation = (
            invitation if invitation is not None and invitation.is_usable else None
        )
    return request._forum_invitation


def invitation_invalid_response(request, invitation=None, status=410):
    return render(
        request,
        "forum/invitation_invalid.html",
        {"invitation": invitation},
        status=status,
    )


class _HoneypotClean(honeypot.HoneypotMixin):
    """allauth's views validate the form themselves: a filled honeypot stops
    them with the 400 response (allauth's middleware returns it)."""

    honeypot_form_name = ""

    def clean_website(self):
        value = self.cleaned_data.get(honeypot.FIELD_NAME, "")
        if value.strip():
            raise ImmediateHttpResponse(
                honeypot.rejection(context.request, self.honeypot_form_name)
            )
        return value


def _account_key(login: str) -> str:
    """The account a log-in names, by its username or any of its e-mail
    addresses, so that switching between them does not multiply the tries.
    A name that is no account counts by itself."""
    login = login.strip().lower()
    account = (
        get_user_model()
        .objects.filter(
            Q(username__iexact=login)
            | Q(email__iexact=login)
            | Q(emailaddress__email__iexact=login)
        )
        .values_list("pk", flat=True)
        .first()
    )
    return f"user:{account}" if account is not None else f"login:{login}"


class LoginForm(_HoneypotClean, AllauthLoginForm):
    honeypot_form_name = "log-in"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth labels the field "Login" (Russian "Войти", a verb); it takes
        # either, so it says so, as its placeholder does.
        self.fields["login"].label = _("Username or email")

    def clean(self):
        """Every attempt counts against the address; a wrong password also
        against the account, and a right one gives its place back.

        Past a limit even the right password is refused (or guessing could go
        on), before it is checked.
        """
        if self._errors:  # a field left empty: no password was tried
            return super().clean()
        request = context.request
        attempt = ratelimit.hit(request, "login")
        if isinstance(attempt, ratelimit.Limited):
            self._refuse(request, attempt)
        failure = ratelimit.hit(
            request, "login_failed", account=_account_key(self.cleaned_data["login"])
        )
        if isinstance(failure, ratelimit.Limited):
            self._refuse(request, failure)
        cleaned_data = super().clean()  # raises ValidationError on a wrong password
        failure.undo()
        return cleaned_data

    def _refuse(self, request, limited):
        """The log-in form again, the name kept, with when to try again: a 429."""
        self.add_error(None, limited.message)
        response = render(
            request,
            "account/login.html",
            {"form": self, "signup_url": reverse("account_signup")},
        )
        raise ImmediateHttpResponse(ratelimit.with_retry_after(response, limited))


class SignupForm(_HoneypotClean, AllauthSignupForm):
    honeypot_form_name = "sign-up"

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            # Only sign-ups that would create an account count: a typo in the
            # password confirmation does not use up the address's allowance.
            request = context.request
            allowance = ratelimit.hit(request, "signup")
            if isinstance(allowance, ratelimit.Limited):
                self.add_error(None, allowance.message)
                response = render(
                    request,
                    "account/signup.html",
                    {"form": self, "login_url": reverse("account_login")},
                )
                raise ImmediateHttpResponse(
                    ratelimit.with_retry_after(response, allowance)
                )
        return cleaned_data


class ForumAccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """The address allauth's own rate limits count, the same as ours."""
        return ratelimit.client_ip(request)

    # Where log-in, sign-up and log-out land without a `next`: the home page
    # in the language of the page the form was on. LOGIN_REDIRECT_URL's "/"
    # would pick the language from the browser's Accept-Language instead.

    def get_login_redirect_url(self, request) -> str:
        return _language_home(request)

    def get_signup_redirect_url(self, request) -> str:
        return _language_home(request)

    def get_logout_redirect_url(self, request) -> str:
        return _language_home(request)

    # E-mails: the site named in the reader's language, and links from the one
    # configured origin (forum.core.links), not from the host of the request
    # that happened to send the e-mail or from the sites framework's row.

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.WAGTAIL_SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = SimpleNamespace(
            name=str(settings.WAGTAIL_SITE_NAME), domain=links.origin()
        )
        super().send_mail(template_prefix, email, {"current_site": site} | context)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        url = super().get_email_confirmation_url(request, emailconfirmation)
        return _from_origin(url)

    def get_reset_password_from_key_url(self, key: str) -> str:
        return _from_origin(super().get_reset_password_from_key_url(key))

    def _settings(self, request=None) -> ForumSettings:
        return ForumSettings.load(request_or_site=request or self.request)

    def is_open_for_signup(self, request) -> bool:
        if not super().is_open_for_signup(request):
            return False
        if not self._settings(request).invitation_only:
            return True
        return session_invitation(request) is not None

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        request = self.request
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in _EXISTING_ADDRESS_VIEWS:
            return email
        forum_settings = self._settings(request)
        if forum_settings.allows_email(email):
            return email
        invitation = session_invitation(request)
        if invitation is not None and invitation.email.lower() == email.lower():
            return email
        raise forms.ValidationError(
            _("Accounts can only be created with an e-mail address at: %(domains)s.")
            % {"domains": ", ".join(forum_settings.domains)},
            code="email_domain_not_allowed",
        )

    def save_user(self, request, user, form, commit=True):
        """Create the account with its profile, and use up the invitation.

        One transaction: when the invitation turns out to be used already (two
        people racing on one link) on an invitation-only forum, the account is
        not created either.
        """
        if not commit:
            return super().save_user(request, user, form, commit=False)
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            profile_create(
                user=user, display_name=form.cleaned_data.get("display_name") or ""
            )
            token = request.session.pop(INVITATION_SESSION_KEY, None)
            request.__dict__.pop("_forum_invitation", None)
            if token:
                try:
                    invitation = invitation_accept(token=token, user=user)
                except ValidationError as error:
                    if self._settings(request).invitation_only:
                        raise ImmediateHttpResponse(
                            invitation_invalid_response(
                                request, invitation_by_token(token)
                            )
                        ) from error
                else:
                    # The link reached this inbox, so the address is proven:
                    # allauth's setup_user_email() marks the stashed one verified.
                    if invitation.email.lower() == (user.email or "").lower():
                        self.stash_verified_email(request, invitation.email)
        return user


def _language_home(request) -> str:
    return f"/{request.LANGUAGE_CODE}/"  # LocaleMiddleware's: the page's prefix


def _from_origin(url: str) -> str:
    """`url`'s path and query under the configured origin."""
    parts = urlsplit(url)
    return links.absolute(urlunsplit(("", "", parts.path, parts.query, "")))
