"""Profile pages: what they show, to whom, what they cost, and editing one's own."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from forum.discussions import services
from forum.members.forms import AVATAR_MAX_BYTES
from forum.members.selectors import profile_page
from forum.models import Profile

pytestmark = pytest.mark.django_db


def picture(fmt="PNG", size=(600, 400), name=None, colour=(0, 96, 122)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    extension = {"JPEG": "jpg", "WEBP": "webp"}.get(fmt, fmt.lower())
    return SimpleUploadedFile(
        name or f"photo.{extension}",
        buffer.getvalue(),
        content_type=f"image/{extension}",
    )


def profile_url(user):
    return reverse("forum:profile", args=[user.get_username()])


def edit_data(**changes):
    data = {
        "display_name": "Alma Bekova",
        "organisation": "Akimat of Astana",
        "position": "Press secretary",
        "bio": "Fifteen years in regional press work.",
        "languages": ["kk", "ru"],
    }
    return data | changes


@pytest.fixture
def alma_profile(member):
    Profile.objects.filter(user=member).update(
        display_name="Alma Bekova",
        organisation="Akimat of Astana",
        position="Press secretary",
        bio="Fifteen years in regional press work.",
        languages=["kk", "ru"],
    )
    return Profile.objects.get(user=member)


# The page -----------------------------------------------------------------------


def test_profile_shows_the_member_and_their_counts(
    client, alma_profile, member, member2, make_topic
):
    first = make_topic(replies=1, title="Briefing formats that work")
    make_topic(title="Photo rules for official events")
    other = make_topic(author=member2, title="Night shift in a press service")
    reply = services.post_create(actor=member, topic=other, raw="We rotate weekly.")
    services.like_toggle(actor=member2, post=first.posts.get(number=1))
    services.like_toggle(actor=member2, post=reply)

    response = client.get(profile_url(member))

    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Alma Bekova",
        "Akimat of Astana",
        "Press secretary",
        "Fifteen years in regional press work.",
        "Kazakh",
        "Russian",
        "Member since",
        "Briefing formats that work",
        "Night shift in a press service",
    ):
        assert text in page
    assert page.count("<h1") == 1
    context = response.context["page"]
    assert (context.topic_count, context.reply_count, context.likes_received) == (
        2,
        2,
        2,
    )
    assert '<dd class="profile-topic-count">2</dd>' in page
    assert '<dd class="profile-like-count">2</dd>' in page
    assert f'href="{reply.get_absolute_url()}#post-{reply.number}"' in page
    assert f'href="{first.get_absolute_url()}"' in page


def test_a_member_without_a_profile_shows_their_initials(client, member):
    member.first_name, member.last_name = "Alma", "Bekova"
    member.save()

    response = client.get(profile_url(member))

    assert response.status_code == 200
    assert 'aria-hidden="true">AB</span>' in response.content.decode()


def test_unknown_and_inactive_members_have_no_profile_page(client, member):
    member.is_active = False
    member.save()

    assert client.get(profile_url(member)).status_code == 404
    missing = reverse("forum:profile", args=["nobody-here"])
    assert client.get(missing).status_code == 404


def test_members_only_topics_stay_off_the_profile_for_visitors(
    client, member, member2, make_topic, members_category
):
    make_topic(title="Open discussion on briefings")
    hidden = make_topic(in_category=members_category, title="Internal crisis drill")
    services.post_create(actor=member, topic=hidden, raw="A reply in private.")
    services.like_toggle(actor=member2, post=hidden.posts.get(number=1))

    as_visitor = client.get(profile_url(member))
    client.force_login(member2)
    as_member = client.get(profile_url(member))

    assert "Open discussion on briefings" in as_visitor.content.decode()
    assert "Internal crisis drill" not in as_visitor.content.decode()
    visitor_counts = as_visitor.context["page"]
    assert (visitor_counts.topic_count, visitor_counts.reply_count) == (1, 0)
    assert visitor_counts.likes_received == 0
    assert "Internal crisis drill" in as_member.content.decode()
    assert as_member.context["page"].topic_count == 2


def test_deleted_replies_are_neither_listed_nor_counted(client, member, make_topic):
    topic = make_topic()
    reply = services.post_create(actor=member, topic=topic, raw="Posted in error.")
    services.post_delete(actor=member, post=reply)

    response = client.get(profile_url(member))

    assert response.context["page"].reply_count == 0
    assert "Posted in error." not in response.content.decode()


def test_only_the_member_sees_the_edit_link_on_their_profile(client, member, member2):
    edit_url = reverse("forum:profile_edit")

    client.force_login(member)
    assert edit_url in client.get(profile_url(member)).content.decode()
    client.force_login(member2)
    assert edit_url not in client.get(profile_url(member)).content.decode()


@pytest.mark.parametrize("count", [10, 50])
def test_the_profile_page_costs_the_same_queries_whatever_the_activity(
    client,
    member,
    member2,
    make_topic,
    django_assert_num_queries,
    django_assert_max_num_queries,
    count,
):
    for _n in range(count):
        topic = make_topic(replies=1)
        services.like_toggle(actor=member2, post=topic.posts.get(number=1))
    client.force_login(member2)
    client.get(profile_url(member))  # warm the site and page caches of the layout

    # The profile itself: the member, one aggregate, the topics, the replies.
    with django_assert_num_queries(4):
        profile_page(viewer=member2, username=member.get_username())
    # The whole page adds the session, the viewer and its permissions (8 today).
    with django_assert_max_num_queries(10):
        response = client.get(profile_url(member))

    page = response.context["page"]
    assert (page.topic_count, page.reply_count) == (count, count)
    assert len(page.topics) == len(page.replies) == min(count, 20)


# Editing ------------------------------------------------------------------------


def test_editing_needs_a_signed_in_member(client):
    response = client.get(reverse("forum:profile_edit"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_edit_form_starts_from_the_current_profile(client, alma_profile, member):
    client.force_login(member)

    page = client.get(reverse("forum:profile_edit")).content.decode()

    assert 'value="Akimat of Astana"' in page
    assert 'for="id_display_name"' in page
    assert "<legend>Languages you speak</legend>" in page
    assert 'value="kk" id="id_languages_0" checked' in page


def test_editing_saves_the_fields_and_resizes_a_png_to_256_square(client, member):
    client.force_login(member)

    response = client.post(
        reverse("forum:profile_edit"), edit_data(avatar=picture("PNG"))
    )

    assert response.status_code == 302
    assert response["Location"] == profile_url(member)
    profile = Profile.objects.get(user=member)
    assert profile.organisation == "Akimat of Astana"
    assert profile.languages == ["kk", "ru"]
    with Image.open(profile.avatar.path) as avatar:
        assert avatar.format == "PNG"
        assert avatar.size == (256, 256)


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_jpeg_and_webp_pictures_are_stored_as_png(client, member, fmt):
    client.force_login(member)

    client.post(reverse("forum:profile_edit"), edit_data(avatar=picture(fmt)))

    with Image.open(Profile.objects.get(user=member).avatar.path) as avatar:
        assert (avatar.format, avatar.size) == ("PNG", (256, 256))


def test_a_text_file_named_png_is_refused_and_the_typed_bio_kept(client, member):
    client.force_login(member)
    fake = SimpleUploadedFile("photo.png", b"not a picture at all", "image/png")

    response = client.post(
        reverse("forum:profile_edit"),
        edit_data(bio="A bio I typed with care.", avatar=fake),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose a JPEG, PNG or WebP picture." in page
    assert "A bio I typed with care." in page
    assert 'aria-describedby="id_avatar_helptext id_avatar_error"' in page
    assert Profile.objects.get(user=member).bio == ""


def test_a_picture_in_another_format_is_refused(client, member):
    client.force_login(member)

    response = client.post(
        reverse("forum:profile_edit"),
        edit_data(avatar=picture("GIF", name="photo.png")),
    )

    assert response.status_code == 400
    assert "Choose a JPEG, PNG or WebP picture." in response.content.decode()


def test_a_picture_over_5_mb_is_refused(client, member):
    client.force_login(member)
    big = SimpleUploadedFile("big.png", b"\0" * (AVATAR_MAX_BYTES + 1), "image/png")

    response = client.post(reverse("forum:profile_edit"), edit_data(avatar=big))

    assert response.status_code == 400
    assert "The picture is larger than 5 MB." in response.content.decode()


def test_a_member_can_remove_their_picture_and_the_file_goes(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post(reverse("forum:profile_edit"), edit_data(avatar=picture()))
    old_path = Path(Profile.objects.get(user=member).avatar.path)
    assert old_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("forum:profile_edit"), edit_data(remove_avatar="on"))

    assert not Profile.objects.get(user=member).avatar
    assert not old_path.exists()
    page = client.get(profile_url(member)).content.decode()
    assert 'aria-hidden="true">AB</span>' in page
