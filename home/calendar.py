"""Seminars as iCalendar (RFC 5545): one file per seminar, a feed of them all.

A seminar is an all-day event from its first day to its last, as calendars
show a conference. Its UID is the same in every language (the pages'
translation key), so importing the Russian file after the Kazakh one updates
the event instead of adding a second; SEQUENCE follows its publishing, so a
calendar that already holds it takes new dates.
"""

from datetime import timedelta

from django.http import HttpResponse
from django.utils.text import slugify
from icalendar import Calendar, Event

PRODUCT = "-//Strategic Digital Communication Forum//Seminars//EN"


def calendar(request, seminars, *, name: str) -> Calendar:
    """A calendar holding `seminars` (live SeminarPages), called `name`."""
    feed = Calendar()
    feed.add("prodid", PRODUCT)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    for seminar in seminars:
        feed.add_component(event(request, seminar))
    return feed


def event(request, seminar) -> Event:
    item = Event()
    item.add("uid", f"seminar-{seminar.translation_key}@{request.get_host()}")
    item.add("summary", seminar.title)
    item.add("dtstart", seminar.start_date)
    # DTEND of an all-day event is the day after the last one (exclusive).
    item.add("dtend", seminar.end_date + timedelta(days=1))
    published = seminar.last_published_at or seminar.first_published_at
    if published is not None:
        item.add("dtstamp", published)
        item.add("last-modified", published)
        item.add("sequence", int(published.timestamp()))
    where = ", ".join(part for part in (seminar.venue, seminar.city) if part)
    if where:
        item.add("location", where)
    if seminar.summary:
        item.add("description", seminar.summary)
    item.add("url", seminar.get_full_url(request))
    return item


def calendar_response(request, seminars, *, name: str, filename: str) -> HttpResponse:
    """The seminars as an .ics file: calendars subscribe to the URL or import it."""
    feed = calendar(request, seminars, name=name)
    answer = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    # ASCII for the header; a Cyrillic slug slugifies to nothing.
    answer["Content-Disposition"] = (
        f'inline; filename="{slugify(filename) or "seminars"}.ics"'
    )
    return answer
