"""Ids and numbers from requests that are not what they claim: 400 or 404, never 500.

Each case here answered 500 once: `int()` on a draft's fields, `str.isdigit()`
taking "²" for a digit, ids past 64 bits, a file name longer in bytes than the
file system allows, and Wagtail's chooser reading back a parent that is not an
id. tests/forum/test_fuzz.py looks for more of the same kind.
"""

from pathlib import PurePath

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forum.core.params import IdConverter, parse_id
from forum.models import Category, Draft, Upload
from tests.home.test_comments import NEWS_URL, form_fields

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "1.5", "1e3", "²", "٣", "-1", "0", " 7", str(2**63), str(2**70)]


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


class TestReadingIds:
    @pytest.mark.parametrize("value", NOT_IDS + ["", None, "7\n", "１"])
    def test_only_ascii_digits_within_64_bits_are_an_id(self, value):
        assert parse_id(value) is None

    def test_an_id_is_read(self):
        assert parse_id("42") == 42
        assert parse_id(str(2**63 - 1)) == 2**63 - 1

    def test_the_url_converter_refuses_what_no_key_can_be(self):
        with pytest.raises(ValueError):
            IdConverter().to_python(str(2**64))


class TestDrafts:
    @pytest.mark.parametrize("field", ["topic", "category", "reply_to", "language"])
    @pytest.mark.parametrize("value", ["abc", "1.5", "²", str(2**70)])
    def test_a_malformed_field_is_a_400_and_saves_nothing(
        self, member_client, field, value
    ):
        response = member_client.post(
            reverse("forum:draft_save"), {"raw": "Half a thought", field: value}
        )

        assert response.status_code == 400
        assert not Draft.objects.exists()

    def test_a_draft_with_every_field_is_saved_and_comes_back(
        self, member_client, category
    ):
        response = member_client.post(
            reverse("forum:draft_save"),
            {
                "title": "A draft title",
                "raw": "Half a thought",
                "category": str(category.pk),
                "tags": "press, media",
                "language": "kk",
            },
        )

        assert response.status_code == 200
        draft = Draft.objects.get()
        assert draft.data == {
            "category": category.pk,
            "tags": "press, media",
            "language": "kk",
        }
        page = member_client.get(reverse("forum:new_topic"))
        assert page.status_code == 200
        assert "Half a thought" in page.content.decode()

    def test_a_topic_draft_keeps_the_post_it_answers(self, member_client, make_topic):
        topic = make_topic(replies=1)
        reply = topic.posts.get(number=2)

        response = member_client.post(
            reverse("forum:draft_save"),
            {"topic": str(topic.pk), "raw": "My answer", "reply_to": str(reply.pk)},
        )

        assert response.status_code == 200
        assert Draft.objects.get().data == {"reply_to": reply.pk}


class TestQuotes:
    @pytest.mark.parametrize("quote", ["²", "٣", "abc", str(2**70), "-1", "0"])
    def test_a_quote_that_is_no_post_number_opens_the_topic(
        self, member_client, make_topic, quote
    ):
        topic = make_topic(replies=3)

        response = member_client.get(topic.get_absolute_url() + f"?quote={quote}")

        assert response.status_code == 200


class TestSeminarReferences:
    @pytest.mark.parametrize("material", ["²", "٣", "abc", str(2**70), "-1", "0"])
    def test_a_material_that_is_no_id_opens_the_composer(
        self, member_client, category, material
    ):
        key = "6f1c2a1e-8a39-4a7e-9d51-1f0a4e0b8c11"
        response = member_client.get(
            reverse("forum:new_topic") + f"?seminar={key}&material={material}"
        )

        assert response.status_code == 200


class TestIdsInUrls:
    @pytest.mark.parametrize(
        "url",
        [
            "/en/forum/p/{n}/like/",
            "/en/forum/p/{n}/bookmark/",
            "/en/forum/t/{n}/reply/",
            "/en/comments/like/{n}/",
            "/en/comments/flag/{n}/",
        ],
    )
    def test_ids_past_64_bits_are_not_found(self, member_client, url):
        assert member_client.post(url.format(n=2**64)).status_code == 404

    @pytest.mark.parametrize(
        "url", ["/en/forum/t/slug/{n}/", "/en/comments/reply/{n}/"]
    )
    def test_pages_past_64_bits_are_not_found(self, member_client, url):
        assert member_client.get(url.format(n=2**64)).status_code == 404


@pytest.fixture
def comment_form(member_client, demo):
    return form_fields(member_client.get(NEWS_URL).content.decode())


class TestNextFields:
    @pytest.mark.parametrize("next_url", ["0", "forum:latest", "https://evil.example/"])
    def test_a_next_that_is_no_path_on_this_site_goes_to_the_notifications(
        self, member_client, next_url
    ):
        """redirect() took "0" for the name of a view, and found none."""
        response = member_client.post(
            reverse("forum:notifications_read_all"), {"next": next_url}
        )

        assert response.status_code == 302
        assert response.url == reverse("forum:notifications")


class TestCommentForm:
    @pytest.mark.parametrize("value", ["²", "abc", str(2**70)])
    @pytest.mark.parametrize("field", ["object_pk", "reply_to"])
    def test_a_malformed_id_is_a_400(self, member_client, comment_form, field, value):
        response = member_client.post(
            "/en/comments/post/",
            {**comment_form, "comment": "Hello", "post": "", field: value},
        )

        assert response.status_code == 400


class TestUploads:
    def test_a_long_cyrillic_name_is_cut_by_bytes_and_keeps_its_extension(
        self, member_client
    ):
        name = "ж" * 130 + ".txt"  # 264 bytes in UTF-8, 134 characters

        response = member_client.post(
            reverse("forum:upload"),
            {"upload": SimpleUploadedFile(name, b"Briefing at 10:00.", "text/plain")},
        )

        assert response.status_code == 200
        upload = Upload.objects.get()
        stored = PurePath(upload.file.name).name
        assert stored.endswith(".txt") and stored.startswith("жжж")
        assert len(stored.encode()) <= 200
        assert upload.original_name == stored


class TestCategoryAdmin:
    @pytest.mark.parametrize("parent", ["abc", "²", str(2**70)])
    def test_a_parent_that_is_no_id_is_a_form_error(
        self, client, django_user_model, parent
    ):
        client.force_login(
            django_user_model.objects.create_superuser(
                "editor_a", "editor_a@example.kz", "pw-12345678"
            )
        )

        response = client.post(
            "/admin/snippets/forum/category/add/",
            {
                "name_kk": "Санат",
                "name_ru": "Категория",
                "name_en": "Category",
                "slug": "admin-made",
                "colour": "#00607a",
                "position": "0",
                "visibility": "public",
                "parent": parent,
            },
        )

        assert response.status_code == 200
        assert not Category.objects.filter(slug="admin-made").exists()
