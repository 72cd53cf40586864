"""Absolute links, from one origin: e-mails, invitations, and the trust gate's
idea of which links are this site's own.

The origin is FORUM_BASE_URL (deployments set it from SITE_URL); without it,
the current django.contrib.sites Site's domain over HTTPS.
"""

from urllib.parse import urlsplit

from django.contrib.sites.models import Site

from forum.conf import conf


def origin() -> str:
    """ "https://forum.example.kz", without a trailing slash."""
    configured = conf.FORUM_BASE_URL or ""
    if not configured:
        configured = f"https://{Site.objects.get_current().domain}"
    return configured.rstrip("/")


def absolute(path: str) -> str:
    return origin() + path


def page_url(page) -> str:
    """A CMS page's absolute URL, under its own language's prefix."""
    parts = page.get_url_parts()
    if parts is None:
        return origin() + "/"
    return absolute(parts[2])


def own_hosts() -> set[str]:
    """The host names whose links are this site's own."""
    host = urlsplit(origin()).hostname or ""
    return {host.lower()} if host else set()
