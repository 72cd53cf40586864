"""The forum's whole story, through the views, as the issue tells it.

A member creates a topic; a second member replies with a quote and an @mention
and likes the first post; the author marks the reply solved; a third member
sees the right unread and new counts; a visitor cannot see a members-only
category.
"""

import re

from django.urls import reverse

from forum.models import Mention, Post, PostLike, Topic


def test_the_forum_story(client, category, members_category, member, member2, member3):
    # 1. A member creates a topic in a category.
    client.force_login(member)
    response = client.post(
        reverse("forum:new_topic"),
        {
            "category": category.pk,
            "title": "Telegram or Instagram for a district akimat?",
            "raw": "We can keep one channel well. Which would you choose, and why?",
            "tags": "telegram, strategy",
            "language": "en",
        },
    )
    topic = Topic.objects.get(title="Telegram or Instagram for a district akimat?")
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()
    assert sorted(topic.tags.values_list("name", flat=True)) == ["strategy", "telegram"]
    first = topic.posts.get(number=1)

    # 2. A second member replies with a quote and an @mention, and likes the first post.
    client.force_login(member2)
    page = client.get(topic.get_absolute_url() + "?quote=1").content.decode()
    quoted = re.search(r'<textarea name="raw"[^>]*>(.*?)</textarea>', page, re.S).group(
        1
    )
    assert "@alma" in quoted and "&gt; We can keep one channel well." in quoted
    reply_text = (
        "> @alma [wrote](/forum/t/x/1/1/):\n> We can keep one channel well.\n\n"
        "Telegram: our audience reads it daily. @saule ran the numbers last year."
    )
    response = client.post(
        reverse("forum:reply", args=[topic.pk]),
        {"raw": reply_text, "reply_to": first.pk},
    )
    reply = topic.posts.get(number=2)
    assert response.status_code == 302
    assert reply.reply_to == first
    assert "<blockquote>" in reply.cooked
    assert 'class="mention" href="/forum/u/saule/"' in reply.cooked
    assert Mention.objects.filter(post=reply, user=member3).exists()
    client.post(reverse("forum:post_like", args=[first.pk]))
    assert PostLike.objects.filter(post=first, user=member2).exists()

    # 3. The author marks the reply solved.
    client.force_login(member)
    client.post(reverse("forum:post_solve", args=[reply.pk]))
    topic.refresh_from_db()
    assert topic.solution == reply
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Accepted answer" in page
    listing = client.get(reverse("forum:latest")).content.decode()
    assert re.search(r"Telegram or Instagram.*?Solved", listing, re.S)

    # 4. A third member sees the right unread and new counts...
    client.force_login(member3)
    new_page = client.get(reverse("forum:new")).content.decode()
    assert topic.title in new_page
    client.get(topic.posts.get(number=1).get_absolute_url())  # reads page 1: both posts
    assert topic.title not in client.get(reverse("forum:new")).content.decode()
    assert topic.title not in client.get(reverse("forum:unread")).content.decode()
    client.force_login(member2)
    client.post(reverse("forum:reply", args=[topic.pk]), {"raw": "One more thought."})
    client.force_login(member3)
    unread = client.get(reverse("forum:unread")).content.decode()
    assert topic.title in unread
    assert "1 unread" in unread
    assert re.search(r'Unread <span class="count">1</span>', unread)

    # ...and a visitor cannot see a members-only category.
    secret = Topic.objects.create(
        category=members_category, title="Internal: crisis drill results", slug="x"
    )
    client.logout()
    listing = client.get(reverse("forum:latest")).content.decode()
    assert members_category.name not in listing
    assert secret.title not in listing
    assert client.get(members_category.get_absolute_url()).status_code == 404
    assert client.get(secret.get_absolute_url()).status_code == 404
    client.force_login(member3)
    assert client.get(members_category.get_absolute_url()).status_code == 200


def test_invited_member_can_start_a_topic(client, category, django_user_model):
    """The invitation path of step 1 ends with a member who can post."""
    from forum.models import Invitation

    invitation = Invitation.objects.create(email="newcomer@gov.kz")
    client.get(reverse("forum:invitation_accept", args=[invitation.token]))
    client.post(
        reverse("account_signup"),
        {
            "email": "newcomer@gov.kz",
            "username": "newcomer",
            "password1": "a-long-pass-phrase-2026",
            "password2": "a-long-pass-phrase-2026",
        },
    )
    user = django_user_model.objects.get(username="newcomer")
    client.force_login(user)
    client.post(
        reverse("forum:new_topic"),
        {
            "category": category.pk,
            "title": "Hello from a new press officer",
            "raw": "Glad to join the forum.",
            "language": "en",
        },
    )
    assert Post.objects.filter(author=user, number=1).exists()
