"""How long ago something happened, in the reader's language."""

import datetime

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

JUST_NOW = datetime.timedelta(minutes=1)


def ago(moment: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """ "5 minutes ago", "3 hours ago", "just now": one unit, as Discourse's lists
    say it, and never "0 minutes ago"."""
    now = now or timezone.now()
    if now - moment < JUST_NOW:
        return gettext("just now")
    return gettext("%(since)s ago") % {"since": timesince(moment, now, depth=1)}


def machine(moment: datetime.datetime) -> str:
    """`moment` for a `<time datetime>` attribute: UTC, to the minute
    ("2026-02-11T16:20Z"), which is all a list shows of it."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ")
