"""Page serving with a translation fallback, and the comment views of pages.

Wagtail's own `serve` view answers 404 when the requested page has no translation
in the active language. Readers here often follow a link shared in another
language, so instead we serve the page from the first locale that has it (the
default, Kazakh, first) and the template tells them it is not translated yet.
"""

from functools import wraps

import django_comments
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_comments.views import comments as comments_views
from django_comments.views import moderation as comments_moderation
from django_comments_xtd import views as xtd_views
from django_comments_xtd.models import XtdComment
from wagtail import hooks
from wagtail.models import Locale, Page, Site
from wagtail.views import serve_chain

from forum import permissions as forum_permissions
from forum.core import params
from forum.members import honeypot, ratelimit
from forum.models import Topic
from forum.moderation import views as moderation_views

from . import permissions, practices, selectors, services
from .forms import commenting_as
from .models import COMMENTABLE, SeminarPage


@require_safe
def privacy(request):
    """What the site keeps about people, who sees it, how to have it removed."""
    return render(request, "home/privacy.html")


# Seminars: "I'm interested" ------------------------------------------------------


@require_POST
def seminar_interest(request, page_id: int):
    """A member says "I'm interested" (interested=1) or takes it back (0)."""
    seminar = SeminarPage.objects.live().filter(pk=page_id).first()
    if seminar is None or not permissions.can_open_page(request, seminar):
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(seminar.url)
    interested = request.POST.get("interested") == "1"
    # A member who may not (suspended) gets the 403 the service raises.
    services.seminar_interest_set(
        actor=request.user, seminar=seminar, interested=interested
    )
    messages.success(
        request,
        _("We will tell you when its dates change or new materials are published.")
        if interested
        else _("You will no longer hear about this seminar."),
    )
    return redirect(f"{seminar.url}#interest")


@require_POST
@login_required
def practice_propose(request, topic_id: int):
    """ "Propose for the library" on a solved topic: its draft practice, in
    review, opened in the admin (or the topic again, for a moderator who
    does not use the admin)."""
    topic = Topic.objects.select_related("category__parent").filter(pk=topic_id).first()
    if topic is None or not forum_permissions.can_see_topic(request.user, topic):
        raise Http404
    try:
        page = practices.propose(actor=request.user, topic=topic)
    except practices.NotProposable as reason:
        return _refused(request, str(reason))
    messages.success(
        request,
        _("The draft practice now waits for its review."),
    )
    if request.user.has_perm("wagtailadmin.access_admin"):
        return redirect("wagtailadmin_pages:edit", page.pk)
    return redirect(topic.get_absolute_url())


def _refused(request, reason: str):
    return render(request, "403.html", {"reason": reason}, status=403)


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


class _BadId(Exception):
    """A comment form's object_pk or reply_to that is not an id at all."""


def _comment_target(data):
    """The page a comment form points at, if it is one that takes comments.

    Raises _BadId for an object_pk that no page can have ("²", "abc", 2**70).
    """
    try:
        model = apps.get_model(data.get("content_type", ""))
    except (LookupError, ValueError):
        return None
    if model not in COMMENTABLE:
        return None
    page_id = params.parse_id(data.get("object_pk", ""))
    if page_id is None:
        raise _BadId
    return model.objects.filter(pk=page_id).first()


@require_POST
def comment_post(request):
    """django-contrib-comments' post view, behind our permission check.

    A visitor is sent to log in (a form left open past the end of a session
    lands here); a member posting where comments are not taken gets 403.
    Then the forum's spam defences: the honeypot (400), the member's comment
    rate (429, the form and its text shown again) and the trust-level gate on
    links, images and mentions (forum.members.trust.check_post, as a form
    error). Everything else (security hash, errors and preview, saving) is
    the package's own flow; its follow-up e-mails go through the outbox
    (home/tasks.py).
    """
    try:
        page = _comment_target(request.POST)
    except _BadId:
        return HttpResponseBadRequest()
    if not request.user.is_authenticated:
        return redirect_to_login(page.url if page else request.get_full_path())
    if page is None or not permissions.can_comment(request.user, page):
        return HttpResponseForbidden()
    # xtd takes any comment id as the parent and fails with a 500 past the
    # deepest level: a reply must answer a comment that readers see on this
    # same page, at a level that still takes replies.
    reply_to = request.POST.get("reply_to", "0")
    if reply_to != "0":
        parent_id = params.parse_id(reply_to)
        if parent_id is None:
            return HttpResponseBadRequest()
        parent = (
            selectors.visible_comments(type(page))
            .filter(pk=parent_id, object_pk=str(page.pk))
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
    comment = _comment_for(request, comment_id, permissions.can_read_comment)
    page = comment.content_object
    if not permissions.can_like_comment(request.user, comment):
        return HttpResponseForbidden()
    allowance = ratelimit.hit(request, "like")
    if isinstance(allowance, ratelimit.Limited):
        return ratelimit.too_many(request, allowance)
    if not services.comment_like_toggle(actor=request.user, comment=comment):
        allowance.undo()  # taking a like back does not use up the allowance
    return redirect(f"{page.get_url(request)}#c{comment.pk}")


# The package views, behind the same question ------------------------------------
#
# django-comments-xtd's and django-contrib-comments' views take a comment (or a
# target) by id and show it to anyone: the reply page printed held, hidden and
# removed comments, and the `cr/` permalink redirected to any object's URL, so
# the slugs of members-only, held and deleted topics gave their titles away.
# Each one here first asks home.permissions, and answers 404 - the same as for
# an id that does not exist - for what the reader may not see.


def _comment_for(request, comment_id: int, may_see) -> XtdComment:
    """The comment on a page that takes comments, if `may_see(request, it)`."""
    types = ContentType.objects.get_for_models(*COMMENTABLE).values()
    comment = XtdComment.objects.filter(pk=comment_id, content_type__in=types).first()
    if comment is None or not may_see(request, comment):
        raise Http404
    return comment


def comment_permalink(request, content_type_id, object_id):
    """The `cr/` permalink (XtdComment.get_absolute_url): a page that takes
    comments and the reader may open, and nothing else."""
    content_type_id, object_id = (
        params.parse_id(content_type_id),
        params.parse_id(object_id),
    )
    for model in COMMENTABLE:
        if ContentType.objects.get_for_model(model).pk == content_type_id:
            page = model.objects.filter(pk=object_id).first()
            if page is not None and permissions.can_open_page(request, page):
                return redirect(page.get_url(request))
    raise Http404


def comment_reply(request, cid):
    """xtd's reply page shows the comment it answers: only a published one."""
    _comment_for(request, cid, permissions.can_read_comment)
    return xtd_views.reply(request, cid)


def comment_flag(request, comment_id):
    """The forum's flag page (forum/moderation/views.py), for readable comments."""
    _comment_for(request, comment_id, permissions.can_read_comment)
    return moderation_views.flag_comment(request, comment_id)


def _moderating(view):
    """django-contrib-comments' delete and approve pages show the comment: to
    those who may see it (the permission check of the view itself follows)."""

    @wraps(view)
    def guarded(request, comment_id, **kwargs):
        _comment_for(request, comment_id, permissions.can_see_comment)
        return view(request, comment_id, **kwargs)

    return guarded


def _confirming(view):
    """A confirmation page takes the comment from `?c=`: one the reader may
    see, or, while it waits for a moderator, the author's own."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if "c" in request.GET:
            comment_id = params.parse_id(request.GET["c"])
            if comment_id is None:
                raise Http404
            _comment_for(request, comment_id, permissions.can_see_comment)
        return view(request, *args, **kwargs)

    return guarded


comment_sent = _confirming(xtd_views.sent)
comment_done = _confirming(comments_views.comment_done)
comment_flag_done = _confirming(comments_moderation.flag_done)
comment_delete = _moderating(comments_moderation.delete)
comment_delete_done = _confirming(comments_moderation.delete_done)
comment_approve = _moderating(comments_moderation.approve)
comment_approve_done = _confirming(comments_moderation.approve_done)
