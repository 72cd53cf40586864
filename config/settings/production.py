"""Production: everything comes from the environment.

The process refuses to start when a secret or a service it cannot run without is
missing, rather than falling back to something unsafe. docker-compose.yml sets
the same variables; tests/test_deployment.py checks that the two agree.
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env, env_bool, env_list, redis_cache

REQUIRED = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS")
OPTIONAL = (
    "SITE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "SEARCH_BACKEND",
    "ELASTICSEARCH_URL",
    "ELASTICSEARCH_INDEX_PREFIX",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SITE_CONTACT_EMAIL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "MEDIA_ROOT",
    "CELERY_BROKER_URL",
    "SERVE_MEDIA",
)

_missing = [name for name in REQUIRED if not env(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL"), conn_max_age=60, conn_health_checks=True
    )
}

REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CACHES = {"default": redis_cache(REDIS_URL)}
# Sessions live in the database; the cache only speeds up reading them, for a
# minute at most (config/sessions.py), so a Redis outage logs nobody out and a
# log-out during one sticks.
SESSION_ENGINE = "config.sessions"

SEARCH_BACKEND = env("SEARCH_BACKEND", "elasticsearch")
if SEARCH_BACKEND == "elasticsearch" and not env("ELASTICSEARCH_URL"):
    raise ImproperlyConfigured("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL.")

# WhiteNoise serves the collected, hashed static files straight from gunicorn.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.staticfiles.StaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
# /healthz is probed over plain HTTP from inside the compose network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

if email_url := env("EMAIL_URL"):
    # smtp://user:password@host:port, with ?tls=1 for STARTTLS.
    from urllib.parse import parse_qs, unquote, urlsplit

    _email = urlsplit(email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = parse_qs(_email.query).get("tls") == ["1"]

# Uploaded files (image renditions, avatars) are served by Django only where no web
# server sits in front to do it: the docker-compose stack sets SERVE_MEDIA=true.
SERVE_MEDIA = env_bool("SERVE_MEDIA")

DEMO_ACCOUNTS = False
