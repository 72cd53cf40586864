"""The topic page shows no control whose action would be refused.

For each role and each state a topic or post can be in, the topic page is
rendered as that reader; every form on it is submitted and every edit link
opened, as that reader, and none may answer 403. (Each submission runs in a
savepoint that is rolled back, so one does not change what the next sees.)
The buttons come from forum.permissions through `post.can` and `can`: this
test fails as soon as a template shows a button the permissions refuse.
"""

import itertools

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.utils import timezone

from forum.discussions import services
from forum.models import Category, Post, Profile, Suspension, Topic, TrustLevel

_numbers = itertools.count(1)

ROLES = (
    "visitor",
    "member",  # signed in, wrote nothing here
    "author",  # wrote the topic and reply #2
    "suspended_author",  # wrote reply #3, then was suspended
    "suspended_member",
    "category_moderator",
    "global_moderator",
)
STATES = ("open", "closed", "archived", "solved", "held", "hidden", "deleted")


class Rollback(Exception):
    """Undo what a submitted form did."""


@pytest.fixture
def scene(db, django_user_model):
    def user(role):
        n = next(_numbers)
        created = django_user_model.objects.create_user(
            username=f"ab_{role}_{n}",
            email=f"ab_{role}_{n}@example.kz",
            password="pw-12345678",
        )
        Profile.objects.create(user=created, trust_level=TrustLevel.BASIC)
        return created

    def build(state):
        n = next(_numbers)
        category = Category.objects.create(
            slug=f"abilities-{n}",
            name_kk=f"Мүмкіндік {n}",
            name_ru=f"Возможности {n}",
            name_en=f"Abilities {n}",
        )
        people = {role: user(role) for role in ROLES if role != "visitor"}
        category.moderators.add(people["category_moderator"])
        group, _created = Group.objects.get_or_create(name="Moderators")
        people["global_moderator"].groups.add(group)
        topic = services.topic_create(
            actor=people["author"],
            category=category,
            title=f"Briefing rules, {state}",
            raw="How do ministries run their weekly briefings?",
        )
        own = services.post_create(
            actor=people["author"], topic=topic, raw="Our rules, for a start."
        )
        other = services.post_create(
            actor=people["suspended_author"], topic=topic, raw="Ours differ a lot."
        )
        if state == "closed":
            Topic.objects.filter(pk=topic.pk).update(is_closed=True)
        elif state == "archived":
            Topic.objects.filter(pk=topic.pk).update(is_archived=True)
        elif state == "solved":
            services.solution_accept(actor=people["author"], post=other)
        elif state == "held":
            Post.objects.filter(pk=other.pk).update(awaiting_approval=True)
        elif state == "hidden":
            Post.objects.filter(pk=other.pk).update(hidden_at=timezone.now())
        elif state == "deleted":
            services.post_delete(actor=people["author"], post=own)
        now = timezone.now()
        for role in ("suspended_author", "suspended_member"):
            Suspension.objects.create(
                user=people[role],
                reason="Spam.",
                starts_at=now,
                ends_at=now + timezone.timedelta(days=3),
                created_by=people["global_moderator"],
            )
        topic.refresh_from_db()
        return topic, people

    return build


def controls(html: str):
    """The topic page's forms (action, fields, each submit button) and links
    to the edit and flag pages, inside the page's main content."""
    main = BeautifulSoup(html, "html.parser").find("main")
    for form in main.find_all("form", method="post"):
        action = form.get("action")
        if not action or "/forum/" not in action:
            continue
        fields = {}
        for element in form.find_all(["input", "select", "textarea"]):
            name = element.get("name")
            if not name or name in fields or element.get("type") == "submit":
                continue
            if element.name == "select":
                option = element.find("option")
                fields[name] = option.get("value") if option else ""
            elif element.name == "textarea":
                fields[name] = element.text or "Enough words to make a reply."
            elif element.get("type") in ("radio", "checkbox"):
                fields[name] = element.get("value", "on")
            elif element.get("type") != "text" or not element.get("tabindex"):
                fields[name] = element.get("value", "")
        buttons = [
            {button["name"]: button.get("value", "")} if button.get("name") else {}
            for button in form.find_all("button", type=lambda t: t != "button")
        ] or [{}]
        for button in buttons:
            yield "post", action, {**fields, **button}
    for link in main.find_all("a", href=True):
        if link["href"].endswith(("/edit/", "/flag/")):
            yield "get", link["href"], {}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_no_control_on_the_topic_page_is_refused(scene, role, state):
    topic, people = scene(state)
    client = Client()
    if role != "visitor":
        client.force_login(people[role])
    page = client.get(topic.get_absolute_url())
    assert page.status_code == 200
    shown = list(controls(page.content.decode()))
    if role == "visitor":
        assert shown == []
    for method, url, data in shown:
        try:
            with transaction.atomic():
                response = getattr(client, method)(url, data)
                raise Rollback
        except Rollback:
            pass
        assert response.status_code != 403, (role, state, method, url, data)


def test_the_matrix_sees_the_controls_it_should(scene):
    """The test above would pass on a page without buttons: this checks that
    the author of an open topic does get every control of their own."""
    topic, people = scene("open")
    client = Client()
    client.force_login(people["author"])
    actions = {url for _method, url, _data in controls(
        client.get(topic.get_absolute_url()).content.decode()
    )}  # fmt: skip
    own = topic.posts.get(number=2)
    other = topic.posts.get(number=3)
    assert {
        f"/en/forum/p/{own.pk}/edit/",
        f"/en/forum/p/{own.pk}/delete/",
        f"/en/forum/p/{own.pk}/bookmark/",
        f"/en/forum/p/{other.pk}/like/",
        f"/en/forum/p/{other.pk}/solve/",
        f"/en/forum/p/{other.pk}/flag/",
        f"/en/forum/t/{topic.pk}/reply/",
        f"/en/forum/t/{topic.pk}/watch/",
    } <= {url.replace("/kk/", "/en/") for url in actions}


@pytest.mark.parametrize("state", STATES)
def test_a_pages_abilities_are_each_posts_own(scene, state):
    """A topic page works out abilities once for each set of post facts
    (permissions.page_post_abilities): for every reader, the very abilities
    each post has on its own."""
    from django.contrib.auth.models import AnonymousUser

    from forum import permissions

    topic, people = scene(state)
    posts = list(topic.posts.select_related("topic__category"))
    for post in posts:
        post.topic = topic
    for reader in [AnonymousUser(), *people.values()]:
        each = [permissions.post_abilities(reader, post) for post in posts]
        assert permissions.page_post_abilities(reader, posts) == each, reader
        assert len({permissions.post_facts(reader, post) for post in posts}) > 1
