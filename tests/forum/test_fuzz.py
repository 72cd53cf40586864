"""No request, however odd, gets a 500: a property-based sweep of the endpoints.

Hypothesis sends GETs and POSTs to the forum, comment, search and upload URLs,
as a visitor, a new member, a member and a moderator, with ids that exist and
ids that cannot (negative, zero, past 64 bits, "²", "٣", "１", "abc", empty),
fields missing, fields added, text of every kind and file names of any length.
Every answer must be below 500. The 500s it has found are its explicit examples
(run every time) and plain regression tests in tests/forum/test_bad_input.py.

It runs on every push, so it is bounded: a fixed number of examples, drawn the
same way on every run (derandomized, no example database), with a deadline
that a busy two-core machine meets. Each request runs in a savepoint that is
rolled back, with an empty cache, so examples do not depend on each other and
no rate limit turns the sweep into a wall of 429s.

Strategies draw `Known(n)` where a real id, slug or form value goes; the
`world` fixture turns it into the n-th one (World.values), so that the
strategies and the examples need no database.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django_comments_xtd.models import XtdComment
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from forum.discussions.forms import TopicStateForm
from forum.models import (
    Category,
    Flag,
    Notification,
    Post,
    ReviewItem,
    Suspension,
    Tag,
    Topic,
    TrustLevel,
)
from tests.home.test_comments import NEWS_URL, form_fields

pytestmark = pytest.mark.django_db

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=10),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ACTORS = ("visitor", "newcomer", "member", "moderator")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # its "{slot}"s are filled from World.values, or with odd values
    fields: tuple[str, ...] = ()  # query parameters of a GET, form fields of a POST
    upload: str = ""  # the name of its file field, if it takes a file

    @property
    def slots(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]


@dataclass(frozen=True)
class Known:
    """The n-th real value of a slot or field (modulo how many there are)."""

    n: int


@dataclass(frozen=True)
class Call:
    actor: str
    endpoint: Endpoint
    path: dict = field(default_factory=dict)  # slot: Known or str
    data: dict = field(default_factory=dict)  # field: Known or str
    upload: tuple[str, bytes] | None = None


def get(path, *fields):
    return Endpoint("GET", path, fields)


def post(path, *fields, upload=""):
    return Endpoint("POST", path, fields, upload)


# Named for the explicit examples below.
TOPIC_PAGE = get("/en/forum/t/{topic_path}/", "page", "quote")
DRAFTS = post(
    "/en/forum/drafts/",
    *("topic", "title", "raw", "category", "tags", "language", "reply_to"),
)
READ_ALL = post("/en/forum/notifications/read-all/", "next")
COMMENT_FORM = (
    *("content_type", "object_pk", "timestamp", "security_hash", "reply_to"),
    *("comment", "followup", "honeypot", "next", "post", "preview"),
)
COMMENT_POST = post("/en/comments/post/", *COMMENT_FORM)
COMMENT_LIKE = post("/en/comments/like/{comment}/")
UPLOAD = post("/en/forum/uploads/", upload="upload")

FORUM = (
    get("/en/forum/", "page"),
    get("/en/forum/top/", "period", "page"),
    get("/en/forum/unread/", "page"),
    get("/en/forum/new/", "page"),
    get("/en/forum/categories/"),
    get("/en/forum/c/{category_slug}/", "page"),
    get("/en/forum/c/{category_slug}/top/", "period", "page"),
    get("/en/forum/tags/{tag}/", "page"),
    TOPIC_PAGE,
    get("/en/forum/t/{topic_path}/{number}/", "quote"),
    get("/en/forum/t/{slug}/{topic}/"),
    get("/en/forum/new-topic/", "category"),
    get("/en/forum/p/{post}/edit/"),
    get("/en/forum/p/{post}/history/"),
    get("/en/forum/mentions/", "q"),
    get("/en/forum/bookmarks/", "page"),
    get("/en/forum/notifications/", "filter", "page"),
    get("/en/forum/notifications/{notification}/"),
    get("/en/forum/review/", "page"),
    get("/en/forum/u/{username}/"),
    get("/en/forum/preferences/"),
    post("/en/forum/t/{topic}/reply/", "raw", "reply_to", "page"),
    post("/en/forum/t/{topic}/state/", "action"),
    post("/en/forum/t/{topic}/watch/", "level"),
    post("/en/forum/c/{category_slug}/watch/", "level"),
    post("/en/forum/new-topic/", "category", "title", "raw", "tags", "language"),
    post("/en/forum/p/{post}/edit/", "raw", "title"),
    post("/en/forum/p/{post}/like/"),
    post("/en/forum/p/{post}/bookmark/"),
    post("/en/forum/p/{post}/delete/"),
    post("/en/forum/p/{post}/restore/"),
    post("/en/forum/p/{post}/solve/", "undo"),
    post("/en/forum/p/{post}/flag/", "reason", "note"),
    post("/en/forum/preview/", "raw"),
    DRAFTS,
    post("/en/forum/notifications/{notification}/read/", "next"),
    READ_ALL,
    post("/en/forum/review/{item}/{review_action}/", "note", "page"),
    post("/en/forum/review/{item}/suspend/", "days", "reason", "page"),
    post("/en/forum/suspensions/{suspension}/lift/", "note"),
    post("/en/forum/preferences/", "email_notifications", "digest", "language"),
    get("/en/forum/invitations/"),
    post("/en/forum/invitations/", "email"),
    get("/en/forum/invite/{token}/"),
    get("/en/forum/unsubscribe/{token}/"),
    post("/en/forum/unsubscribe/{token}/"),
    post("/en/forum/unsubscribe/{token}/undo/", "previous"),
)

COMMENTS = (
    COMMENT_POST,
    COMMENT_LIKE,
    get("/en/comments/reply/{comment}/", "next"),
    get("/en/comments/sent/", "c"),
    get("/en/comments/posted/", "c"),
    get("/en/comments/flag/{comment}/"),
    post("/en/comments/flag/{comment}/", "reason", "note"),
    get("/en/comments/flagged/", "c"),
    get("/en/comments/delete/{comment}/"),
    post("/en/comments/delete/{comment}/", "next"),
    get("/en/comments/approve/{comment}/"),
    get("/en/comments/cr/{content_type}/{page}/"),
    get("/en/comments/mute/{key}/"),
)

SEARCH_AND_UPLOADS = (
    get("/en/search/", "q", "page"),
    get("/en/search/suggest/", "q"),
    UPLOAD,
    get("/en/forum/profile/edit/"),
    post(
        "/en/forum/profile/edit/",
        *("display_name", "organisation", "position", "bio", "languages"),
        "remove_avatar",
        upload="avatar",
    ),
)

# Numbers that are not ids, or not ids of anything.
ODD_NUMBERS = st.one_of(
    st.integers(min_value=-3, max_value=2**70).map(str),
    st.sampled_from(
        [
            *("0", "-0", "²", "٣", "１", "𝟙", "Ⅻ", "1.5", "1e3", "0x1F", "1_000"),
            *(" 1", "1 ", "1\n", "+1", "abc", "", "null", "None", "[]", "9" * 40),
            *(str(2**63 - 1), str(2**63), str(2**64)),
        ]
    ),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6),
)
TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "[x](//evil.example/c)",
            "[r][r]\n\n[r]: //evil.example/f",
            "[x](/\\evil.example)",
            "@aigerim @moderator @nobody",
            "> quote\n\n**bold** `code` ![i](https://e.example/i.png)",
            "<script>alert(1)</script>",
            "ж" * 300,
            "x" * 32_001,
        ]
    ),
)
FILE_NAMES = st.one_of(
    st.text(
        st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]),
        max_size=300,
    ).filter(lambda name: '"' not in name),
    st.sampled_from(
        ["ж" * 130 + ".txt", "a" * 300 + ".pdf", ".txt", "..", "x." + "y" * 60, "a/b"]
    ),
)
FILE_BODIES = st.sampled_from(
    [
        b"",
        b"Briefing at 10:00.",
        b"%PDF-1.4\n%%EOF",
        b"PK\x03\x04not really a zip",
        b"\x89PNG\r\n\x1a\nnot really a png",
        bytes(range(256)),
    ]
)


BOUNDARY = "fuzz-boundary-7f3a"


def multipart(fields: dict, file_field: str, file_name: str, body: bytes) -> bytes:
    """A multipart/form-data body with the fields and one file."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n".encode()
        for name, value in fields.items()
    ]
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{file_field}"; '
        f'filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    parts.append(head.encode() + body + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


class World:
    """The demo site plus a held post, a review item, a suspension and a
    comment, the ids they have, and one logged-in client per actor."""

    def __init__(self, make_user, moderator):
        member = make_user("fuzz_member")
        newcomer = make_user("fuzz_newcomer", trust_level=TrustLevel.NEW)
        self.clients = {"visitor": Client()}
        for name, user in (
            ("newcomer", newcomer),
            ("member", member),
            ("moderator", moderator),
        ):
            self.clients[name] = Client()
            self.clients[name].force_login(user)
        news_form = form_fields(self.clients["member"].get(NEWS_URL).content.decode())
        topics = Topic.objects.all()
        posts = [str(pk) for pk in Post.objects.values_list("pk", flat=True)]
        comments = [str(pk) for pk in XtdComment.objects.values_list("pk", flat=True)]
        self.values = {
            # The comment form as the news page renders it: a valid security
            # hash and timestamp, so that posts get past django-comments' checks.
            **{name: [value] for name, value in news_form.items()},
            "topic": [str(pk) for pk in topics.values_list("pk", flat=True)],
            "slug": list(topics.values_list("slug", flat=True)[:20]),
            # A topic's own slug and id, so that its page renders (a wrong
            # slug only redirects).
            "topic_path": [f"{topic.slug}/{topic.pk}" for topic in topics[:30]],
            "number": ["1", "2", "3"],
            "post": posts,
            "category_slug": list(Category.objects.values_list("slug", flat=True)),
            "tag": list(Tag.objects.values_list("name", flat=True)) or ["press"],
            "comment": comments or ["1"],
            "notification": [
                str(pk) for pk in Notification.objects.values_list("pk", flat=True)
            ]
            or ["1"],
            "item": [str(pk) for pk in ReviewItem.objects.values_list("pk", flat=True)]
            or ["1"],
            "suspension": [
                str(pk) for pk in Suspension.objects.values_list("pk", flat=True)
            ]
            or ["1"],
            "review_action": ["approve", "hide", "delete", "nonsense"],
            "username": ["aigerim", "moderator", "fuzz_newcomer", "nobody"],
            "content_type": [news_form["content_type"], "58", "1"],
            "page": [news_form["object_pk"]],
            "key": ["unknown", "a:b:c"],
            "token": ["unknown", "a:b:c", "x" * 300],
            # Fields
            "category": [
                str(pk) for pk in Category.objects.values_list("pk", flat=True)
            ],
            "reply_to": ["0", *posts[:10], *comments[:10]],
            "quote": ["1", "2"],
            "level": ["0", "1", "2", "3"],
            "action": list(TopicStateForm.ACTIONS),
            "reason": list(Flag.Reason.values),
            "language": ["kk", "ru", "en"],
            "period": ["day", "week", "month", "year", "all"],
            "filter": ["all", "unread"],
            "days": ["1", "7", "365"],
            "c": comments,
            "next": [NEWS_URL, "https://evil.example/", "//evil.example"],
        }

    def resolve(self, name, value) -> str:
        if isinstance(value, Known):
            known = self.values.get(name) or ["1"]
            return known[value.n % len(known)]
        return value

    def send(self, call: Call):
        endpoint, upload = call.endpoint, call.upload
        path = endpoint.path
        for slot in endpoint.slots:
            value = call.path.get(slot, Known(0))
            text = self.resolve(slot, value)
            # A real value goes in as it is (a topic path has its own slash).
            text = text if isinstance(value, Known) else quote(text, safe="")
            path = path.replace("{" + slot + "}", text, 1)
        data = {name: self.resolve(name, value) for name, value in call.data.items()}
        note(f"{call.actor} {endpoint.method} {path} {data!r} {upload!r}")
        client = self.clients[call.actor]
        cache.clear()
        with transaction.atomic():
            if endpoint.method == "GET":
                response = client.get(path, data)
            elif upload is not None:
                # Encoded by hand: the test client refuses names a browser sends
                # all the same ("", "..").
                response = client.post(
                    path,
                    multipart(data, endpoint.upload, *upload),
                    content_type=f"multipart/form-data; boundary={BOUNDARY}",
                )
            else:
                response = client.post(path, data)
            transaction.set_rollback(True)
        return response


@pytest.fixture
def world(demo, make_user, moderator):
    return World(make_user, moderator)


KNOWN = st.integers(min_value=0, max_value=40).map(Known)


@st.composite
def calls(draw, endpoints):
    endpoint = draw(st.sampled_from(endpoints))
    # Most paths name something that exists, so that the views get past their
    # lookups; the rest carry odd numbers.
    path = {
        slot: draw(KNOWN) if draw(st.integers(0, 9)) < 7 else draw(ODD_NUMBERS)
        for slot in endpoint.slots
    }
    data = {}
    for name in endpoint.fields:
        if draw(st.integers(0, 3)):  # most fields are there, some missing
            data[name] = draw(st.one_of(KNOWN, ODD_NUMBERS, TEXT))
    extra = draw(
        st.dictionaries(
            st.sampled_from(["page", "id", "pk", "topic", "c", "website", "q"]),
            st.one_of(ODD_NUMBERS, TEXT),
            max_size=2,
        )
    )
    upload = None
    if endpoint.upload and draw(st.integers(0, 9)):  # now and then no file
        upload = (draw(FILE_NAMES), draw(FILE_BODIES))
    return Call(draw(st.sampled_from(ACTORS)), endpoint, path, extra | data, upload)


def assert_no_server_error(world, call):
    response = world.send(call)
    assert response.status_code < 500, call


# The comment form as the news page renders it, with a valid security hash.
COMMENT = {name: Known(0) for name in COMMENT_FORM if name != "preview"} | {
    "comment": "Hello"
}


@settings(FUZZ, max_examples=400)
@given(call=calls(FORUM))
@example(call=Call("member", DRAFTS, data={"topic": "abc", "raw": "x"}))
@example(call=Call("member", DRAFTS, data={"topic": "1.5", "category": "²"}))
@example(call=Call("newcomer", TOPIC_PAGE, data={"quote": "²"}))
@example(call=Call("member", READ_ALL, data={"next": "0"}))
def test_forum_endpoints_never_answer_500(world, call):
    assert_no_server_error(world, call)


@settings(FUZZ, max_examples=150)
@given(call=calls(COMMENTS))
@example(call=Call("member", COMMENT_POST, data=COMMENT | {"object_pk": "²"}))
@example(call=Call("member", COMMENT_POST, data=COMMENT | {"reply_to": "٣²"}))
@example(call=Call("visitor", COMMENT_POST, data=COMMENT | {"object_pk": "²"}))
@example(call=Call("member", COMMENT_LIKE, path={"comment": str(2**64)}))
def test_comment_endpoints_never_answer_500(world, call):
    assert_no_server_error(world, call)


@settings(FUZZ, max_examples=80)
@given(call=calls(SEARCH_AND_UPLOADS))
@example(call=Call("member", UPLOAD, upload=("ж" * 130 + ".txt", b"Briefing")))
def test_search_and_upload_endpoints_never_answer_500(world, call):
    assert_no_server_error(world, call)
