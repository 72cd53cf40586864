"""`{% stencil %}`: markup that every page with the same key shows alike,
rendered once per process, with holes for what varies (issue #12).

    {% load stencils %}
    {% stencil user.is_authenticated request.resolver_match.url_name %}
      <nav>... {% hole %}{{ user.get_username }}{% endhole %} ...</nav>
    {% endstencil %}

The page's chrome (the head, the header, the footer, the forum's menu) is the
same from page to page but for a few values: the member's name and bell, the
CSRF token, the language links, the blocks a page fills in. Rendering it
anyway was about a quarter of a member's page. So the first render for a key
renders everything, with a marker standing for each hole's output, and the
output cut at the markers is kept (forum.core.fragment_cache.Stencils: per
process, made afresh on every call when DEBUG); every later render with that
key renders only the holes, in order, and joins them with the kept pieces.

The key is the active language, the script prefix and the tag's arguments.
What a stencil may hold outside its holes follows from that:
- whatever differs between two pages with the same key goes in a hole: a
  hole renders in the stencil's own context (a variable that `{% with %}` or
  `{% for %}` sets inside the stencil does not reach it), in a scope of its
  own (what it sets reaches no other hole);
- every `{% if %}` around a hole asks only what the key holds, so that the
  same key always passes through the same holes;
- text from translations, URLs, settings and static files is fine: a process
  keeps those, and a changed setting (tests) drops every stencil.
With settings.STENCIL_CHECK (the tests' settings) every render is a full one,
and one that cuts into other pieces or holes than the first render with its
key did fails the test that made it: the whole suite checks every stencil
against every page it renders.
"""

import contextvars
import re
import secrets
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from forum.core import fragment_cache

register = template.Library()

_STENCILS = fragment_cache.Stencils()
# Under STENCIL_CHECK: the first render of each key, to compare later ones with.
_FIRST: dict = {}
# A hole's output stands in the recording as one of these; the random part
# keeps any text a page shows from passing for one.
_TOKEN = secrets.token_hex(8)
_MARKERS = re.compile(f"\x1fstencil:{_TOKEN}:\\d+\x1f")
# The recordings under way, innermost last (a stencil may sit in another's hole).
_recording: contextvars.ContextVar[tuple] = contextvars.ContextVar(
    "stencil_recording", default=()
)


def forget(**kwargs) -> None:
    """Drop every stencil (a receiver of setting_changed)."""
    _STENCILS.clear()
    _FIRST.clear()


setting_changed.connect(forget, dispatch_uid="forum-stencils-forget")


@dataclass(frozen=True)
class Stencil:
    pieces: tuple[str, ...]  # fragment_cache.split's: markup and markers
    holes: tuple  # the HoleNodes the render passed through, in order


class _Recording:
    def __init__(self):
        self.holes, self.values = [], {}

    def hole(self, node, html: str) -> str:
        marker = _marker(len(self.holes))
        self.holes.append(node)
        self.values[marker] = html
        return marker


class StencilNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, key, nodelist):
        self.key = key
        self.nodelist = nodelist

    def render(self, context):
        resolved = (_hashable(part.resolve(context)) for part in self.key)
        key = (self, get_language(), get_script_prefix(), *resolved)
        if settings.STENCIL_CHECK:
            return self._checked(context, key)
        made = []

        def make() -> Stencil:
            html, stencil = self._record(context)
            made.append(html)
            return stencil

        stencil = _STENCILS.get(key, make)
        if made:
            return made[0]
        values = {
            _marker(position): node.render_alone(context)
            for position, node in enumerate(stencil.holes)
        }
        return mark_safe(fragment_cache.fill(stencil.pieces, values))  # noqa: S308

    def _record(self, context) -> tuple[str, Stencil]:
        """(the HTML, the stencil) of a full render."""
        recording = _Recording()
        token = _recording.set((*_recording.get(), recording))
        try:
            marked = self.nodelist.render(context)
        finally:
            _recording.reset(token)
        pieces = fragment_cache.split(marked, _MARKERS)
        html = fragment_cache.fill(pieces, recording.values)
        return mark_safe(html), Stencil(tuple(pieces), tuple(recording.holes))  # noqa: S308

    def _checked(self, context, key) -> str:
        html, stencil = self._record(context)
        first = _FIRST.setdefault(key, stencil)
        if stencil != first:
            origin = self.origin.name if self.origin else "?"
            line = self.token.lineno if self.token else "?"
            raise AssertionError(
                f"The stencil at {origin}:{line} renders other markup or holes "
                f"than it did for the same key {key[1:]}: what differs must be in "
                "a hole or in the key."
            )
        return html


class HoleNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        recordings = _recording.get()
        if not recordings:
            return self.render_alone(context)
        # A stencil inside this hole records its own holes; this stencil's
        # are not looked for in here.
        token = _recording.set(())
        try:
            html = self.render_alone(context)
        finally:
            _recording.reset(token)
        return recordings[-1].hole(self, html)

    def render_alone(self, context) -> str:
        """The hole's output, in a scope of its own: what it sets (`{% main_menu
        as menu_pages %}`) reaches no other hole, whether the stencil records
        (where an `{% include %}` around the hole would scope it too) or is
        filled in."""
        with context.push():
            return self.nodelist.render(context)


def _marker(position: int) -> str:
    return f"\x1fstencil:{_TOKEN}:{position}\x1f"


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return str(value)
    return value


@register.tag
def stencil(parser, token):
    key = [parser.compile_filter(part) for part in token.split_contents()[1:]]
    nodelist = parser.parse(("endstencil",))
    parser.delete_first_token()
    return StencilNode(key, nodelist)


@register.tag
def hole(parser, token):
    nodelist = parser.parse(("endhole",))
    parser.delete_first_token()
    return HoleNode(nodelist)
