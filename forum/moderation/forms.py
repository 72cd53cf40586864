"""Forms for moderation: flagging a post or comment, suspending a member.

The services check again (forum/moderation/services.py); these give
field-level errors and keep what the member typed.
"""

from django import forms
from django.utils.translation import gettext_lazy

from forum.core.forms import ServiceErrorsMixin
from forum.members import honeypot
from forum.models import Flag
from forum.moderation import services as moderation


class FlagForm(ServiceErrorsMixin, honeypot.HoneypotMixin, forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why should the moderators look at this?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the moderators"),
        help_text=gettext_lazy("Required when you choose “Something else”."),
        required=False,
        max_length=moderation.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SuspendForm(ServiceErrorsMixin, forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Days"),
        min_value=1,
        max_value=moderation.SUSPENSION_MAX_DAYS,
        initial=7,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (the member will read it)"),
        max_length=moderation.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
