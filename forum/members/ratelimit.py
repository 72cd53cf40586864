"""How often a member, an address or an account may act: a fixed-window counter.

Each action (starting a topic, replying, commenting, previewing, liking,
flagging, uploading, inviting, signing up) has a rate per trust level
(conf.FORUM_TRUST_LIMITS[level]["rates"]) counted per member, and some a
rate per client address (conf.FORUM_IP_RATE_LIMITS) that catches many new
accounts behind one address. Log-ins are counted here too, per address and,
for wrong passwords, per account however it is named
(conf.FORUM_ACCOUNT_RATE_LIMITS; forum/members/accounts.py): one limiter, so every
limit answers alike, 429 with Retry-After and a message in the reader's language.

The counters live in Django's cache: `add` then `incr`, both atomic in Redis
(production) and in the local-memory cache (tests), so two requests at once
cannot both take the last place. A window is fixed ("10 per hour" starts again
on the hour), which is cheap and good enough against floods; the price is that a
burst across a window's edge can reach twice the rate once.

Views ask `hit()` before they write and call `Hit.undo()` when the write is
refused for another reason, so a typo does not use up the allowance.
"""

import hashlib
import math
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forum import permissions
from forum.conf import conf

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str | None) -> "Rate | None":
        """ "10/h", "3/d", "5/15m" (allauth's notation); None means no limit."""
        if text is None:
            return None
        count, _slash, period = text.partition("/")
        amount, unit = period[:-1], period[-1]
        return cls(int(count), int(float(amount or 1) * UNITS[unit]))


@dataclass
class Limited:
    """The answer when an action is over its limit: how long to wait."""

    action: str
    retry_after: int

    @property
    def message(self) -> str:
        return limited_message(self.action, self.retry_after)


@dataclass
class Hit:
    """The counters one allowed action went into, to give back if it fails."""

    keys: list[str] = field(default_factory=list)

    def undo(self):
        for key in self.keys:
            try:
                cache.decr(key)
            except ValueError:  # the window ended meanwhile
                pass


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies.

    With FORUM_TRUSTED_PROXY = n, the n-th address from the right of
    X-Forwarded-For is the one our own proxies saw; anything left of it was
    written by the client and is not trusted.
    """
    proxies = conf.FORUM_TRUSTED_PROXY
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def member_rate(user, action: str) -> Rate | None:
    """The member's rate for `action` at their trust level; staff have none."""
    if user.is_staff:
        return None
    level = permissions.trust_level(user)
    rates = conf.FORUM_TRUST_LIMITS[level]["rates"]
    return Rate.parse(rates.get(action))


def ip_rate(user, action: str) -> Rate | None:
    """Per address, for visitors and new members only: offices share addresses."""
    if permissions.trust_level(user):  # 0 for visitors too
        return None
    return Rate.parse(conf.FORUM_IP_RATE_LIMITS.get(action))


def account_rate(action: str) -> Rate | None:
    return Rate.parse(conf.FORUM_ACCOUNT_RATE_LIMITS.get(action))


def _count(key: str, rate: Rate, now: float) -> tuple[str, int, int]:
    window = int(now // rate.seconds)
    full_key = f"forum:rl:{key}:{rate.seconds}:{window}"
    # Keep the key a little past its window, so an `undo` soon after still finds it.
    cache.add(full_key, 0, timeout=rate.seconds + 60)
    try:
        used = cache.incr(full_key)
    except ValueError:  # evicted between add and incr
        cache.set(full_key, 1, timeout=rate.seconds + 60)
        used = 1
    retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
    return full_key, used, retry_after


def hit(request, action: str, *, account: str | None = None) -> Hit | Limited:
    """Count one `action` by this request's member and address, and by
    `account` when given (an account acted on without being signed in).

    Returns a Hit when allowed, or Limited (nothing counted) when over a limit.
    """
    user = getattr(request, "user", None)
    checks = []
    if user is not None and user.is_authenticated:
        checks.append((f"{action}:u{user.pk}", member_rate(user, action)))
    checks.append((f"{action}:ip{client_ip(request)}", ip_rate(user, action)))
    if account is not None:
        # Hashed: the key may be what someone typed, of any length.
        digest = hashlib.sha256(account.encode()).hexdigest()
        checks.append((f"{action}:a{digest}", account_rate(action)))
    now = time.time()
    done = Hit()
    for key, rate in checks:
        if rate is None:
            continue
        if rate.count <= 0:
            done.undo()
            return Limited(action, rate.seconds)
        full_key, used, retry_after = _count(key, rate, now)
        done.keys.append(full_key)
        if used > rate.count:
            done.undo()
            return Limited(action, retry_after)
    return done


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = math.ceil(seconds / 3600)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def limited_message(action: str, retry_after: int) -> str:
    what = {
        "topic": _("You have started as many topics as you can for now."),
        "reply": _("You have posted as many replies as you can for now."),
        "comment": _("You have posted as many comments as you can for now."),
        "preview": _("You have previewed as many posts as you can for now."),
        "like": _("You have given as many likes as you can for now."),
        "flag": _("You have flagged as many posts as you can for now."),
        "upload": _("You have attached as many files as you can for now."),
        "invitation": _("You have sent as many invitations as you can for now."),
        "signup": _("Too many accounts have been created from your network."),
        "login": _("There have been too many log-in attempts from your network."),
        "login_failed": _(
            "There have been too many wrong passwords for this account or from "
            "your network."
        ),
    }.get(action, _("You are doing this too often."))
    return _("%(what)s Please try again in %(wait)s.") % {
        "what": what,
        "wait": wait_text(retry_after),
    }


def with_retry_after(response: HttpResponse, limited: Limited) -> HttpResponse:
    response.status_code = 429
    response["Retry-After"] = str(limited.retry_after)
    return response


def too_many(request, limited: Limited) -> HttpResponse:
    """A 429 page for actions without a form to show again (likes, flags)."""
    return with_retry_after(
        render(
            request,
            "forum/rate_limited.html",
            {"message": limited.message, "retry_after": limited.retry_after},
        ),
        limited,
    )
