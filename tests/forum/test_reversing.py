"""forum.core.reversing and the `{% url %}` builtin: Django's URLs, worked out
once per process, the same whatever the language, prefix or URLconf."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, get_script_prefix, set_script_prefix
from django.urls import reverse as django_reverse
from django.utils import translation

from forum.core import reversing

CASES = [
    ("forum:latest", (), None),
    ("forum:topic", ("kazakhsha-taqyryp", 7), None),
    ("forum:tag", ("тіл",), None),
    ("forum:post", ("slug", 7, 12), None),
    ("forum:category", (), {"category_slug": "crisis"}),
    ("wagtail_serve", ("",), None),
]


@pytest.fixture(autouse=True)
def fresh():
    reversing.forget()
    yield
    reversing.forget()


@pytest.fixture
def script_prefix():
    before = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(before)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(("name", "args", "kwargs"), CASES)
def test_a_url_is_djangos_in_every_language(language, name, args, kwargs):
    with translation.override(language):
        expected = django_reverse(name, args=args, kwargs=kwargs)
        assert reversing.reverse(name, args=args, kwargs=kwargs) == expected
        assert reversing.reverse(name, args=args, kwargs=kwargs) == expected
    assert expected.startswith(f"/{language}/")


def test_the_language_asked_last_does_not_leak_into_the_next():
    with translation.override("ru"):
        russian = reversing.reverse("forum:latest")
    with translation.override("kk"):
        kazakh = reversing.reverse("forum:latest")
    assert (russian, kazakh) == ("/ru/forum/", "/kk/forum/")


def test_the_script_prefix_is_part_of_the_url(script_prefix):
    with translation.override("en"):
        plain = reversing.reverse("forum:latest")
        script_prefix("/mounted/")
        mounted = reversing.reverse("forum:latest")
    assert (plain, mounted) == ("/en/forum/", "/mounted/en/forum/")


def test_another_urlconf_gives_its_own_urls():
    with translation.override("en"):
        site = reversing.reverse("forum:latest")
        with override_settings(ROOT_URLCONF="tests.forum.urls_elsewhere"):
            elsewhere = reversing.reverse("forum:latest")
    assert site == "/en/forum/"
    assert elsewhere == "/elsewhere/forum/"


def test_arguments_that_are_not_text_or_numbers_are_never_remembered():
    class Slug:
        """Whose text changes under the same identity."""

        text = "first"

        def __str__(self):
            return self.text

    slug = Slug()
    with translation.override("en"):
        first = reversing.reverse("forum:topic", args=[slug, 1])
        slug.text = "second"
        second = reversing.reverse("forum:topic", args=[slug, 1])
    assert (first, second) == ("/en/forum/t/first/1/", "/en/forum/t/second/1/")


def test_a_name_that_does_not_reverse_is_an_error_every_time():
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            reversing.reverse("forum:no-such-view")


def render(source: str, **context) -> str:
    request = RequestFactory().get("/")
    template = Template(source)
    context = Context(context)
    context.request = request
    return template.render(context)


def test_the_url_tag_is_a_builtin_that_goes_through_the_memo(monkeypatch):
    asked = []
    remembered = reversing.reverse

    def spy(*args, **kwargs):
        asked.append(args[0])
        return remembered(*args, **kwargs)

    monkeypatch.setattr("forum.templatetags.reversing.reverse", spy)
    with translation.override("kk"):
        html = render("{% url 'forum:tag' name %}", name="тіл")
        assert html == django_reverse("forum:tag", args=["тіл"])
    assert asked == ["forum:tag"]


def test_the_url_tag_escapes_and_keeps_djangos_as_var_behaviour():
    with translation.override("en"):
        escaped = render("{% url 'forum:tag' name %}", name="a&b")
        quiet = render("{% url 'forum:nothing' as link %}[{{ link }}]")
        kept = render("{% url 'forum:latest' as link %}[{{ link }}]")
    assert escaped == "/en/forum/tags/a&amp;b/"
    assert quiet == "[]"
    assert kept == "[/en/forum/]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'forum:nothing' %}")


def test_the_url_tag_reads_its_arguments_as_djangos_does():
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")
    with translation.override("en"):
        html = render("{% url 'forum:category' category_slug=slug %}", slug="crisis")
    assert html == "/en/forum/c/crisis/"


def test_a_context_without_a_request_still_renders():
    with translation.override("en"):
        html = Template("{% url 'forum:latest' %}").render(Context())
    assert html == "/en/forum/"


def test_a_url_asked_again_is_remembered_not_worked_out_again(monkeypatch):
    asked = []

    def counting(*args, **kwargs):
        asked.append(args[0])
        return django_reverse(*args, **kwargs)

    monkeypatch.setattr(reversing, "django_reverse", counting)
    with translation.override("en"):
        for _ in range(3):
            assert reversing.reverse("forum:topic", args=["s", 4]) == "/en/forum/t/s/4/"
        reversing.reverse("forum:topic", args=["s", 5])
    assert asked == ["forum:topic", "forum:topic"]


def test_booleans_and_enums_are_not_taken_for_the_numbers_and_text_they_equal():
    import enum

    class Kind(enum.StrEnum):
        BRIEFING = "briefing"

        def __str__(self):
            return "Kind.BRIEFING"

    with translation.override("en"):
        assert reversing.reverse("forum:tag", args=[1]) == "/en/forum/tags/1/"
        assert reversing.reverse("forum:tag", args=[True]) == "/en/forum/tags/True/"
        assert reversing.reverse("forum:tag", args=["briefing"]).endswith("/briefing/")
        assert reversing.reverse("forum:tag", args=[Kind.BRIEFING]).endswith(
            "/Kind.BRIEFING/"
        )
        assert reversing.reverse("forum:latest", args=None) == "/en/forum/"


def test_the_current_app_is_part_of_the_key(monkeypatch):
    seen = []

    def recording(*args, **kwargs):
        seen.append(kwargs["current_app"])
        return django_reverse(*args, **kwargs)

    monkeypatch.setattr(reversing, "django_reverse", recording)
    with translation.override("en"):
        reversing.reverse("forum:latest", current_app="forum")
        reversing.reverse("forum:latest", current_app="elsewhere")
        reversing.reverse("forum:latest", current_app="forum")
    assert seen == ["forum", "elsewhere"]
