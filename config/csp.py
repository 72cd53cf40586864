"""The admin's Content-Security-Policy.

Every page carries a Content-Security-Policy from Django's
ContentSecurityPolicyMiddleware: settings.SECURE_CSP, which allows only the
site's own script and style files. Wagtail's admin (its page editor and
explorer, Draftail, wagtail-localize's translation editor) writes inline
<script> elements and injects <style> elements, and so does
django-celery-beat's form in Django's admin; the project cannot rewrite them.
Under the admins' URL prefixes (settings.ADMIN_CSP_PATHS) this middleware
answers with settings.ADMIN_CSP instead (config/settings/base.py says what it
allows beyond the public policy, and why).
"""

from django.conf import settings
from django.views.decorators.csp import csp_override


class AdminContentSecurityPolicyMiddleware:
    """Give the admin's pages settings.ADMIN_CSP.

    Goes after ContentSecurityPolicyMiddleware in MIDDLEWARE, so that the
    policy it chooses is on the response when that middleware writes the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(tuple(settings.ADMIN_CSP_PATHS)):
            return csp_override(settings.ADMIN_CSP)(self.get_response)(request)
        return self.get_response(request)
