"""A honeypot field for public forms: people leave it empty, spam bots fill it in.

The field sits in the form's hidden fields, so templates that already render
`form.hidden_fields` show it without change. It is out of sight (the site's
`visually-hidden` class), out of the accessibility tree (aria-hidden), out of
the tab order (tabindex=-1) and out of autofill (autocomplete=off); its label
still tells anyone who meets it to leave it empty.

A filled-in honeypot answers 400 with a neutral message, saves nothing, and is
logged at INFO. Forms in our own views use `HoneypotMixin` and call
`rejected(request)` before anything else; allauth's forms raise the same
response from `clean()` (allauth's middleware returns it).

For another form (e.g. flagging a post):

    class FlagForm(HoneypotMixin, forms.Form): ...

    if response := honeypot.rejected(request):
        return response
"""

import logging

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from forum.members.ratelimit import client_ip

logger = logging.getLogger(__name__)

FIELD_NAME = "website"


class HoneypotInput(forms.TextInput):
    # In forum/templates/, not the project's templates/: Django's default form
    # renderer looks in the apps' template folders only.
    template_name = "forum/widgets/honeypot.html"

    # Listed among the form's hidden fields: templates render it without a label
    # row of their own; the widget's template brings its own hidden label.
    is_hidden = True

    def __init__(self, attrs=None):
        super().__init__(
            {"tabindex": "-1", "autocomplete": "off", **(attrs or {})},
        )


class HoneypotField(forms.CharField):
    widget = HoneypotInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Leave this field empty"))
        super().__init__(**kwargs)


class HoneypotMixin(forms.Form):
    """Adds the honeypot field; `rejected(request)` in the view acts on it."""

    website = HoneypotField()


def rejection(request, form_name: str = ""):
    logger.info(
        "Honeypot filled in on %s (%s) from %s",
        form_name or request.path,
        request.method,
        client_ip(request),
    )
    return render(request, "forum/rejected.html", status=400)


def rejected(request, form_name: str = "", field: str = FIELD_NAME):
    """The 400 response when the request's honeypot is filled in, else None."""
    if request.method == "POST" and (request.POST.get(field) or "").strip():
        return rejection(request, form_name)
    return None
