"""Trust levels: what new members may post, how levels are earned and kept.

The gates count links, images and mentions the way the renderer sees the
Markdown; the periodic task works every level out from activity in a fixed
number of queries; staff set and lock levels in the Wagtail admin; the visit
middleware writes one row per member and day.
"""

import copy
import logging
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from forum.conf import conf
from forum.discussions import services
from forum.members import tasks as member_tasks
from forum.members import trust
from forum.members.middleware import record_visit
from forum.members.services import invitation_accept
from forum.models import (
    AuditEntry,
    Category,
    Flag,
    Invitation,
    Post,
    PostLike,
    Profile,
    ReviewItem,
    TopicReadState,
    TrustLevel,
    UserVisit,
)
from home.models import NewsPage
from tests.home.test_comments import NEWS_URL, form_fields

pytestmark = pytest.mark.django_db

LINK_POST = "Our guide: https://example.org/guide and [the rules](https://gov.kz/r)."


@pytest.fixture
def newcomer(make_user):
    return make_user("newcomer_erlan", trust_level=TrustLevel.NEW)


@pytest.fixture
def staff(make_user):
    return make_user("press_office", is_staff=True)


def give_activity(user, topics, *, days=0, read_each=6, likes_given=0, **extra):
    """Visits, read topics and likes given: what the task counts."""
    today = timezone.localdate()
    UserVisit.objects.bulk_create(
        [UserVisit(user=user, day=today - timedelta(days=n)) for n in range(days)],
        ignore_conflicts=True,  # the visit middleware may have noted today
    )
    TopicReadState.objects.bulk_create(
        [
            TopicReadState(user=user, topic=topic, last_read_post_number=read_each)
            for topic in topics
        ]
    )
    posts = Post.objects.filter(topic__in=topics, number=1).exclude(author=user)
    PostLike.objects.bulk_create(
        [PostLike(user=user, post=post) for post in posts[:likes_given]]
    )


def set_rate(settings, level: int, action: str, rate: str | None):
    """Change one rate for this test only (the settings fixture restores the
    dict, but not changes made inside it)."""
    limits = copy.deepcopy(conf.FORUM_TRUST_LIMITS)
    limits[level]["rates"][action] = rate
    settings.FORUM_TRUST_LIMITS = limits


def level_of(user) -> int:
    return Profile.objects.get(user=user).trust_level


# What a post may contain ---------------------------------------------------------


class TestContentGates:
    def test_a_new_members_post_with_links_is_refused_with_the_message_and_keeps_the_text(  # noqa: E501
        self, client, newcomer, make_topic
    ):
        topic = make_topic()
        client.force_login(newcomer)

        response = client.post(
            reverse("forum:reply", args=[topic.pk]), {"raw": LINK_POST}
        )

        assert response.status_code == 400
        html = unescape(response.content.decode())
        assert "New members can't post links yet. Remove the 2 links" in html
        assert LINK_POST in html
        assert not Post.objects.filter(author=newcomer).exists()

    def test_a_trust_level_change_unlocks_links_and_lifts_rate_limits(
        self, client, newcomer, make_topic, settings
    ):
        set_rate(settings, 0, "reply", "1/h")
        topics = [make_topic() for _ in range(5)]
        give_activity(newcomer, topics, days=2)
        client.force_login(newcomer)
        url = reverse("forum:reply", args=[topics[0].pk])
        assert client.post(url, {"raw": "A first plain reply."}).status_code == 302
        assert client.post(url, {"raw": "A second plain reply."}).status_code == 429

        result = member_tasks.update_trust_levels()

        assert result == {"promoted": 1, "demoted": 0}
        assert level_of(newcomer) == TrustLevel.BASIC
        response = client.post(url, {"raw": LINK_POST})
        assert response.status_code == 302
        assert Post.objects.filter(author=newcomer, raw=LINK_POST).exists()

    def test_bare_addresses_count_as_links_but_code_and_quotes_of_this_site_do_not(
        self, newcomer
    ):
        with pytest.raises(ValidationError):
            trust.check_post(newcomer, "See www.spam.example for cheap pills.")
        with pytest.raises(ValidationError):
            trust.check_post(newcomer, "Go to <https://spam.example/>.")

        trust.check_post(
            newcomer,
            "`https://example.org` in code\n\n    https://example.org/block\n\n"
            "> @alma [wrote](/en/forum/t/topic/1/2):\n> quoted",
        )

    @pytest.mark.parametrize(
        "text",
        [
            "[x](//evil.example/c)",
            "[r][r]\n\n[r]: //evil.example/f",
            "[x](/\\/evil.example)",
            "[x](<//evil.example>)",
            "[x]( //evil.example/padded)",
        ],
    )
    def test_protocol_relative_and_backslash_links_count_as_external(
        self, newcomer, text
    ):
        """Browsers take them to another site, like an https link."""
        with pytest.raises(ValidationError, match="can't post links"):
            trust.check_post(newcomer, text)

    @pytest.mark.parametrize(
        "href",
        ["//evil.example/c", "/\\evil.example", "\\\\evil.example", "/%5Cevil.example"],
    )
    def test_the_gate_reads_a_link_the_way_a_browser_does(self, href):
        assert trust._is_external(href, {"forum.example.kz"})

    @pytest.mark.parametrize(
        "href", ["//forum.example.kz/en/forum/", "/en/forum/t/a/1/", "#post-2"]
    )
    def test_links_within_this_site_do_not_count(self, href):
        assert not trust._is_external(href, {"forum.example.kz"})

    def test_members_get_ten_links_and_regulars_any_number(self, make_user):
        eleven = " ".join(f"https://example.org/{n}" for n in range(11))

        with pytest.raises(ValidationError, match="at most 10 links"):
            trust.check_post(make_user(trust_level=TrustLevel.BASIC), eleven)
        trust.check_post(make_user(trust_level=TrustLevel.MEMBER), eleven)

    def test_images_wait_for_level_one(self, newcomer, make_user):
        text = "Our banner: ![banner](https://example.org/banner.png)"

        with pytest.raises(ValidationError, match="can't post images yet"):
            trust.check_post(newcomer, text)
        trust.check_post(make_user(trust_level=TrustLevel.BASIC), text)

    def test_mentions_of_existing_members_are_limited_by_level(
        self, newcomer, member, member2, member3, make_user
    ):
        two = "Thanks @alma and @bolat, and @nobody_here who does not exist."
        three = "Thanks @alma, @bolat and @saule."

        trust.check_post(newcomer, two)
        with pytest.raises(ValidationError) as refused:
            trust.check_post(newcomer, three)
        assert "at most 2 people" in refused.value.message_dict["raw"][0]
        assert "mentions 3" in refused.value.message_dict["raw"][0]
        trust.check_post(make_user(trust_level=TrustLevel.BASIC), three)

    def test_moderators_are_not_gated(self, make_user):
        moderator = make_user("mod_newbie", trust_level=TrustLevel.NEW)
        moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])

        trust.check_post(moderator, LINK_POST + " ![x](https://example.org/x.png)")

    def test_an_edit_passes_the_same_gate(self, newcomer, make_user, make_topic):
        basic = make_user(trust_level=TrustLevel.BASIC)
        topic = make_topic(author=basic)
        basic.profile.trust_level = TrustLevel.NEW
        basic.profile.save()
        basic = type(basic).objects.get(pk=basic.pk)
        first = topic.posts.get(number=1)

        with pytest.raises(ValidationError):
            services.post_edit(actor=basic, post=first, raw=LINK_POST)

    def test_a_new_members_comment_with_a_link_is_not_posted_and_keeps_the_text(
        self, client, demo, newcomer
    ):
        client.force_login(newcomer)
        data = form_fields(client.get(NEWS_URL).content.decode())
        data.update(comment=LINK_POST, post="")

        response = client.post("/en/comments/post/", data)

        assert response.status_code == 200
        html = unescape(response.content.decode())
        assert "Your comment was not posted" in html
        assert "New members can't post links yet" in html
        assert LINK_POST in html
        assert not XtdComment.objects.filter(user=newcomer).exists()

    def test_the_composer_explains_uploads_to_new_members_instead_of_a_button(
        self, client, newcomer, member
    ):
        client.force_login(newcomer)
        html = client.get(reverse("forum:new_topic")).content.decode()
        assert "New members can attach images and files once" in html
        assert 'name="upload"' not in html

        client.force_login(member)
        assert (
            'name="upload"' in client.get(reverse("forum:new_topic")).content.decode()
        )

    def test_a_new_members_upload_is_refused_with_the_same_message(
        self, client, newcomer
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(newcomer)
        response = client.post(
            reverse("forum:upload"),
            {"upload": SimpleUploadedFile("a.txt", b"hello", "text/plain")},
        )

        assert response.status_code == 403
        assert (
            "New members can attach images and files once" in response.json()["error"]
        )


# Held first posts ---------------------------------------------------------------


class TestNeedsApproval:
    def test_a_new_members_first_posts_wait_for_a_moderator(self, newcomer, settings):
        settings.FORUM_HOLD_FIRST_POSTS = 2
        assert trust.needs_approval(newcomer)

    def test_approved_posts_and_public_comments_count_together(
        self, newcomer, make_topic, demo, settings
    ):
        settings.FORUM_HOLD_FIRST_POSTS = 2
        topic = make_topic()
        Post.objects.create(
            topic=topic, number=99, author=newcomer, raw="ok", cooked=""
        )
        assert trust.needs_approval(newcomer)

        held = Post.objects.create(
            topic=topic, number=100, author=newcomer, raw="held", cooked=""
        )
        Post.objects.filter(pk=held.pk).update(awaiting_approval=True)
        assert trust.needs_approval(newcomer), "a held post is not approved yet"

        news = NewsPage.objects.first()
        XtdComment.objects.create(
            content_type=ContentType.objects.get_for_model(NewsPage),
            object_pk=str(news.pk),
            site_id=1,
            user=newcomer,
            comment="A public comment.",
            is_public=True,
        )
        assert not trust.needs_approval(newcomer)

    def test_members_above_level_zero_moderators_and_staff_never_wait(
        self, make_user, moderator, staff, category
    ):
        category_moderator = make_user("cat_mod", trust_level=TrustLevel.NEW)
        category_moderator.moderated_categories.add(Category.objects.first())
        Profile.objects.filter(user__in=[moderator, staff]).update(trust_level=0)

        assert not trust.needs_approval(make_user(trust_level=TrustLevel.BASIC))
        assert not trust.needs_approval(type(moderator).objects.get(pk=moderator.pk))
        assert not trust.needs_approval(type(staff).objects.get(pk=staff.pk))
        assert not trust.needs_approval(category_moderator)

    def test_nothing_is_held_when_the_setting_is_zero(self, newcomer, settings):
        settings.FORUM_HOLD_FIRST_POSTS = 0
        assert not trust.needs_approval(newcomer)


# The periodic task --------------------------------------------------------------


class TestUpdateTrustLevels:
    def test_members_are_promoted_level_by_level_from_their_activity(
        self, make_user, make_topic, member2
    ):
        topics = [make_topic(author=member2) for _ in range(20)]
        basic = make_user("reader_basic", trust_level=TrustLevel.NEW)
        give_activity(basic, topics[:5], days=2)
        idle = make_user("idle_one", trust_level=TrustLevel.NEW)
        give_activity(idle, topics[:4], days=1)
        regular_reader = make_user("reader_member", trust_level=TrustLevel.BASIC)
        give_activity(regular_reader, topics, days=15, likes_given=1)
        for topic in topics[:3]:
            reply = services.post_create(
                actor=regular_reader, topic=topic, raw="Agreed."
            )
            services.like_toggle(actor=member2, post=reply)

        member_tasks.update_trust_levels()

        assert level_of(basic) == TrustLevel.BASIC
        assert level_of(idle) == TrustLevel.NEW
        assert level_of(regular_reader) == TrustLevel.MEMBER

    def test_a_member_without_a_profile_gets_one_when_promoted(
        self, django_user_model, make_topic
    ):
        user = django_user_model.objects.create_user("no_profile", "np@example.kz")
        give_activity(user, [make_topic() for _ in range(5)], days=2)

        member_tasks.update_trust_levels()

        assert level_of(user) == TrustLevel.BASIC

    def test_a_locked_level_survives_the_task(self, make_user, staff, make_topic):
        topics = [make_topic() for _ in range(5)]
        kept_new = make_user("kept_new", trust_level=TrustLevel.NEW)
        give_activity(kept_new, topics, days=2)
        trust.trust_level_set(
            actor=staff, user=kept_new, level=0, lock=True, reason="Spam suspicion"
        )
        kept_regular = make_user("kept_regular", trust_level=TrustLevel.NEW)
        trust.trust_level_set(actor=staff, user=kept_regular, level=3, lock=True)

        member_tasks.update_trust_levels()

        assert level_of(kept_new) == TrustLevel.NEW
        assert level_of(kept_regular) == TrustLevel.REGULAR

    def test_a_regular_who_stops_meeting_the_requirements_goes_back_to_member(
        self, make_user, caplog
    ):
        lapsed = make_user("lapsed_regular", trust_level=TrustLevel.REGULAR)
        keeps_two = make_user("quiet_member", trust_level=TrustLevel.MEMBER)
        keeps_one = make_user("quiet_basic", trust_level=TrustLevel.BASIC)

        with caplog.at_level(logging.INFO, logger="forum.members.trust"):
            result = member_tasks.update_trust_levels()

        assert result == {"promoted": 0, "demoted": 1}
        assert level_of(lapsed) == TrustLevel.MEMBER
        assert level_of(keeps_two) == TrustLevel.MEMBER
        assert level_of(keeps_one) == TrustLevel.BASIC
        assert "trust levels: 0 promoted, 1 demoted" in caplog.text
        entry = AuditEntry.objects.get(action="trust_level", target_id=str(lapsed.pk))
        assert entry.actor is None
        assert entry.data == {"old": 3, "new": 2}

    def test_a_regular_keeps_the_level_while_meeting_it(self, make_user, settings):
        settings.FORUM_TRUST_REQUIREMENTS = {
            1: {},
            2: {},
            3: {"period_days": 100, "days_visited": 2, "max_flags_upheld": 0},
        }
        regular = make_user("busy_regular", trust_level=TrustLevel.REGULAR)
        give_activity(regular, [], days=2)

        assert member_tasks.update_trust_levels()["demoted"] == 0
        assert level_of(regular) == TrustLevel.REGULAR

    def test_upheld_flags_over_the_limit_block_promotion_to_regular(
        self, make_user, make_topic, settings
    ):
        settings.FORUM_TRUST_REQUIREMENTS = {
            1: {},
            2: {},
            3: {"period_days": 100, "max_flags_upheld": 1},
        }
        flagged = make_user("often_flagged", trust_level=TrustLevel.MEMBER)
        clean = make_user("never_flagged", trust_level=TrustLevel.MEMBER)
        topic = make_topic(author=flagged, replies=2)
        for post, flagger in zip(
            topic.posts.all(), [make_user() for _ in range(3)], strict=False
        ):
            review = ReviewItem.objects.create(
                post=post,
                reason=ReviewItem.Reason.FLAGGED,
                status=ReviewItem.Status.HIDDEN,
                resolved_at=timezone.now(),
            )
            Flag.objects.create(post=post, user=flagger, reason="spam", review=review)

        member_tasks.update_trust_levels()

        assert level_of(flagged) == TrustLevel.MEMBER
        assert level_of(clean) == TrustLevel.REGULAR

    def test_the_task_costs_the_same_queries_for_10_and_50_members(
        self, make_user, make_topic
    ):
        topics = [make_topic() for _ in range(5)]

        def run_with(n: int) -> int:
            for i in range(n):
                user = make_user(f"crowd_{n}_{i}", trust_level=TrustLevel.NEW)
                give_activity(user, topics, days=2)
            with CaptureQueriesContext(connection) as queries:
                result = member_tasks.update_trust_levels()
            assert result["promoted"] == n
            return len(queries)

        assert run_with(10) == run_with(50)

    def test_the_task_is_scheduled(self, settings):
        schedule = settings.CELERY_BEAT_SCHEDULE["update-trust-levels"]
        assert schedule["task"] == member_tasks.update_trust_levels.name


# Setting a level by hand --------------------------------------------------------


class TestTrustLevelSet:
    def test_staff_set_and_lock_a_level_with_an_audit_entry(self, staff, member):
        trust.trust_level_set(
            actor=staff, user=member, level=2, lock=True, reason="Known press officer"
        )

        profile = Profile.objects.get(user=member)
        assert (profile.trust_level, profile.trust_level_locked) == (2, True)
        entry = AuditEntry.objects.get(action="trust_level")
        assert entry.actor == staff
        assert entry.reason == "Known press officer"
        assert entry.data["old"] == 1 and entry.data["new"] == 2

    def test_members_and_moderators_cannot(self, member, member2, moderator):
        for actor in (member, moderator):
            with pytest.raises(PermissionDenied):
                trust.trust_level_set(actor=actor, user=member2, level=3, lock=True)
        assert level_of(member2) == TrustLevel.BASIC

    def test_an_invited_member_starts_at_level_one(self, staff, newcomer):
        invitation = Invitation.objects.create(email="x@example.kz", invited_by=staff)

        invitation_accept(token=invitation.token, user=newcomer)

        assert level_of(newcomer) == TrustLevel.BASIC


class TestMembersAdmin:
    @pytest.fixture
    def admin_client(self, client, staff):
        staff.is_superuser = True
        staff.save()
        client.force_login(staff)
        return client

    @pytest.mark.parametrize("size", [10, 50])
    def test_the_members_list_costs_a_fixed_number_of_queries(
        self, admin_client, make_user, make_topic, django_assert_max_num_queries, size
    ):
        topic = make_topic()
        for i in range(size):
            user = make_user(f"listed_{i}")
            UserVisit.objects.create(user=user, day=timezone.localdate())
            services.post_create(actor=user, topic=topic, raw="A reply.")
        url = reverse("forum-members:index")
        admin_client.get(url)

        with django_assert_max_num_queries(30):
            response = admin_client.get(url)

        assert response.status_code == 200
        assert "listed_0" in response.content.decode()

    def test_staff_change_a_level_in_the_admin_and_it_is_audited(
        self, admin_client, member
    ):
        profile = Profile.objects.get(user=member)
        url = reverse("forum-members:edit", args=[profile.pk])
        assert admin_client.get(url).status_code == 200

        response = admin_client.post(
            url,
            {"trust_level": "3", "trust_level_locked": "on", "reason": "Trusted"},
        )

        assert response.status_code == 302
        profile.refresh_from_db()
        assert (profile.trust_level, profile.trust_level_locked) == (3, True)
        assert AuditEntry.objects.get(action="trust_level").reason == "Trusted"

    def test_members_cannot_open_it(self, client, member):
        client.force_login(member)
        assert client.get(reverse("forum-members:index")).status_code in (302, 403)


# Visits -------------------------------------------------------------------------


class TestVisits:
    def test_a_member_is_recorded_once_a_day_without_queries_afterwards(
        self, client, member, category, django_assert_num_queries
    ):
        client.force_login(member)
        url = reverse("forum:latest")
        client.get(url)
        assert UserVisit.objects.filter(user=member).count() == 1

        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert not [q for q in queries if "forum_uservisit" in q["sql"]]
        assert UserVisit.objects.filter(user=member).count() == 1

    def test_record_visit_writes_only_the_first_time_in_a_day(
        self, member, django_assert_num_queries
    ):
        with django_assert_num_queries(1):
            assert record_visit(member)
        with django_assert_num_queries(0):
            assert not record_visit(member)

    def test_visitors_are_not_recorded(self, client, category):
        client.get(reverse("forum:latest"))
        assert not UserVisit.objects.exists()
