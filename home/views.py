"""Page serving with a translation fallback, and the comment views of pages.

Wagtail's own `serve` view answers 404 when the requested page has no translation
in the active language. Readers here often follow a link shared in another
language, so instead we serve the page from the first locale that has it (the
default, Kazakh, first) and the template tells them it is not translated yet.
"""

import django_comments
from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_comments.views import comments as comments_views
from django_comments_xtd.models import XtdComment
from wagtail import hooks
from wagtail.models import Locale, Page, Site
from wagtail.views import serve_chain

from forum import honeypot, ratelimit

from . import permissions, selectors, services
from .forms import commenting_as


def serve(request, path):
    route = Page.route_for_request(request, path)
    if route is None:
        route = _route_in_another_locale(request, path)
        if route is None:
            raise Http404
        page = route[0]
        # The same page may exist in this language under a translated slug.
        translation = page.get_translation_or_none(Locale.get_active())
        if translation is not None and translation.live:
            return redirect(translation.get_url(request))
        request.fallback_locale = page.locale

    page, args, kwargs = route
    chain = serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        chain = fn(chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)


def _route_in_another_locale(request, path):
    site = Site.find_for_request(request)
    if site is None:
        return None
    active = Locale.get_active()
    components = [component for component in path.split("/") if component]
    roots = (
        site.root_page.get_translations(inclusive=True)
        .exclude(locale=active)
        .select_related("locale")
    )
    # Try the default language first, then the others in settings order.
    order = [code for code, _name in settings.LANGUAGES]
    for root in sorted(roots, key=lambda r: order.index(r.locale.language_code)):
        try:
            return root.specific.route(request, components)
        except Http404:
            continue
    return None


# Comments -----------------------------------------------------------------------


def _comment_target(data):
    """The page a comment form points at, if it is one that takes comments."""
    try:
        model = apps.get_model(data.get("content_type", ""))
    except (LookupError, ValueError):
        return None
    object_pk = data.get("object_pk", "")
    if model not in permissions.COMMENTABLE or not object_pk.isdigit():
        return None
    return model.objects.filter(pk=object_pk).first()


@require_POST
def comment_post(request):
    """django-contrib-comments' post view, behind our permission check.

    A visitor is sent to log in (a form left open past the end of a session
    lands here); a member posting where comments are not taken gets 403.
    Then the forum's spam defences: the honeypot (400), the member's comment
    rate (429, the form and its text shown again) and the trust-level gate on
    links, images and mentions (forum.trust.check_post, as a form error).
    Everything else (security hash, errors and preview, saving, xtd's
    follow-up e-mails) is the package's own flow.
    """
    page = _comment_target(request.POST)
    if not request.user.is_authenticated:
        return redirect_to_login(page.url if page else request.get_full_path())
    if page is None or not permissions.can_comment(request.user, page):
        return HttpResponseForbidden()
    # xtd takes any comment id as the parent and fails with a 500 past the
    # deepest level: a reply must answer a comment that readers see on this
    # same page, at a level that still takes replies.
    reply_to = request.POST.get("reply_to", "0")
    if reply_to != "0":
        parent = (
            selectors.visible_comments(type(page))
            .filter(pk=reply_to if reply_to.isdigit() else None)
            .filter(object_pk=str(page.pk))
            .first()
        )
        if parent is None or not parent.allow_thread():
            return HttpResponseForbidden()
    # django-contrib-comments' own honeypot field is called "honeypot".
    if rejected := honeypot.rejected(request, "comment", field="honeypot"):
        return rejected
    if "preview" in request.POST:
        with commenting_as(request.user):
            return comments_views.post_comment(request)
    allowance = ratelimit.hit(request, "comment")
    if isinstance(allowance, ratelimit.Limited):
        return _comment_form_again(request, page, allowance)
    with commenting_as(request.user):
        response = comments_views.post_comment(request)
    if response.status_code != 302:  # not posted: errors shown, or refused
        allowance.undo()
    return response


def _comment_form_again(request, page, limited):
    """The comment form, text kept, with the rate limit's message: a 429."""
    data = request.POST.copy()
    # As django-contrib-comments does: the name and address are the account's.
    data["name"] = request.user.get_full_name() or request.user.get_username()
    data["email"] = request.user.email
    form = django_comments.get_form()(page, data=data)
    form.full_clean()
    form.add_error(None, limited.message)
    response = render(
        request,
        "comments/preview.html",
        {"comment": data.get("comment", ""), "form": form, "next": data.get("next")},
    )
    return ratelimit.with_retry_after(response, limited)


@require_POST
@login_required
def comment_like(request, comment_id):
    comment = get_object_or_404(
        XtdComment.objects.filter(is_public=True, is_removed=False), pk=comment_id
    )
    page = comment.content_object
    if not (
        permissions.accepts_comments(page)
        and permissions.can_like_comment(request.user, comment)
    ):
        return HttpResponseForbidden()
    allowance = ratelimit.hit(request, "like")
    if isinstance(allowance, ratelimit.Limited):
        return ratelimit.too_many(request, allowance)
    if not services.comment_like_toggle(actor=request.user, comment=comment):
        allowance.undo()  # taking a like back does not use up the allowance
    return redirect(f"{page.get_url(request)}#c{comment.pk}")
