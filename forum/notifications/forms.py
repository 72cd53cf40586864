"""The e-mail preferences form."""

from django import forms
from django.utils.translation import gettext_lazy

from forum.core.languages import LANGUAGE_CHOICES, LanguageSelect
from forum.models import DigestFrequency
from forum.notifications import mail as emails


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
        widget=LanguageSelect,
    )

    @classmethod
    def initial_for(cls, user) -> dict:
        return {
            "email_notifications": emails.wants_notification_emails(user),
            "digest": emails.digest_frequency(user),
            "language": emails.language_of(user),
        }
