"""Record the days members use the site: "days visited" for trust levels.

One UserVisit row per member and day, written at most once a day: the cache
remembers the member's day (`cache.add` is atomic, so two requests at once do
not both write), and the insert ignores a row that is already there (a cache
that lost the key costs one harmless insert). Every other request of the day
costs one cache look-up and no SQL, and none at all on a page the member
page cache looked for (forum.apps names the key to pagecache).

It runs after the view, so it reads `request.user` when the page has already
loaded the member; it never loads one for a visitor without a session.
"""

from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone

import pagecache
from forum.models import UserVisit


def _seconds_to_midnight(now) -> int:
    local = timezone.localtime(now)
    tomorrow = datetime.combine(
        local.date() + timedelta(days=1), time.min, tzinfo=local.tzinfo
    )
    return max(int((tomorrow - local).total_seconds()), 1)


def visit_key(user_id: int, day: date) -> str:
    return f"forum:visit:{user_id}:{day.isoformat()}"


def record_visit(user) -> bool:
    """Note today's visit by `user`; True when this call wrote it."""
    now = timezone.now()
    day = timezone.localdate(now)
    key = visit_key(user.pk, day)
    if pagecache.known_values([key]) is not None:
        return False  # the member's page copy was looked for with the key
    # A little past midnight, so the key outlives its day on a slow clock.
    if not cache.add(key, True, timeout=_seconds_to_midnight(now) + 300):
        return False
    UserVisit.objects.bulk_create(
        [UserVisit(user_id=user.pk, day=day)], ignore_conflicts=True
    )
    return True


class VisitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and response.status_code < 400
            and user.is_authenticated
            and user.is_active
        ):
            record_visit(user)
        return response
