"""Settings shared by every environment.

Environment-specific modules (dev, test, production) import everything from here
and override what differs. Values that vary between deployments are read from the
environment with the helpers below, so that docker-compose and production set them
in one place.
"""

import os
from pathlib import Path

from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from wagtail.embeds.oembed_providers import vimeo, youtube

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    """Return an environment variable, treating an empty value as unset."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "home",
    "forum",
    "search",
    "outbox",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Comments on news and seminars. django-comments-xtd extends
    # django-contrib-comments and must come before it; comments belong to a
    # django.contrib.sites Site, and xtd's URLs import Django REST framework.
    "django_comments_xtd",
    "django_comments",
    "django.contrib.sites",
    "rest_framework",
    "allauth",
    "allauth.account",
    "django_celery_beat",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Wagtail's search index uses SearchVectorField on PostgreSQL; Django 6.0
    # refuses to start (postgres.E005) unless this app is installed.
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response; the admin's own (config/csp.py)
    # must come after it. The policies: "Content-Security-Policy" below.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.csp.AdminContentSecurityPolicyMiddleware",
    # Visitors' pages from the cache, and a new cache generation after every
    # write (pagecache/). Above sessions, CSRF and messages, so that it sees
    # the cookies they set and serves visitors without running them.
    "pagecache.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A member's own pages, kept for them until anything they see changes
    # (pagecache/): below the session, CSRF, user and messages it checks.
    "pagecache.middleware.MemberPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # One UserVisit row per member and day ("days visited" for trust levels).
    "forum.members.middleware.VisitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "forum.notifications.context_processors.bell",
                "forum.members.context_processors.member_abilities",
            ],
            # {% url %} with each URL worked out once per process (issue #12).
            "builtins": ["forum.templatetags.reversing"],
        },
    },
]

# Database: DATABASE_URL in every environment; dev falls back to SQLite.
DATABASES: dict = {}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth
ACCOUNT_ADAPTER = "forum.members.accounts.ForumAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_GET = False
# The forum's sign-up and log-in forms add a honeypot field (forum/members/honeypot.py);
# sign-up also counts accounts per address (forum/members/ratelimit.py).
ACCOUNT_FORMS = {
    "signup": "forum.members.accounts.SignupForm",
    "login": "forum.members.accounts.LoginForm",
}
# Log-ins and sign-ups are limited by the forum's limiter
# (forum/members/ratelimit.py; FORUM_IP_RATE_LIMITS and FORUM_ACCOUNT_RATE_LIMITS
# in forum/conf.py), which answers 429 with Retry-After and the form again:
# allauth's own log-in limits are off, so that one count decides. allauth keeps its
# other limits (password reset, e-mail confirmation), answered with
# templates/429.html.
ACCOUNT_RATE_LIMITS = {
    "login": False,
    "login_failed": False,
    "signup": "60/h/ip",
}

# The anonymous page cache (pagecache/): visitors' pages are kept this long at
# most, and every write starts a new generation. 0 turns it off. Which paths:
# the language-prefixed pages, but not accounts, comments' forms or search
# (its answers depend on Elasticsearch's health, and its queries rarely repeat).
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "120"))
PAGE_CACHE_PATHS = r"^/(kk|ru|en)/(?!accounts/|comments/|search/)"
# Tests render every {% stencil %} in full and check it against the first render
# of its key (forum/templatetags/stencils.py); sites render it once per key.
STENCIL_CHECK = False

# Internationalisation. Kazakh is the state language and the default locale; every
# public URL carries its language prefix (/kk/, /ru/, /en/).
LANGUAGE_CODE = "kk"
LANGUAGES = [
    ("kk", "Қазақша"),
    ("ru", "Русский"),
    ("en", "English"),
]
# The project's catalogue first, then its completions of the libraries' ones
# (allauth has no Kazakh, Django's Kazakh lacks a third): see
# home/management/commands/library_messages.py.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "libraries"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A new translation starts as a draft: by default wagtail-localize publishes it
# at once, with the source language's text, past the review workflow.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# Wagtail's admin has no Kazakh catalogue; editors work in Russian or English.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ru", "Русский"), ("en", "English")]

WAGTAIL_SITE_NAME = _("Strategic Digital Communication Forum")
WAGTAILADMIN_BASE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# The public search is the search app's own; Wagtail's admin search stays on its
# database backend.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "key",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAILEMBEDS_RESPONSIVE_HTML = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
SERVE_MEDIA = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content-Security-Policy (Django's ContentSecurityPolicyMiddleware, on every
# page). The public site runs only its own script and style files from
# static/: no inline <script>, event handler or style attribute, no eval, no
# plugins, and no other site may frame it. Templates carry no inline script or
# style (category colours are SVG fills, avatars take classes, htmx is told not
# to write its indicator <style> in base.html); tests/test_csp.py checks the
# header on every page type and the browser suite fails on any violation.
CSP_VIDEO_PLAYERS = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Members from trust level 1 may show pictures from other sites in posts
    # (forum/members/trust.py), as on Discourse; data: for small inline images.
    "img-src": [CSP.SELF, "data:", "https:"],
    # The seminar video block's players, and nothing else.
    "frame-src": CSP_VIDEO_PLAYERS,
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The video block accepts only the players the policy lets the page frame.
WAGTAILEMBEDS_FINDERS = [
    {"class": "wagtail.embeds.finders.oembed", "providers": [youtube, vimeo]}
]
# Wagtail's admin (its page editor and explorer, Draftail, wagtail-localize's
# editor) writes inline <script> elements and injects <style> elements, and so
# does django-celery-beat's form in Django's admin; the project cannot rewrite
# them. Under these prefixes (config/urls.py) config.csp answers with this
# policy instead: inline script and style allowed (no eval: nothing needs it),
# Wagtail's check for new releases, blob: pictures (upload previews), its own
# previews framed; the public policy otherwise.
ADMIN_CSP_PATHS = ["/admin/", "/django-admin/"]
ADMIN_CSP = SECURE_CSP | {
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", "https:"],
    "connect-src": [CSP.SELF, "https://releases.wagtail.org"],
    "frame-src": [CSP.SELF, *CSP_VIDEO_PLAYERS],
    "frame-ancestors": [CSP.SELF],
}
# The admin shows its default picture for editors without one of their own,
# rather than sending their e-mail addresses' hashes to Gravatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Redis backs the cache and Celery wherever it is configured. The embedded default
# (dev settings) runs without it: a local-memory cache and eager tasks.
REDIS_URL = env("REDIS_URL")


def redis_cache(url: str) -> dict:
    """The cache on Redis: a Redis outage reads as an empty cache, never an
    error (config/cache.py), and a Redis that does not answer is given up on
    within half a second."""
    return {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# A task is acknowledged once it has run, and given back to the queue if its
# worker dies; with the outbox (below) every side effect also survives a lost
# message, so a job runs at least once.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers a message its worker took but never acknowledged after the
# visibility timeout (one hour by default): a little longer than any task may
# run. A publish to a broker that is down fails at once instead of retrying
# for seconds (`max_retries` 0; workers reconnect by their own retry policy),
# and short socket timeouts keep it from hanging on one that does not answer:
# the outbox relays whatever could not be published.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    "max_retries": 0,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# The transactional outbox (outbox/, docs/architecture.md "Side effects"):
# indexing, notification fan-out and e-mail are rows written with the write
# that causes them, handed to Celery at commit and by the relay below.
OUTBOX_RELAY_INTERVAL = float(env("OUTBOX_RELAY_INTERVAL", "5"))
OUTBOX_RELAY_BATCH = 500
# A dispatched job that has not finished after this long is dispatched again
# (its message or its worker was lost): longer than any task may run.
OUTBOX_LEASE_SECONDS = CELERY_TASK_TIME_LIMIT + 60
# A dispatched job that has not started after this long while the queue is
# empty lost its message (a broker restarted without its data).
OUTBOX_LOST_MESSAGE_SECONDS = 60
# A failed job waits 2, 4, 8 … seconds before its next attempt, at most this.
OUTBOX_BACKOFF_MAX = 300
# A job failing for a dependency that is down is tried for as long as it
# takes; one failing for another reason (a bug, data that cannot be written)
# is given up after this many attempts, and health reports it.
OUTBOX_MAX_ATTEMPTS = 5
# After a failed publish, writers leave their jobs to the relay for this long
# instead of each waiting for the broker's connection timeout.
OUTBOX_BROKER_COOLDOWN = 15
# Done jobs are kept a day for inspection, then purged.
OUTBOX_KEEP_DONE_SECONDS = 24 * 60 * 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # A relay message is pointless once the next one is due: while no worker
    # runs they expire instead of piling up (django-celery-beat reads
    # "expire_seconds").
    "outbox-relay": {
        "task": "outbox.relay",
        "schedule": OUTBOX_RELAY_INTERVAL,
        "options": {"expire_seconds": OUTBOX_RELAY_INTERVAL * 2},
    },
    "outbox-purge": {"task": "outbox.purge", "schedule": 60.0 * 60},
    "publish-scheduled-pages": {
        "task": "home.tasks.publish_scheduled_pages",
        "schedule": 60.0,
    },
    "repair-search-index": {
        "task": "search.tasks.repair_index",
        "schedule": 60.0 * 60,
    },
    # Views counted in Redis, added to the topics (forum/discussions/viewcounts.py).
    "flush-topic-views": {
        "task": "forum.discussions.flush_topic_views",
        "schedule": 60.0,
        "options": {"expire_seconds": 60},
    },
    # Sessions past their expiry date (Django's clearsessions).
    "clear-sessions": {
        "task": "forum.members.clear_sessions",
        "schedule": crontab(hour=4, minute=30),
    },
    # Trust levels from activity (forum/members/trust.py).
    "update-trust-levels": {
        "task": "forum.trust.update_trust_levels",
        "schedule": 60.0 * 60,
    },
}
# E-mail digests (forum/notifications/mail.py): the daily one every morning
# from 07:00 in CELERY_TIMEZONE (Asia/Almaty), the weekly one on Monday
# mornings. Beat asks every quarter of an hour and each period goes out once
# (forum.DigestRun), so a run the broker missed is made up at the next quarter.
CELERY_BEAT_SCHEDULE |= {
    "forum-digest-daily": {
        "task": "forum.emails.send_digests",
        "schedule": crontab(minute="*/15"),
        "args": ("daily",),
    },
    "forum-digest-weekly": {
        "task": "forum.emails.send_digests",
        "schedule": crontab(minute="*/15"),
        "args": ("weekly",),
    },
}

# Search: "database" is the embedded default; "elasticsearch" needs ELASTICSEARCH_URL.
SEARCH_BACKEND = env("SEARCH_BACKEND", "database")
# The database backend counts and facets at most this many matches of a query
# and then says "10,000+" (docs/search.md, "How the database backend ranks and
# caps"); Elasticsearch counts them all.
SEARCH_DATABASE_MATCH_CAP = 10_000
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", "forum")
# A search gives up on Elasticsearch after this many seconds and answers from
# the database (its queries take milliseconds); writes, in workers, wait longer.
ELASTICSEARCH_SEARCH_TIMEOUT = float(env("ELASTICSEARCH_SEARCH_TIMEOUT", "0.8"))
ELASTICSEARCH_TIMEOUT = float(env("ELASTICSEARCH_TIMEOUT", "10"))
# After a failure, Elasticsearch is left alone this many seconds (the circuit
# breaker in search/backends/elasticsearch.py), then one call probes it.
ELASTICSEARCH_COOLDOWN = 30
# How often a web process re-checks that the live indexes are complete, and
# how often celery beat looks for an empty or missing index to rebuild.
SEARCH_STATE_SECONDS = 30
SEARCH_HEAL_INTERVAL = float(env("SEARCH_HEAL_INTERVAL", "60"))
CELERY_BEAT_SCHEDULE["heal-search-index"] = {
    "task": "search.tasks.heal_index",
    "schedule": SEARCH_HEAL_INTERVAL,
    "options": {"expire_seconds": SEARCH_HEAL_INTERVAL},
}
# The 9.x client's "compatible-with=9" media types; only the tests' in-memory
# stand-in (osmem-server) needs them off.
ELASTICSEARCH_COMPAT_HEADERS = True
# Refresh after every write so searches see it at once: tests only.
ELASTICSEARCH_REFRESH = False

# Comments on NewsPage and SeminarPage (django-comments-xtd, docs/architecture.md).
SITE_ID = 1
COMMENTS_APP = "django_comments_xtd"
# Level 0 is a comment on the page, level 1 a reply to it; a reply cannot be
# replied to (xtd refuses a parent whose level equals this number).
COMMENTS_XTD_MAX_THREAD_LEVEL = 1
COMMENTS_XTD_LIST_ORDER = ("thread_id", "order")
COMMENTS_XTD_FORM_CLASS = "home.forms.CommentForm"
# Only members post, so there is no address to confirm.
COMMENTS_XTD_CONFIRM_EMAIL = False
# Follow-up notifications go through Django's configured e-mail backend in the
# request, not in a thread of xtd's own that tests and workers cannot see.
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_SEND_HTML_EMAIL = False
COMMENTS_XTD_APP_MODEL_OPTIONS = {
    "default": {
        "who_can_post": "users",
        "allow_flagging": False,
        "allow_feedback": True,  # "I liked it" flags: one per member and comment
        "show_feedback": True,
    }
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "forum@localhost")
# Whom people write to about the site, their account or their data: the
# footer and the privacy page name it.
SITE_CONTACT_EMAIL = env("SITE_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)
# The forum's own settings, their defaults and reasons: forum/conf.py. Here only
# what a deployment sets from its environment.
# Links in e-mails, invitations and what counts as this site's own links start
# with this origin (the same one the admin uses).
FORUM_BASE_URL = WAGTAILADMIN_BASE_URL
if email_delay := env("FORUM_NOTIFICATION_EMAIL_DELAY"):
    FORUM_NOTIFICATION_EMAIL_DELAY = int(email_delay)

# Behind a reverse proxy that sets X-Forwarded-For, the number of proxies in
# front of Django (the client is that many entries from the right); 0 trusts
# only REMOTE_ADDR.
FORUM_TRUSTED_PROXY = int(env("FORUM_TRUSTED_PROXY", "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "home": {"level": "INFO"},
        "forum": {"level": "INFO"},
        "search": {"level": "INFO"},
        "config": {"level": "INFO"},
    },
}
