"""In-app notifications: who hears about what, the grouped likes, the bell and the
notifications page.

Posts fan out in a Celery task after commit (eager in tests), so every write
that should notify runs inside `django_capture_on_commit_callbacks(execute=True)`.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from forum.discussions import services
from forum.discussions.views import quote_markdown
from forum.models import Notification, NotificationLevel, Post
from forum.notifications import context_processors as notification_context
from forum.notifications import selectors as notification_selectors
from forum.notifications import services as notifications
from forum.notifications import texts as notification_texts
from forum.notifications.views import PANEL_SIZE
from tests.home.test_comments import NEWS_URL, form_fields

Kind = Notification.Kind


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write and what it enqueues after commit, as a request would."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def kinds_of(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def first_post(topic) -> Post:
    return topic.posts.get(number=1)


# Replies, quotes, mentions -------------------------------------------------------


def test_a_reply_notifies_the_replied_to_author_once_and_never_the_replier(
    committed, member, member2, make_topic
):
    topic = make_topic(author=member)

    post = committed(
        services.post_create,
        actor=member2,
        topic=topic,
        raw="An answer to you.",
        reply_to=first_post(topic),
    )

    notification = Notification.objects.get(user=member)
    assert notification.kind == Kind.REPLY
    assert (notification.actor, notification.post, notification.topic) == (
        member2,
        post,
        topic,
    )
    assert kinds_of(member2) == []


def test_a_quote_from_the_composer_notifies_the_quoted_author_once(
    committed, member, member2, member3, make_topic
):
    topic = make_topic(author=member)
    quoted = services.post_create(actor=member2, topic=topic, raw="Press kits matter.")

    committed(
        services.post_create,
        actor=member3,
        topic=topic,
        raw=quote_markdown(quoted, quoted.raw) + "I agree.",
    )

    # The credit "@bolat" is a mention too; the member still hears once.
    assert kinds_of(member2) == [Kind.QUOTE]
    assert kinds_of(member3) == []
    assert kinds_of(member) == []


def test_a_quote_credit_in_another_language_still_finds_the_quoted_post(
    committed, member, member2, member3, make_topic
):
    topic = make_topic(author=member)
    quoted = services.post_create(actor=member2, topic=topic, raw="Press kits matter.")
    url = topic.get_post_url(quoted.number).replace("/en/", "/ru/")

    committed(
        services.post_create,
        actor=member3,
        topic=topic,
        raw=f"> [Бұрын жазылған]({url}):\n> Press kits matter.\n\nAgreed.",
    )

    assert kinds_of(member2) == [Kind.QUOTE]


def test_only_the_first_line_of_a_top_level_quote_credits_someone(
    member, member2, make_topic
):
    topic = make_topic(author=member)
    reply = services.post_create(actor=member2, topic=topic, raw="Quoted.")
    url = topic.get_post_url(reply.number)
    credit = f"> @bolat [wrote]({url}):"

    assert notifications.quoted_user_ids(f"{credit}\n> Quoted.") == {member2.pk}
    assert notifications.quoted_user_ids("> @bolat said hi\n\ntext") == set()
    assert notifications.quoted_user_ids(f"> Hello\n{credit}") == set()
    assert notifications.quoted_user_ids(f"> Hello\n> {credit}") == set()
    assert notifications.quoted_user_ids(f"not a quote [wrote]({url})") == set()


def test_a_quote_credit_without_a_permalink_falls_back_to_the_name(member, member2):
    raw = "> @Bolat [wrote](https://example.kz/elsewhere):\n> Hello\n\nReply"

    assert notifications.quoted_user_ids(raw) == {member2.pk}


def test_a_mention_notifies_the_member_once_and_not_the_author_mentioning_themself(
    committed, member, member2, member3, make_topic
):
    topic = make_topic(author=member)

    committed(
        services.post_create,
        actor=member2,
        topic=topic,
        raw="Thanks @saule and @saule again, says @bolat.",
    )

    assert kinds_of(member3) == [Kind.MENTION]
    assert kinds_of(member2) == []


def test_a_member_gets_one_notification_per_post_the_strongest_kind(
    committed, member, member2, make_topic
):
    topic = make_topic(author=member)
    original = first_post(topic)

    committed(
        services.post_create,
        actor=member2,
        topic=topic,
        raw=quote_markdown(original, original.raw) + "Right, @alma.",
        reply_to=original,
    )

    assert kinds_of(member) == [Kind.REPLY]


def test_an_inactive_member_is_not_notified(committed, member, member2, make_topic):
    topic = make_topic(author=member)
    member.is_active = False
    member.save()

    committed(
        services.post_create,
        actor=member2,
        topic=topic,
        raw="An answer.",
        reply_to=first_post(topic),
    )

    assert kinds_of(member) == []


def test_an_edit_notifies_only_the_newly_mentioned(
    committed, member, member2, member3, make_topic
):
    topic = make_topic(author=member)
    post = committed(
        services.post_create, actor=member2, topic=topic, raw="Hello @alma."
    )

    committed(
        services.post_edit, actor=member2, post=post, raw="Hello @alma and @saule."
    )

    assert kinds_of(member) == [Kind.MENTION]
    assert kinds_of(member3) == [Kind.MENTION]


# Watching and muting -------------------------------------------------------------


def test_a_member_watching_a_category_hears_of_each_new_topic_there(
    committed, member, member2, category, make_topic
):
    notifications.category_watch_set(
        actor=member2, category=category, level=NotificationLevel.WATCHING
    )

    topic = committed(make_topic, author=member)

    notification = Notification.objects.get(user=member2)
    assert (notification.kind, notification.topic) == (Kind.NEW_TOPIC, topic)
    assert kinds_of(member) == []


def test_watching_a_parent_category_covers_its_subcategories_unless_muted_there(
    committed, member, member2, member3, make_category, make_topic
):
    parent = make_category()
    child = make_category(parent=parent)
    for someone in (member2, member3):
        notifications.category_watch_set(
            actor=someone, category=parent, level=NotificationLevel.WATCHING
        )
    notifications.category_watch_set(
        actor=member3, category=child, level=NotificationLevel.MUTED
    )

    committed(make_topic, author=member, in_category=child)

    assert kinds_of(member2) == [Kind.NEW_TOPIC]
    assert kinds_of(member3) == []


def test_watching_a_topic_notifies_every_new_post_by_someone_else(
    committed, member, member2, member3, make_topic
):
    topic = make_topic(author=member)
    notifications.topic_watch_set(
        actor=member3, topic=topic, level=NotificationLevel.WATCHING
    )

    post = committed(services.post_create, actor=member2, topic=topic, raw="News.")
    committed(services.post_create, actor=member3, topic=topic, raw="My own post.")

    notification = Notification.objects.get(user=member3)
    assert (notification.kind, notification.post) == (Kind.POSTED, post)


def test_tracking_and_normal_topics_do_not_notify_every_post(
    committed, member, member2, member3, make_topic
):
    topic = make_topic(author=member)
    notifications.topic_watch_set(
        actor=member3, topic=topic, level=NotificationLevel.TRACKING
    )

    committed(services.post_create, actor=member2, topic=topic, raw="News.")

    assert kinds_of(member3) == []
    assert kinds_of(member) == []  # the author tracks their topic


def test_a_member_who_muted_the_topic_hears_nothing_even_when_mentioned_or_replied_to(
    committed, member, member2, make_topic
):
    topic = make_topic(author=member)
    notifications.topic_watch_set(
        actor=member, topic=topic, level=NotificationLevel.MUTED
    )

    committed(
        services.post_create,
        actor=member2,
        topic=topic,
        raw="@alma, what do you think?",
        reply_to=first_post(topic),
    )

    assert kinds_of(member) == []


def test_a_muted_category_silences_mentions_in_its_topics(
    committed, member, member2, member3, category, make_topic
):
    topic = make_topic(author=member)
    notifications.category_watch_set(
        actor=member3, category=category, level=NotificationLevel.MUTED
    )

    committed(services.post_create, actor=member2, topic=topic, raw="Hi @saule.")

    assert kinds_of(member3) == []


# Held posts and idempotence ------------------------------------------------------


def test_a_post_awaiting_approval_notifies_nobody_until_it_is_approved(
    committed, member, member2, member3, make_topic
):
    topic = make_topic(author=member)
    notifications.topic_watch_set(
        actor=member3, topic=topic, level=NotificationLevel.WATCHING
    )
    post = services.post_create(
        actor=member2, topic=topic, raw="@alma look", reply_to=first_post(topic)
    )
    Post.objects.filter(pk=post.pk).update(awaiting_approval=True)
    post.refresh_from_db()

    committed(notifications.post_created, post)
    assert notifications.notify_post(post.pk) == 0
    assert Notification.objects.filter(post=post).count() == 0

    Post.objects.filter(pk=post.pk).update(awaiting_approval=False)
    post.refresh_from_db()
    committed(notifications.post_created, post)
    assert (kinds_of(member), kinds_of(member3)) == ([Kind.REPLY], [Kind.POSTED])


def test_hidden_and_deleted_posts_notify_nobody(committed, member, member2, make_topic):
    topic = make_topic(author=member)
    hidden = services.post_create(actor=member2, topic=topic, raw="Hi @alma")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    deleted = services.post_create(actor=member2, topic=topic, raw="Hi @alma")
    services.post_delete(actor=member2, post=deleted)

    assert notifications.notify_post(hidden.pk) == 0
    assert notifications.notify_post(deleted.pk) == 0
    assert kinds_of(member) == []


def test_running_the_fan_out_twice_creates_no_duplicates(
    committed, member, member2, member3, make_topic
):
    topic = make_topic(author=member)
    notifications.topic_watch_set(
        actor=member3, topic=topic, level=NotificationLevel.WATCHING
    )
    post = committed(
        services.post_create,
        actor=member2,
        topic=topic,
        raw="Hello @alma",
        reply_to=first_post(topic),
    )
    before = Notification.objects.filter(post=post).count()

    assert notifications.notify_post(post.pk) == 0
    assert notifications.notify_post(post.pk, edit=True) == 0
    assert Notification.objects.filter(post=post).count() == before == 2


def test_the_fan_out_task_skips_a_post_that_no_longer_exists(db):
    assert notifications.notify_post(987654) == 0


# Likes ---------------------------------------------------------------------------


@pytest.fixture
def liked_post(member, make_topic):
    return first_post(make_topic(author=member))


def test_likes_on_a_post_group_into_one_notification_newest_first(
    member, make_user, liked_post
):
    likers = [make_user(name) for name in ("dana", "erlan", "gulnar")]
    for liker in likers:
        services.like_toggle(actor=liker, post=liked_post)

    notification = Notification.objects.get(user=member)
    assert notification.kind == Kind.LIKE
    assert notification.actor == likers[-1]
    assert notification.data["count"] == 3
    assert [p["username"] for p in notification.data["likers"]] == [
        "gulnar",
        "erlan",
        "dana",
    ]
    assert notification_texts.describe(notification) == (
        "gulnar and 2 others liked your post"
    )


def test_like_texts_for_one_and_two_people(member, member2, member3, liked_post):
    services.like_toggle(actor=member2, post=liked_post)
    notification = Notification.objects.get(user=member)
    assert notification_texts.describe(notification) == "bolat liked your post"

    services.like_toggle(actor=member3, post=liked_post)
    notification.refresh_from_db()
    assert (
        notification_texts.describe(notification) == "saule and bolat liked your post"
    )


def test_unliking_removes_the_member_from_the_group_and_an_empty_group_goes(
    member, member2, member3, liked_post
):
    services.like_toggle(actor=member2, post=liked_post)
    services.like_toggle(actor=member3, post=liked_post)

    services.like_toggle(actor=member3, post=liked_post)
    notification = Notification.objects.get(user=member)
    assert notification.data["count"] == 1
    assert notification.actor == member2
    assert notification_texts.describe(notification) == "bolat liked your post"

    services.like_toggle(actor=member2, post=liked_post)
    assert not Notification.objects.filter(user=member).exists()


def test_a_like_after_the_group_was_read_starts_a_new_unread_one(
    member, member2, member3, liked_post
):
    services.like_toggle(actor=member2, post=liked_post)
    notifications.notifications_mark_all_read(actor=member)

    services.like_toggle(actor=member3, post=liked_post)

    unread = Notification.objects.get(user=member, read_at__isnull=True)
    assert unread.data["count"] == 1 and unread.actor == member3
    assert Notification.objects.filter(user=member).count() == 2


def test_a_new_like_moves_the_group_to_now(member, member2, member3, liked_post):
    services.like_toggle(actor=member2, post=liked_post)
    earlier = timezone.now() - timedelta(days=2)
    Notification.objects.filter(user=member).update(created_at=earlier)

    services.like_toggle(actor=member3, post=liked_post)

    assert Notification.objects.get(user=member).created_at > earlier


# Solutions and moderation --------------------------------------------------------


def test_accepting_a_solution_notifies_the_replys_author(member, member2, make_topic):
    topic = make_topic(author=member)
    answer = services.post_create(actor=member2, topic=topic, raw="The answer.")

    services.solution_accept(actor=member, post=answer)

    notification = Notification.objects.get(user=member2)
    assert (notification.kind, notification.actor, notification.post) == (
        Kind.SOLUTION,
        member,
        answer,
    )
    assert notification_texts.describe(notification) == (
        "alma accepted your reply as the answer"
    )


def test_accepting_ones_own_reply_notifies_nobody(moderator, member, make_topic):
    topic = make_topic(author=member)
    answer = services.post_create(actor=moderator, topic=topic, raw="The answer.")

    services.solution_accept(actor=moderator, post=answer)

    assert not Notification.objects.filter(kind=Kind.SOLUTION, post=answer).exists()


@pytest.mark.parametrize(
    ("outcome", "text"),
    [
        ("approved", "A moderator approved your post."),
        ("hidden", "A moderator hid your post."),
        ("deleted", "A moderator deleted your post."),
        ("held", "Your post is waiting for a moderator’s approval."),
        ("suspended", "A moderator suspended your account."),
    ],
)
def test_moderation_outcomes_are_told_in_their_own_words(
    moderator, member, make_topic, outcome, text
):
    post = first_post(make_topic(author=member))

    notification = notifications.moderation_outcome(
        user=member,
        outcome=outcome,
        actor=moderator,
        post=None if outcome == "suspended" else post,
        reason="Off topic",
    )

    assert notification.kind == Kind.MODERATION
    assert notification.data == {"outcome": outcome, "reason": "Off topic"}
    assert notification_texts.describe(notification) == text


def test_moderation_outcomes_render_in_the_readers_language(
    moderator, member, make_topic
):
    from django.utils import translation

    post = first_post(make_topic(author=member))
    notification = notifications.moderation_outcome(
        user=member, outcome="approved", actor=moderator, post=post
    )

    with translation.override("en"):
        english = notification_texts.describe(notification)
    with translation.override("ru"):
        russian = notification_texts.describe(notification)

    assert english == "A moderator approved your post."
    assert russian  # a sentence in any case; its translation is the lead's


def test_an_unknown_moderation_outcome_is_refused(moderator, member):
    with pytest.raises(ValueError):
        notifications.moderation_outcome(
            user=member, outcome="praised", actor=moderator
        )


# Comments on news and seminars ---------------------------------------------------


@pytest.fixture
def news_page(demo):
    from home.models import NewsPage

    return NewsPage.objects.get(
        slug="press-services-seminar-astana", locale__language_code="en"
    )


@pytest.fixture
def comment_as(client, django_capture_on_commit_callbacks, news_page):
    """Post a comment through the page's real form, as a browser would."""

    def post(user, text, reply_to=None):
        client.force_login(user)
        page_url = f"/en/comments/reply/{reply_to.pk}/" if reply_to else NEWS_URL
        data = form_fields(client.get(page_url).content.decode())
        data.update(comment=text, post="")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/en/comments/post/", data)
        assert response.status_code == 302
        return XtdComment.objects.filter(user=user).latest("submit_date")

    return post


def test_a_reply_to_a_comment_notifies_its_author(comment_as, member, member2):
    top = comment_as(member, "A question about the seminar.")

    reply = comment_as(member2, "An answer.", reply_to=top)
    comment_as(member, "Thank you!", reply_to=top)

    notification = Notification.objects.get(user=member)
    assert (notification.kind, notification.comment, notification.actor) == (
        Kind.COMMENT_REPLY,
        reply,
        member2,
    )
    assert kinds_of(member2) == []
    assert notification_texts.target_url(notification).endswith(f"#c{reply.pk}")


def test_a_comment_held_for_moderation_notifies_nobody_until_approved(
    member, member2, news_page
):
    top = XtdComment.objects.create(
        content_object=news_page, site_id=1, user=member, comment="Question"
    )
    held = XtdComment.objects.create(
        content_object=news_page,
        site_id=1,
        user=member2,
        comment="Answer",
        parent_id=top.pk,
        is_public=False,
    )

    notifications.comment_posted(held)
    assert kinds_of(member) == []

    held.is_public = True
    held.save()
    notifications.comment_posted(held)
    notifications.comment_posted(held)
    assert kinds_of(member) == [Kind.COMMENT_REPLY]


def test_comment_likes_group_like_post_likes(member, member2, member3, news_page):
    from home.services import comment_like_toggle

    comment = XtdComment.objects.create(
        content_object=news_page, site_id=1, user=member, comment="Useful"
    )

    comment_like_toggle(actor=member2, comment=comment)
    comment_like_toggle(actor=member3, comment=comment)
    notification = Notification.objects.get(user=member)
    assert notification.kind == Kind.COMMENT_LIKE
    assert notification_texts.describe(notification) == (
        "saule and bolat liked your comment"
    )

    comment_like_toggle(actor=member3, comment=comment)
    notification.refresh_from_db()
    assert notification_texts.describe(notification) == "bolat liked your comment"


# Reading -------------------------------------------------------------------------


@pytest.fixture
def three_unread(committed, member, member2, make_topic):
    """Three notifications for alma, in three topics."""
    topics = [make_topic(author=member) for _ in range(3)]
    for topic in topics:
        committed(
            services.post_create,
            actor=member2,
            topic=topic,
            raw="A reply.",
            reply_to=first_post(topic),
        )
    return list(Notification.objects.filter(user=member))


def test_marking_one_read_and_all_read(member, three_unread):
    one = three_unread[0]

    notifications.notification_mark_read(actor=member, notification=one)
    assert notification_selectors.unread_count(member) == 2

    assert notifications.notifications_mark_all_read(actor=member) == 2
    assert notification_selectors.unread_count(member) == 0
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()


def test_only_the_owner_may_mark_a_notification_read(member2, three_unread):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        notifications.notification_mark_read(
            actor=member2, notification=three_unread[0]
        )


def test_reading_the_topic_past_a_post_reads_its_notifications(
    client, member, three_unread
):
    notification = three_unread[0]
    client.force_login(member)

    client.get(notification.topic.get_absolute_url())

    notification.refresh_from_db()
    assert notification.is_read
    assert notification_selectors.unread_count(member) == 2


def test_the_unread_count_is_cached_and_forgotten_when_it_changes(
    committed,
    member,
    member2,
    make_topic,
    three_unread,
    django_assert_num_queries,
):
    assert notification_selectors.unread_count(member) == 3
    with django_assert_num_queries(0):
        assert notification_selectors.unread_count(member) == 3

    topic = make_topic(author=member)
    committed(
        services.post_create,
        actor=member2,
        topic=topic,
        raw="More.",
        reply_to=first_post(topic),
    )
    assert notification_selectors.unread_count(member) == 4

    notifications.notification_mark_read(actor=member, notification=three_unread[0])
    assert notification_selectors.unread_count(member) == 3
    notifications.notifications_mark_all_read(actor=member)
    assert notification_selectors.unread_count(member) == 0


def test_the_bell_shows_the_unread_count_with_accessible_text(
    client, member, three_unread
):
    client.force_login(member)

    html = client.get(reverse("forum:latest")).content.decode()

    assert reverse("forum:notifications") in html
    assert '<span class="count" aria-hidden="true">3</span>' in html
    assert "3 unread notifications" in html

    notifications.notifications_mark_all_read(actor=member)
    html = client.get(reverse("forum:latest")).content.decode()
    assert "unread notification" not in html
    assert cache.get(notification_selectors.unread_key(member.pk)) == 0


def test_visitors_see_no_bell(client, db):
    html = client.get(reverse("forum:latest")).content.decode()

    assert reverse("forum:notifications") not in html


def test_the_context_processor_costs_nothing_until_the_count_is_shown(
    member, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = member
    with django_assert_num_queries(0):
        context = notification_context.bell(request)
    request.user = AnonymousUser()
    assert notification_context.bell(request) == {}
    assert context["notification_bell"].unread == 0


# The notifications page ----------------------------------------------------------


def test_visitors_are_sent_to_log_in(client, db):
    for url in (
        reverse("forum:notifications"),
        reverse("forum:notification", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_another_member_gets_404_for_someone_elses_notification(
    client, member2, three_unread
):
    notification = three_unread[0]
    client.force_login(member2)

    assert (
        client.get(reverse("forum:notification", args=[notification.pk])).status_code
        == 404
    )
    response = client.post(reverse("forum:notification_read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_the_page_lists_newest_first_and_marks_unread_in_words(
    client, member, three_unread
):
    notifications.notification_mark_read(actor=member, notification=three_unread[-1])
    client.force_login(member)

    response = client.get(reverse("forum:notifications"))

    html = response.content.decode()
    assert response.status_code == 200
    page = response.context["page"]
    assert [n.pk for n in page.object_list] == [n.pk for n in three_unread]
    assert html.count('<span class="badge notification-state">Unread</span>') == 2
    assert "bolat replied to your post" in html
    assert three_unread[0].topic.title in html


def test_the_bells_dropdown_lists_the_newest_and_links_to_the_page(
    client, member, three_unread
):
    notifications.notification_mark_read(actor=member, notification=three_unread[-1])
    client.force_login(member)

    response = client.get(reverse("forum:notifications") + "?panel=1")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "<html" not in html  # a fragment for static/js/bell.js
    assert html.count('<li class="notification-unread">') == 2
    for notification in three_unread:
        assert reverse("forum:notification", args=[notification.pk]) in html
    assert f'href="{reverse("forum:notifications")}"' in html


def test_the_bells_dropdown_needs_a_login(client, db):
    response = client.get(reverse("forum:notifications") + "?panel=1")
    assert response.status_code == 302


def test_the_unread_filter_shows_only_unread(client, member, three_unread):
    notifications.notification_mark_read(actor=member, notification=three_unread[0])
    client.force_login(member)

    response = client.get(reverse("forum:notifications") + "?filter=unread")

    assert [n.pk for n in response.context["page"].object_list] == [
        n.pk for n in three_unread[1:]
    ]


def test_opening_a_notification_reads_it_and_goes_to_the_post(
    client, member, three_unread
):
    notification = three_unread[0]
    client.force_login(member)

    response = client.get(reverse("forum:notification", args=[notification.pk]))

    post = notification.post
    assert response.status_code == 302
    assert response.url == (
        notification.topic.get_post_url(post.number) + f"#post-{post.number}"
    )
    notification.refresh_from_db()
    assert notification.is_read


def test_opening_a_moderation_outcome_without_a_post_goes_to_the_notifications(
    client, member, moderator
):
    notification = notifications.moderation_outcome(
        user=member, outcome="suspended", actor=moderator, reason="Spam"
    )
    deleted = notifications.moderation_outcome(
        user=member, outcome="deleted", actor=moderator, reason="Spam"
    )
    client.force_login(member)

    suspended_to = client.get(reverse("forum:notification", args=[notification.pk]))
    deleted_to = client.get(reverse("forum:notification", args=[deleted.pk]))

    assert suspended_to.url == reverse("forum:profile", args=["alma"])
    assert deleted_to.url == reverse("forum:notifications")
    html = client.get(reverse("forum:notifications")).content.decode()
    assert "Reason: Spam" in html


def test_the_mark_as_read_button_works_with_and_without_htmx(
    client, member, three_unread
):
    first, second = three_unread[:2]
    client.force_login(member)
    url = reverse("forum:notifications")

    response = client.post(
        reverse("forum:notification_read", args=[first.pk]), {"next": url}
    )
    assert (response.status_code, response.url) == (302, url)

    response = client.post(
        reverse("forum:notification_read", args=[second.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{second.pk}"' in html
    assert "Marked as read." in html and "notification-unread" not in html
    assert Notification.objects.filter(user=member, read_at__isnull=True).count() == 1


def test_mark_all_as_read_needs_a_post(client, member, three_unread):
    client.force_login(member)
    url = reverse("forum:notifications_read_all")

    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "https://evil.example/"})

    assert response.url == reverse("forum:notifications")
    assert notification_selectors.unread_count(member) == 0


@pytest.mark.parametrize("size", [10, 50])
def test_the_notifications_page_issues_a_fixed_number_of_queries(
    client,
    member,
    make_user,
    moderator,
    news_page,
    make_topic,
    django_assert_max_num_queries,
    size,
):
    topic = make_topic(author=member)
    post = first_post(topic)
    people = [make_user() for _ in range(4)]
    comment = XtdComment.objects.create(
        content_object=news_page, site_id=1, user=member, comment="Mine"
    )
    for n in range(size):
        kind = n % 5
        if kind == 0:
            mine = services.post_create(actor=member, topic=topic, raw="Mine.")
            services.like_toggle(actor=people[n % 4], post=mine)
        elif kind == 1:
            notifications.moderation_outcome(
                user=member, outcome="hidden", actor=moderator, post=post, reason="x"
            )
        elif kind == 2:
            reply = XtdComment.objects.create(
                content_object=news_page,
                site_id=1,
                user=people[n % 4],
                comment="Reply",
                parent_id=comment.pk,
            )
            notifications.comment_posted(reply)
        else:
            reply = services.post_create(
                actor=people[n % 4], topic=topic, raw="Hi @alma", reply_to=post
            )
            notifications.notify_post(reply.pk)
    assert Notification.objects.filter(user=member).count() >= size
    client.force_login(member)
    url = reverse("forum:notifications")
    client.get(url)  # warm the per-site caches, as in production

    with django_assert_max_num_queries(12):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(
        size, notification_selectors.NOTIFICATIONS_PER_PAGE
    )
    # The bell's dropdown too.
    with django_assert_max_num_queries(12):
        panel = client.get(url + "?panel=1")
    assert len(panel.context["page"].object_list) == min(size, PANEL_SIZE)
