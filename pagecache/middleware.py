"""Serve visitors' pages from the cache; start a new generation after writes.

A request may be served from, or stored in, the cache only when all hold:
- it is a GET or HEAD, without `Authorization` and without `HX-Request` (htmx
  fragments are not pages);
- it carries neither the session cookie nor the messages cookie: a visitor,
  with nothing to be told;
- its path matches settings.PAGE_CACHE_PATHS (the public pages under a
  language prefix, not search, accounts or the admin);
and its response may be stored only when, besides:
- it is a 200, not streamed, and sets no cookie (a form's CSRF token sets one,
  so a page with a form for visitors is never shared);
- it does not say `private`, `no-cache` or `no-store`, and varies on nothing
  but Cookie and Accept-Encoding;
- the request's user is anonymous.

A stored page is kept PAGE_CACHE_SECONDS under a key of scheme, host and full
path (the language is in the path), with the generation it was rendered in.
Responses to visitors carry an ETag and Last-Modified and answer a matching
conditional request with 304, and say `Cache-Control: public, max-age=0,
must-revalidate`: any cache may keep them but must ask again, and the asking
costs one cache read. Every response says in `X-Page-Cache` whether it was a
`hit`, `stored`, or `skip` (not cacheable); members' responses are `private`.

The cache failing is a miss: the page is rendered as if there were no cache.

MemberPageCacheMiddleware keeps a signed-in member's own pages for them (see
pagecache/__init__.py for when a copy is current). It runs below sessions,
CSRF, authentication and messages, and serves a copy only when all hold:
- it is a GET without `Authorization` and without `HX-Request`, to a path of
  settings.PAGE_CACHE_PATHS, from a session signed in (the session names a
  member), with no message waiting (neither the messages cookie nor messages
  in the session);
- the copy was stored under this session's key and CSRF cookie and this full
  path, in the generation, the member's version and the day current now;
- the browser does not ask for a fresh page (a hard reload's
  `Cache-Control: no-cache`);
and stores a response only when it is a 200 for that same member that did
not itself move the member's version (a first read), not streamed, that
sets no cookie, whose CSRF token (if any) comes from the CSRF cookie the
request sent, that shows no message, and does not say `no-cache` or
`no-store`. A copy is served
without the view and without a query (the session comes from the cache),
says `private` and `X-Page-Cache: member-hit`, and answers a matching
If-None-Match with 304. The day is in the stamp because a member's first
page of a day records the visit and the read markers' day
(forum.members.middleware, topic_mark_read).

A hit does not load the member (Django would, to check the session against
the password): whatever ends a member's sessions or rights in a request (a
log-out, a new password, an account disabled, a suspension, a group lost) is
a write that starts a new generation or moves their version, so no copy made
before it is current. What changes outside any request and moves neither
(pagecache/__init__.py lists it: a change from a shell, a suspension ending
by the clock, ...) shows on a member's copies within PAGE_CACHE_SECONDS, as
on visitors' pages.
"""

import hashlib
import re
from email.utils import formatdate

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

import pagecache

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
VARY_ALLOWED = {"cookie", "accept-encoding"}
# Not stored with a page: each response gets its own.
PER_RESPONSE_HEADERS = {"set-cookie", "content-length", "date", "x-page-cache"}
PUBLIC = "public, max-age=0, must-revalidate"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = re.compile(settings.PAGE_CACHE_PATHS)

    def __call__(self, request):
        with pagecache.request_scope():
            return self._serve(request)

    def _serve(self, request):
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            if response.status_code < 400:
                _changed_by(request)
            return response
        if not self._cacheable_request(request):
            return _private_or_skip(request, self.get_response(request))
        key = _key(request)
        found = cache.get_many([pagecache.GENERATION, key])
        generation = pagecache.generation(found)
        entry = found.get(key)
        if entry is not None and entry["generation"] == generation:
            pagecache.served_from_cache.send(
                sender=type(self), request=request, notes=entry["notes"]
            )
            return _answer(request, _from_entry(entry), "hit")
        response = self.get_response(request)
        if not _cacheable_response(request, response):
            return _private_or_skip(request, response)
        _make_public(response)
        cache.set(key, _entry(response, generation), settings.PAGE_CACHE_SECONDS)
        return _answer(request, response, "stored")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "keeps_public_pages", False):
            request._keeps_public_pages = True

    def _cacheable_request(self, request) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and "HTTP_HX_REQUEST" not in request.META
            and self.paths.match(request.path_info) is not None
        )


def _changed_by(request) -> None:
    """After a successful write: a new generation, or, for a write only its
    writer sees, a new version of the writer's pages."""
    if not getattr(request, "_keeps_public_pages", False):
        pagecache.changed()
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        pagecache.members_changed(user.pk)


class MemberPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = re.compile(settings.PAGE_CACHE_PATHS)

    def __call__(self, request):
        member_id = self._member(request)
        if member_id is None:
            return self.get_response(request)
        key = _member_page_key(request)
        version = pagecache.member_key(member_id)
        reads = pagecache.member_reads(request, member_id)
        found = cache.get_many([pagecache.GENERATION, version, key, *reads])
        pagecache.remember(found, reads)
        entry = found.get(key)
        stamp = (
            pagecache.generation(found),
            pagecache.member_version(member_id, found),
            _today(),
        )
        if entry is not None and entry["generation"] == stamp and not _hard(request):
            pagecache.served_from_cache.send(
                sender=type(self),
                request=request,
                notes=entry["notes"],
                member_id=member_id,
            )
            return _answer(request, _from_entry(entry), "member-hit")
        with pagecache.noting_moves() as moved:
            response = self.get_response(request)
        # A page that moved its reader's version (a first read writes the
        # read marker) would never be served: not worth storing.
        if (
            member_id not in moved
            and None not in stamp
            and self._storable(request, response, member_id)
        ):
            response["ETag"] = _etag(response)
            cache.set(key, _entry(response, stamp), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "member-stored"
        return response

    def _member(self, request) -> int | None:
        """The signed-in member's id, when the request may use their copies."""
        if not (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method == "GET"
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and "HTTP_HX_REQUEST" not in request.META
            and self.paths.match(request.path_info) is not None
        ):
            return None
        session = request.session
        if SessionStorage.session_key in session:
            return None
        member_id = session.get(SESSION_KEY)
        return int(member_id) if member_id else None

    def _storable(self, request, response, member_id: int) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if not _token_from_their_cookie(request):
            return False
        control = response.get("Cache-Control", "").lower()
        if "no-cache" in control or "no-store" in control:
            return False
        messages = getattr(request, "_messages", None)
        if messages is not None and len(messages):
            return False
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated and user.pk == member_id


def _hard(request) -> bool:
    """A hard reload (the browser says `Cache-Control: no-cache`): the member
    asks for the page made anew, and gets it (and a new copy). Visitors'
    pages ignore it: a crawler must not be able to skip the cache at will."""
    return "no-cache" in request.headers.get("Cache-Control", "").lower()


def _today() -> str:
    return timezone.localdate().isoformat()


def _token_from_their_cookie(request) -> bool:
    """Whether a CSRF token on the page comes from the CSRF cookie the request
    sent (CsrfViewMiddleware, above, sends that cookie again to renew it): a
    page with a token for a secret just made, whose cookie only this response
    carries, is not worth keeping under a key without it."""
    secret = request.META.get("CSRF_COOKIE")
    return secret is None or secret == request.COOKIES.get(settings.CSRF_COOKIE_NAME)


def _member_page_key(request) -> str:
    """The member's copy of this page, for this session and CSRF cookie."""
    where = "\n".join(
        (
            f"{request.scheme}://{request.get_host()}{request.get_full_path()}",
            request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
            request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        )
    )
    digest = hashlib.blake2b(where.encode(), digest_size=16).hexdigest()
    return f"pagecache:member-page:{digest}"


def _etag(response) -> str:
    return f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'


def _key(request) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(where.encode(), digest_size=16).hexdigest()
    return f"pagecache:page:{digest}"


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-cache", "no-store")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if not vary <= VARY_ALLOWED:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _make_public(response) -> None:
    """The validators and the caching rules every visitor's copy carries."""
    response["ETag"] = _etag(response)
    response["Last-Modified"] = formatdate(usegmt=True)
    response["Cache-Control"] = PUBLIC


def _entry(response, generation) -> dict:
    return {
        "generation": generation,
        "status": response.status_code,
        "headers": [
            (name, value)
            for name, value in response.items()
            if name.lower() not in PER_RESPONSE_HEADERS
        ],
        "body": response.content,
        "notes": getattr(response, "pagecache_notes", {}),
    }


def _from_entry(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["body"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    return response


def _answer(request, response, how: str):
    """304 for a matching conditional request, no body for HEAD."""
    response["X-Page-Cache"] = how
    conditional = get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=_timestamp(response.get("Last-Modified")),
        response=response,
    )
    if conditional is not response:
        conditional["X-Page-Cache"] = how
        return conditional
    if request.method == "HEAD":
        response["Content-Length"] = len(response.content)
        response.content = b""
    return response


def _private_or_skip(request, response):
    """Not from the cache: a member's page says private; others, skip."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES and not response.has_header(
        "Cache-Control"
    ):
        patch_cache_control(response, private=True)
    response.setdefault("X-Page-Cache", "skip")
    return response


def _timestamp(value: str | None) -> int | None:
    return parse_http_date_safe(value) if value else None
