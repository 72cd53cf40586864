"""forum.core.dates.ago: Django's timesince to one unit, each phrase made once."""

import datetime
import random

import pytest
from django.utils import translation
from django.utils.timesince import timesince
from django.utils.translation import gettext

from forum.core import dates


def spelled_out(moment, now) -> str:
    """What `ago` said before it kept its phrases: timesince, translated anew."""
    if now - moment < dates.JUST_NOW:
        return gettext("just now")
    return gettext("%(since)s ago") % {"since": timesince(moment, now, depth=1)}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_ago_says_what_timesince_says(language):
    """Month ends, leap days and every unit, in each language, twice (the
    second time from the kept phrases)."""
    chance = random.Random(12)  # noqa: S311 - test data
    now = datetime.datetime(2028, 3, 1, 0, 30, tzinfo=datetime.UTC)
    seconds = [0, 59, 60, 61, 3599, 3600, 86399, 86400, 604799, 604800]
    seconds += [chance.randrange(0, 6 * 366 * 86400) for _ in range(400)]
    moments = [now - datetime.timedelta(seconds=s) for s in seconds]
    moments += [
        datetime.datetime(2028, 2, 29, 12, tzinfo=datetime.UTC),
        datetime.datetime(2027, 1, 31, 23, 59, tzinfo=datetime.UTC),
        datetime.datetime(2024, 2, 29, 0, 31, tzinfo=datetime.UTC),
    ]
    with translation.override(language):
        for _ in range(2):
            for moment in moments:
                assert dates.ago(moment, now) == spelled_out(moment, now), moment
