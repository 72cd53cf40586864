"""Members' Markdown to safe HTML.

CommonMark (markdown-it-py) with raw HTML switched off renders the text; nh3
then keeps only an allow-list of tags and attributes, so no script, event
handler, inline style, `javascript:` or `data:` URL survives even if the
renderer lets something through. Every link gets rel="nofollow ugc".

`@username` becomes a link to the member's profile when that member exists.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property, reduce
from operator import or_
from urllib.parse import quote

import nh3
from django.contrib.auth import get_user_model
from django.db.models import Q
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

MENTION = re.compile(r"(?<![\w@/])@([\w.-]{1,150})", re.UNICODE)

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
SAFE_LINK = re.compile(r"^(https?:|mailto:|/|#|\.{0,2}/|[^:/?#]*(?:[/?#]|$))", re.I)
# A backslash among the slashes a link starts with: browsers read "/\host" and
# "\/host" as "//host", another site dressed as a path on this one. markdown-it
# hands the link over normalised, a backslash written as %5C.
DISGUISED_HOST = re.compile(r"^(?:[/\\]|%5c)*(?:\\|%5c)", re.I)


def _validate_link(url: str) -> bool:
    """Refuse any scheme but http(s) and mailto, and disguised hosts; relative
    links are fine, and so is a protocol-relative one ("//host/"): it is a
    link to another site, which forum/members/trust.py counts as one."""
    url = url.strip()
    return bool(SAFE_LINK.match(url)) and not DISGUISED_HOST.match(url)


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@" or state.linkLevel > 0:
        return False
    if state.pos > 0 and re.match(r"[\w@/]", state.src[state.pos - 1]):
        return False
    match = MENTION.match(state.src, state.pos)
    if not match:
        return False
    username = match.group(1).rstrip(".-")
    known = state.env.get("usernames", {}).get(username.lower())
    if known is None:
        return False
    if not silent:
        # Stored HTML is shared by every language, so the link has no language
        # prefix: LocaleMiddleware sends the reader on to /<language>/forum/u/….
        # A plain link with a text child keeps the name in image alt text too.
        link = state.push("link_open", "a", 1)
        link.attrs = {"class": "mention", "href": f"/forum/u/{quote(known)}/"}
        text = state.push("text", "", 0)
        text.content = f"@{known}"
        state.push("link_close", "a", -1)
    state.pos += 1 + len(username)
    return True


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _validate_link
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    return md


_md = _parser()


def mentioned_usernames(raw: str) -> set[str]:
    """Candidate usernames written as @name, lowercased."""
    return {name.rstrip(".-").lower() for name in MENTION.findall(raw)}


def _members_named(candidates: set[str]):
    """The active members whose username is one of the (non-empty) candidates,
    whatever its case."""
    User = get_user_model()
    field = User.USERNAME_FIELD
    query = reduce(or_, (Q(**{f"{field}__iexact": name}) for name in candidates))
    return User.objects.filter(query, is_active=True)


def mentioned_members(candidates: set[str]) -> dict:
    """{lowercased name: the active member} for the candidates, in one query."""
    if not candidates:
        return {}
    return {user.get_username().lower(): user for user in _members_named(candidates)}


def existing_usernames(candidates: set[str]) -> dict[str, str]:
    """{lowercased: real username} for the candidates that are members, in one
    query of the names only (readers' pages render with it)."""
    if not candidates:
        return {}
    field = get_user_model().USERNAME_FIELD
    names = _members_named(candidates).values_list(field, flat=True)
    return {name.lower(): name for name in names}


@dataclass(frozen=True)
class Text:
    """A post's text as a write needs it, prepared once: as typed, the members
    it mentions (one query), and its safe HTML. The trust gate, the renderer
    and the mentions all read this one preparation."""

    raw: str
    members: dict = field(default_factory=dict)  # lowercased name -> member

    @property
    def usernames(self) -> dict[str, str]:
        return {name: user.get_username() for name, user in self.members.items()}

    @cached_property
    def cooked(self) -> str:
        return render(self.raw, self.usernames)


def prepare(raw: str) -> Text:
    return Text(raw, mentioned_members(mentioned_usernames(raw)) if "@" in raw else {})


# markdown-it aligns table cells with inline styles, which the sanitiser drops;
# the equivalent `align` attribute survives it.
TABLE_ALIGN = re.compile(r'<(th|td) style="text-align:(left|right|center)">')


def sanitise(html: str) -> str:
    html = TABLE_ALIGN.sub(r'<\1 align="\2">', html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        allowed_classes={"a": {"mention"}},
        link_rel="nofollow ugc",
        strip_comments=True,
    )


def render(raw: str, usernames: dict[str, str] | None = None) -> str:
    """Safe HTML for `raw`. Pass `usernames` when already looked up."""
    if usernames is None:
        usernames = existing_usernames(mentioned_usernames(raw))
    return sanitise(_md.render(raw, {"usernames": usernames}))
