"""`{% stencil %}` (forum/templatetags/stencils.py): markup rendered once per key,
holes rendered on every page, and pages from stencils the same as pages
rendered in full."""

import re

import pytest
from django.template import Context, Template
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from forum.templatetags import stencils


@pytest.fixture(autouse=True)
def kept(settings):
    """Stencils kept, as on a site (the tests' settings check instead)."""
    settings.STENCIL_CHECK = False
    stencils.forget()
    yield
    stencils.forget()


class Counter:
    """Counts how often a template shows it."""

    def __init__(self):
        self.shown = 0

    def __str__(self):
        self.shown += 1
        return "static"


def render(template: Template, **context) -> str:
    return template.render(Context(context))


STENCIL = Template(
    "{% load stencils %}"
    "{% stencil member %}<p>{{ counter }}"
    "{% if member %} {% hole %}{{ name }}{% endhole %}{% endif %}"
    "|{% hole %}{{ token }}{% endhole %}</p>{% endstencil %}"
)


def test_the_markup_renders_once_per_key_and_the_holes_every_time():
    counter = Counter()
    pages = [
        render(STENCIL, counter=counter, member=True, name=name, token=token)
        for name, token in (("Alma", "1"), ("Bolat", "2"), ("Saule", "3"))
    ]
    assert pages == [
        "<p>static Alma|1</p>",
        "<p>static Bolat|2</p>",
        "<p>static Saule|3</p>",
    ]
    assert counter.shown == 1


def test_each_key_and_language_has_a_stencil_of_its_own():
    counter = Counter()
    member = render(STENCIL, counter=counter, member=True, name="Alma", token="1")
    visitor = render(STENCIL, counter=counter, member=False, name="Alma", token="2")
    with translation.override("kk"):
        render(STENCIL, counter=counter, member=False, name="", token="3")
    assert (member, visitor) == ("<p>static Alma|1</p>", "<p>static|2</p>")
    assert counter.shown == 3
    render(STENCIL, counter=counter, member=False, name="", token="4")
    assert counter.shown == 3


def test_a_hole_shows_markup_escaped_as_the_page_would():
    page = render(STENCIL, counter=Counter(), member=True, name="<b>", token="&")
    again = render(STENCIL, counter=Counter(), member=True, name="<i>", token='"')
    assert page == "<p>static &lt;b&gt;|&amp;</p>"
    assert again == "<p>static &lt;i&gt;|&quot;</p>"


def test_text_that_looks_like_a_marker_stays_text():
    marker = stencils._marker(0)
    first = render(STENCIL, counter=Counter(), member=True, name=marker, token="x")
    second = render(STENCIL, counter=Counter(), member=True, name="y", token=marker)
    assert first == f"<p>static {marker}|x</p>"
    assert second == f"<p>static y|{marker}</p>"


@pytest.mark.parametrize("check", [False, True], ids=["kept", "checked"])
def test_what_a_hole_sets_reaches_no_other_hole(settings, check):
    settings.STENCIL_CHECK = check
    scoped = Template(
        "{% load stencils %}{% stencil %}"
        "[{% hole %}{% firstof 'set' as word %}{{ word }}{% endhole %}]"
        "[{% hole %}{{ word|default:'unset' }}{% endhole %}]{% endstencil %}"
    )
    pages = {render(scoped) for _ in range(2)}
    assert pages == {"[set][unset]"}


def test_a_stencil_in_a_hole_of_another_keeps_its_own_holes():
    nested = Template(
        "{% load stencils %}{% stencil %}<main>{% hole %}"
        "{% stencil kind %}<nav>{{ counter }} {% hole %}{{ count }}{% endhole %}"
        "</nav>{% endstencil %}{% endhole %}</main>{% endstencil %}"
    )
    counter = Counter()
    pages = [render(nested, counter=counter, kind="a", count=n) for n in (1, 2, 3)]
    assert pages == [f"<main><nav>static {n}</nav></main>" for n in (1, 2, 3)]
    assert counter.shown == 1


def test_a_changed_setting_drops_every_stencil():
    counter = Counter()
    render(STENCIL, counter=counter, member=True, name="Alma", token="1")
    with override_settings(SITE_CONTACT_EMAIL="press@gov.kz"):
        render(STENCIL, counter=counter, member=True, name="Alma", token="2")
    assert counter.shown == 2


def test_the_check_fails_markup_that_differs_under_one_key(settings):
    settings.STENCIL_CHECK = True
    leaky = Template(
        "{% load stencils %}{% stencil %}<p>{{ name }} {% hole %}{{ token }}"
        "{% endhole %}</p>{% endstencil %}"
    )
    assert render(leaky, name="Alma", token="1") == "<p>Alma 1</p>"
    assert render(leaky, name="Alma", token="2") == "<p>Alma 2</p>"
    with pytest.raises(AssertionError, match="must be in a hole or in the key"):
        render(leaky, name="Bolat", token="3")


def test_the_check_fails_a_key_that_does_not_decide_the_holes(settings):
    settings.STENCIL_CHECK = True
    undecided = Template(
        "{% load stencils %}{% stencil %}<p>{% if member %}{% hole %}{{ name }}"
        "{% endhole %}{% endif %}</p>{% endstencil %}"
    )
    render(undecided, member=True, name="Alma")
    with pytest.raises(AssertionError, match="must be in a hole or in the key"):
        render(undecided, member=False, name="Alma")


# The site's own pages ------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def full_and_from_stencils(
    settings, monkeypatch, reader, url, maker, made_at
) -> tuple[str, str]:
    """The page `reader` gets at `url`, rendered in full, and again after
    `maker` (another reader of the same kind) made the stencils at `made_at`
    (a page of the same kind): its chrome then comes from those, with no
    stencil rendered in full."""
    settings.STENCIL_CHECK = True
    full = reader.get(url)
    settings.STENCIL_CHECK = False
    stencils.forget()
    maker.get(made_at)
    recorded = []
    record = stencils.StencilNode._record

    def counting(self, context):
        recorded.append(self.origin.name)
        return record(self, context)

    monkeypatch.setattr(stencils.StencilNode, "_record", counting)
    kept = reader.get(url)
    assert recorded == []
    assert full.status_code == kept.status_code == 200
    return tuple(CSRF.sub("csrf", page.content.decode()) for page in (full, kept))


def browser(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["visitor", "member", "moderator", "staff"])
@pytest.mark.parametrize(
    "where", ["latest", "category", "topic", "search", "home", "account"]
)
def test_a_page_from_stencils_is_the_page_rendered_in_full(
    request, settings, monkeypatch, make_topic, make_category, make_user, who, where
):
    """Made by another reader of the same kind on another page of the same
    kind: another name, bell, query, topic, category, CSRF token."""
    from django.contrib.auth.models import Group

    if where == "home":
        request.getfixturevalue("demo")
    topic, other = make_topic(replies=1), make_topic(in_category=make_category())
    readers = []
    for name in ("first", "second"):
        if who == "visitor":
            readers.append(browser())
            continue
        user = make_user(f"{who}_{name}", is_staff=who == "staff")
        if who == "moderator":
            user.groups.add(Group.objects.get_or_create(name="Moderators")[0])
        readers.append(browser(user))
    first, second = readers
    urls = {
        "latest": (reverse("forum:latest"),) * 2,
        "category": tuple(t.category.get_absolute_url() for t in (topic, other)),
        "topic": (topic.get_absolute_url(), other.get_absolute_url()),
        "search": (reverse("search") + "?q=seminar", reverse("search") + "?q=press"),
        "home": ("/en/",) * 2,
        # A visitor's log-in form, a member's notifications.
        "account": (
            reverse("account_login" if who == "visitor" else "forum:notifications"),
        )
        * 2,
    }
    url, made_at = urls[where]
    full, kept = full_and_from_stencils(
        settings, monkeypatch, first, url, second, made_at
    )
    assert kept == full
    assert "</html>" in kept


def test_the_same_stencils_serve_each_member_their_own_header(
    settings, make_topic, member, member2
):
    """Two members with one key: each sees their own name, and the second's
    page comes from the stencils the first one's made."""
    url = make_topic().get_absolute_url()
    accounts = {}
    for reader in (member, member2):
        client = Client()
        client.force_login(reader)
        page = client.get(url).content.decode()
        accounts[reader] = page.split('class="account-nav"')[1].split("</nav>")[0]
    assert f">{member.username}</a>" in accounts[member]
    assert f">{member2.username}</a>" in accounts[member2]
    assert member.username not in accounts[member2]
