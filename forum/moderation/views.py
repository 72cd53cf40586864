"""Moderation pages: flagging a post or comment, the review queue and its actions.

Thin views over forum/moderation/services.py. Every page works without JavaScript: the
flag form is a plain POST (inline in a <details> under each post, or on its
own page), and the queue's buttons are forms that redirect back to the queue;
htmx swaps the one item instead when it is there.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_comments_xtd.models import XtdComment

from forum import permissions
from forum.core import params
from forum.core.web import is_htmx
from forum.discussions import selectors
from forum.members import honeypot, ratelimit
from forum.models import ReviewItem, Suspension
from forum.moderation import services as moderation
from forum.moderation.forms import FlagForm, SuspendForm

# Flags ----------------------------------------------------------------------------


def _flag_target(request, post_id=None, comment_id=None):
    """The post or comment, its back link, and its label for the page."""
    if post_id is not None:
        post = selectors.post_for_writer(request.user, post_id)
        if not permissions.can_read_post(request.user, post):
            raise Http404
        back = post.topic.get_post_url(post.number) + f"#post-{post.number}"
        return {"post": post}, back
    comment = get_object_or_404(
        XtdComment.objects.filter(is_public=True, is_removed=False), pk=comment_id
    )
    page = comment.content_object
    back = f"{page.get_url(request)}#c{comment.pk}" if page is not None else "/"
    return {"comment": comment}, back


def _flag(request, post_id=None, comment_id=None):
    target, back = _flag_target(request, post_id, comment_id)
    if not moderation.can_flag(request.user, **target):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        if rejected := honeypot.rejected(request, "flag"):
            return rejected
        form = FlagForm(request.POST)
        if form.is_valid():
            allowance = ratelimit.hit(request, "flag")
            if isinstance(allowance, ratelimit.Limited):
                form.add_error(None, allowance.message)
                response = _flag_page(request, form, target, back, status=400)
                return ratelimit.with_retry_after(response, allowance)
            try:
                moderation.flag_create(
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    **target,
                )
            except ValidationError as error:
                allowance.undo()
                form.add_service_errors(error)
            else:
                messages.success(
                    request, _("Thank you. The moderators will look at it.")
                )
                return redirect(back)
        status = 400
    else:
        form = FlagForm()
    return _flag_page(request, form, target, back, status=status)


def _flag_page(request, form, target, back, *, status):
    return render(
        request,
        "forum/flag_form.html",
        {"form": form, "back": back, **target},
        status=status,
    )


@login_required
def flag_post(request, post_id):
    return _flag(request, post_id=post_id)


@login_required
def flag_comment(request, comment_id):
    return _flag(request, comment_id=comment_id)


# The review queue -----------------------------------------------------------------


def _require_reviewer(request):
    if not permissions.can_review(request.user):
        raise PermissionDenied


@login_required
def review_queue(request):
    _require_reviewer(request)
    return _queue_page(request)


def _queue_page(request, *, suspend_forms=None, status=200):
    page = selectors.review_queue(
        user=request.user, page_number=request.GET.get("page")
    )
    suspend_forms = suspend_forms or {}
    for item in page.object_list:
        item.suspend_form = suspend_forms.get(item.pk) or SuspendForm(
            prefix=f"suspend-{item.pk}"
        )
    is_global = permissions.is_global_moderator(request.user)
    return render(
        request,
        "forum/review_queue.html",
        {
            "page": page,
            "can_suspend": is_global,
            "suspensions": selectors.active_suspensions() if is_global else [],
        },
        status=status,
    )


def _item_for(request, item_id) -> ReviewItem:
    item = (
        ReviewItem.objects.select_related(
            "post__topic__category__parent", "post__author", "comment__user"
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None or not moderation.can_decide(request.user, item):
        raise Http404
    return item


ACTIONS = {
    "approve": (moderation.review_approve, gettext_lazy("Approved.")),
    "hide": (moderation.review_hide, gettext_lazy("Hidden.")),
    "delete": (moderation.review_delete, gettext_lazy("Deleted.")),
}


@login_required
@require_POST
def review_decide(request, item_id, action):
    _require_reviewer(request)
    if action not in ACTIONS:
        raise Http404
    item = _item_for(request, item_id)
    service, done = ACTIONS[action]
    try:
        service(actor=request.user, item=item, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(done))
    if is_htmx(request):
        # The counts on the page (the sentence and the header's link) follow
        # out of band, so they do not go stale until the next page load.
        return render(
            request,
            "forum/_review_resolved.html",
            {
                "item": item,
                "done": done,
                "pending": selectors.review_pending_count(request.user),
            },
        )
    return redirect(_queue_url(request))


def _queue_url(request) -> str:
    url = reverse("forum:review_queue")
    page = params.parse_id(request.POST.get("page") or request.GET.get("page"))
    return f"{url}?page={page}" if page else url


@login_required
@require_POST
def review_suspend(request, item_id):
    _require_reviewer(request)
    item = _item_for(request, item_id)
    author = moderation.author_of(item)
    if author is None or not permissions.can_suspend(request.user, author):
        raise PermissionDenied
    form = SuspendForm(request.POST, prefix=f"suspend-{item.pk}")
    if form.is_valid():
        try:
            moderation.suspend_user(
                actor=request.user,
                user=author,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(name)s is suspended. Decide on the post itself as well.")
                % {"name": author.get_username()},
            )
            return redirect(_queue_url(request))
    return _queue_page(request, suspend_forms={item.pk: form}, status=400)


@login_required
@require_POST
def suspension_lift(request, suspension_id):
    suspension = get_object_or_404(
        Suspension.objects.select_related("user"), pk=suspension_id
    )
    moderation.suspension_lift(
        actor=request.user, suspension=suspension, reason=request.POST.get("note", "")
    )
    messages.success(
        request,
        _("%(name)s can write again.") % {"name": suspension.user.get_username()},
    )
    return redirect(_queue_url(request))
