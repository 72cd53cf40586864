"""How long ago something happened, in the reader's language."""

import datetime
import functools

from django.utils import timezone, translation
from django.utils.html import avoid_wrapping
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import gettext

JUST_NOW = datetime.timedelta(minutes=1)

# timesince with these says which unit and how many ("hour 3"), not words:
# Django's own reckoning of months and years, without translating anything.
_UNITS = {unit: f"{unit} %(num)d" for unit in TIME_STRINGS}


def ago(moment: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """ "5 minutes ago", "3 hours ago", "just now": one unit, as Discourse's lists
    say it, and never "0 minutes ago"."""
    now = now or timezone.now()
    if now - moment < JUST_NOW:
        return gettext("just now")
    unit, count = timesince(moment, now, time_strings=_UNITS, depth=1).split()
    return _phrase(translation.get_language(), unit, int(count))


@functools.lru_cache(maxsize=1024)
def _phrase(language: str | None, unit: str, count: int) -> str:
    """ "3 hours ago", made once per language, unit and count: a list page
    says thirty of them, from a few dozen different phrases."""
    since = avoid_wrapping(TIME_STRINGS[unit] % {"num": count})
    return gettext("%(since)s ago") % {"since": since}


def machine(moment: datetime.datetime) -> str:
    """`moment` for a `<time datetime>` attribute: UTC, to the minute
    ("2026-02-11T16:20Z"), which is all a list shows of it."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ")
