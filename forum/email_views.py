"""E-mail preferences, and the one-click unsubscribe link every forum e-mail carries.

The unsubscribe link works without a login: the signed token in it is the
authority. Mail clients POST to it on their own (RFC 8058), without a CSRF
token, so its POST is exempt; a GET only shows what the button will stop.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import emails, permissions
from .models import LANGUAGE_CHOICES, DigestFrequency


class PreferencesForm(forms.Form):
    email_notifications = forms.BooleanField(
        label=gettext_lazy("E-mail me about notifications I have not read on the site"),
        help_text=gettext_lazy(
            "Replies, mentions, quotes and activity you watch, about ten minutes "
            "later, unless you have seen them here first. Likes never send e-mail."
        ),
        required=False,
    )
    digest = forms.ChoiceField(
        label=gettext_lazy("Digest of popular topics, new seminars and news"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of e-mails"),
        choices=LANGUAGE_CHOICES,
    )

    @classmethod
    def initial_for(cls, user) -> dict:
        return {
            "email_notifications": emails.wants_notification_emails(user),
            "digest": emails.digest_frequency(user),
            "language": emails.language_of(user),
        }


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    status = 200
    can_save = permissions.can_edit_profile(request.user, request.user)
    if request.method == "POST":
        if not can_save:
            raise PermissionDenied
        form = PreferencesForm(request.POST)
        if form.is_valid():
            emails.preferences_update(
                actor=request.user, user=request.user, **form.cleaned_data
            )
            messages.success(request, _("Your e-mail preferences were saved."))
            return redirect("forum:preferences")
        status = 400
    else:
        form = PreferencesForm(initial=PreferencesForm.initial_for(request.user))
    return render(
        request,
        "forum/preferences.html",
        {"form": form, "email": request.user.email, "can_save": can_save},
        status=status,
    )


def _invalid(request):
    return render(request, "forum/unsubscribe_invalid.html", status=400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user, what = emails.unsubscribe_target(token)
    except emails.InvalidUnsubscribeToken:
        return _invalid(request)
    context = {"token": token, "what": what, "email": user.email}
    if request.method == "GET":
        return render(request, "forum/unsubscribe.html", context)
    context["previous"] = emails.subscription_stop(user=user, what=what)
    return render(request, "forum/unsubscribe_done.html", context)


@require_POST
def unsubscribe_undo(request, token):
    """The confirmation page's "undo" button (a browser form, so CSRF applies)."""
    try:
        user, what = emails.unsubscribe_target(token)
    except emails.InvalidUnsubscribeToken:
        return _invalid(request)
    emails.subscription_restore(
        user=user, what=what, previous=request.POST.get("previous", "")
    )
    return render(
        request,
        "forum/unsubscribe_done.html",
        {"token": token, "what": what, "email": user.email, "restored": True},
    )
