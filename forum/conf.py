"""Every FORUM_* setting, with its default and the reason for it.

A project overrides any of them in its settings module; code reads them as
`conf.FORUM_TRUST_LIMITS`, which takes the project's setting when there is one
and the default below otherwise, at each access (so that a test's settings
override holds). django-machina's conf/settings.py is the model.
"""

from django.conf import settings

DEFAULTS = {
    # The origin of links in e-mails and invitations, and whose links count as
    # this site's own (the trust gate counts links to other sites): "" takes
    # the current Site's domain over https. Deployments set it from SITE_URL.
    "FORUM_BASE_URL": "",
    # The callable that lists the site's new pages for a digest, (start, end,
    # language) -> {"seminars": [...], "news": [...]} of DigestItems: the CMS
    # is the site's business, not the forum's. None: topics only.
    "FORUM_DIGEST_PAGES": "home.digest.new_pages",
    # The callable that says what a topic's seminar reference is, (seminar
    # key, material id or None, language) -> forum.core.references.Reference
    # or None when there is no such published seminar or material. None:
    # topics reference nothing.
    "FORUM_SEMINAR_REFERENCE": "home.references.reference_for",
    # The seminars the composer offers, (language) -> [(key, title)].
    "FORUM_SEMINAR_CHOICES": "home.references.seminar_choices",
    # The callable that says where a topic's practice is, (topic, language)
    # -> (title, url) or None.
    "FORUM_PRACTICE_FOR": "home.references.practice_for",
    # Seconds between a notification and its e-mail, so that a member who is
    # on the site reads it there first and gets no e-mail for it.
    "FORUM_NOTIFICATION_EMAIL_DELAY": 600,
    # Behind a reverse proxy that sets X-Forwarded-For, the number of proxies
    # in front of Django (the client is that many entries from the right); 0
    # trusts only REMOTE_ADDR.
    "FORUM_TRUSTED_PROXY": 0,
    # Flags that hide a post at once, before a moderator decides, when they
    # come from members at or above FORUM_TRUSTED_FLAG_LEVEL (or moderators).
    "FORUM_AUTO_HIDE_FLAGS": 2,
    "FORUM_TRUSTED_FLAG_LEVEL": 2,
    # What a member must have done to reach each level, as in Discourse. Levels 1 and
    # 2 count everything ever done; level 3 counts the last `period_days` days, and
    # is lost again when the member no longer meets it. "posts_read" is the sum of
    # how far the member has read each topic (TopicReadState), an approximation of
    # Discourse's count of posts read.
    "FORUM_TRUST_REQUIREMENTS": {
        1: {"topics_entered": 5, "posts_read": 30, "days_visited": 2},
        2: {
            "days_visited": 15,
            "topics_entered": 20,
            "posts_read": 100,
            "likes_given": 1,
            "likes_received": 1,
            "replies": 3,
        },
        3: {
            "period_days": 100,
            "days_visited": 50,
            "replies": 10,
            "likes_received": 20,
            "likes_given": 30,
            # Flags on the member's posts and comments that moderators upheld
            # (hidden or deleted) in the period: more than this blocks promotion.
            "max_flags_upheld": 5,
        },
    },
    # What each level may put in a post or comment (None: no limit) and how often it
    # may act. Rates are "count/period" with the period in s, m, h or d; None: no
    # limit. Staff and moderators count as level 3.
    "FORUM_TRUST_LIMITS": {
        0: {
            "links": 0,
            "images": False,
            "mentions": 2,
            "rates": {
                "topic": "3/d",
                "reply": "10/h",
                "comment": "10/h",
                "preview": "20/m",
                "like": "30/d",
                "flag": "5/d",
                "upload": "0/d",
                "invitation": "0/d",
            },
        },
        1: {
            "links": 10,
            "images": True,
            "mentions": 5,
            "rates": {
                "topic": "10/d",
                "reply": "30/h",
                "comment": "30/h",
                "preview": "30/m",
                "like": "50/d",
                "flag": "20/d",
                "upload": "20/h",
                "invitation": "20/d",
            },
        },
        2: {
            "links": None,
            "images": True,
            "mentions": 10,
            "rates": {
                "topic": "20/d",
                "reply": "60/h",
                "comment": "60/h",
                "preview": "40/m",
                "like": "75/d",
                "flag": "30/d",
                "upload": "60/h",
                "invitation": "50/d",
            },
        },
        3: {
            "links": None,
            "images": True,
            "mentions": 20,
            "rates": {
                "topic": None,
                "reply": None,
                "comment": None,
                "preview": "60/m",
                "like": "100/d",
                "flag": "50/d",
                "upload": "100/h",
                "invitation": "100/d",
            },
        },
    },
    # Per client address, whoever is signed in: sign-ups, and a ceiling on what new
    # (level 0) accounts behind one address may post together.
    "FORUM_IP_RATE_LIMITS": {
        "signup": "5/h",
        "topic": "10/h",
        "reply": "60/h",
        "comment": "60/h",
        "preview": "60/m",
        # Log-in attempts from one address (visitors), and wrong passwords.
        "login": "30/m",
        "login_failed": "10/m",
    },
    # Per account, from any address: wrong passwords, whether the account was named
    # by its username or by an e-mail address.
    "FORUM_ACCOUNT_RATE_LIMITS": {"login_failed": "5/5m"},
    # A level-0 member's posts and comments wait for a moderator until this many
    # have been approved.
    "FORUM_HOLD_FIRST_POSTS": 2,
    # Discourse's default_invitee_trust_level: invited members start here.
    "FORUM_INVITEE_TRUST_LEVEL": 1,
}


class _Conf:
    def __getattr__(self, name):
        try:
            default = DEFAULTS[name]
        except KeyError:
            raise AttributeError(f"{name} is not a forum setting") from None
        return getattr(settings, name, default)


conf = _Conf()
