"""The floor of bench/race.py: the cheapest Django page that shows a topic.

One module is the settings, the URLconf and the view: one template, twenty
posts built in memory, no database, no middleware. What a request to it costs
is what gunicorn, WSGI and Django's template engine cost at the least, measured
in the same run as the site, so that the site's numbers read as a ratio.

    gunicorn --pythonpath bench floor:application
"""

import os
from datetime import UTC, datetime, timedelta

# This module is the settings, whatever the environment says.
os.environ["DJANGO_SETTINGS_MODULE"] = "floor"

SECRET_KEY = "bench-floor-only"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "floor"
USE_TZ = True
TIME_ZONE = "Asia/Almaty"
MIDDLEWARE: list[str] = []
INSTALLED_APPS: list[str] = []
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "topic.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
{% for post in posts %}<article id="post-{{ post.number }}">
<header><a href="/u/{{ post.author }}/">{{ post.author }}</a>
<time datetime="{{ post.created|date:'c' }}">{{ post.created|date:'j M Y' }}</time>
</header><div class="cooked">{{ post.cooked|safe }}</div></article>
{% endfor %}</main></body></html>
""",
                    },
                )
            ]
        },
    }
]

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.urls import path  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=UTC)
POSTS = [
    {
        "number": n,
        "author": f"member{n % 7}",
        "created": START + timedelta(hours=n),
        "cooked": f"<p>Post {n}: how the press service answers in three "
        "languages within the hour, and who reads it first.</p>",
    }
    for n in range(1, 21)
]


def topic(request):
    return render(request, "topic.html", {"title": "A hot topic", "posts": POSTS})


urlpatterns = [path("", topic)]
application = get_wsgi_application()
