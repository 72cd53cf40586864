"""The notifications page, watching levels, e-mail preferences, unsubscribing.

A member only ever reaches their own notifications: any other id answers 404,
so nothing says whether it exists. Actions answer htmx with the fragment they
changed and plain form posts with a redirect, so all of it works without
JavaScript.

The one-click unsubscribe link every forum e-mail carries works without a
login: the signed token in it is the authority. Mail clients POST to it on
their own (RFC 8058), without a CSRF token, so its POST is exempt; a GET only
shows what the button will stop.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

import pagecache
from forum import permissions
from forum.core.web import is_htmx
from forum.discussions import selectors
from forum.models import Notification
from forum.notifications import mail as emails
from forum.notifications import selectors as notification_selectors
from forum.notifications import services as notifications
from forum.notifications import texts as notification_texts
from forum.notifications.forms import PreferencesForm

FILTERS = ("all", "unread")


def _own_notification(request, notification_id: int) -> Notification:
    return get_object_or_404(
        Notification.objects.select_related(
            "user", "actor__profile", "topic", "post", "comment"
        ),
        pk=notification_id,
        user=request.user,
    )


def _back(request, default: str) -> str:
    """The page the form came from (its `next` field), if it is on this site.

    Only a path: `redirect()` takes a word without a slash ("0") for a view
    name and fails with a 500 when there is no such view.
    """
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_safe
def notification_list(request):
    if request.GET.get("panel"):
        return _bell_panel(request)
    current = request.GET.get("filter", "all")
    if current not in FILTERS:
        current = "all"
    page = notification_selectors.notifications_page(
        user=request.user,
        unread_only=current == "unread",
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "forum/notifications.html",
        {
            "page": page,
            "filter": current,
            "filters": FILTERS,
            "extra_query": f"filter={current}" if current != "all" else "",
        },
    )


# What the bell's dropdown shows; the list page has the rest.
PANEL_SIZE = 8


def _bell_panel(request):
    """The bell's dropdown (static/js/bell.js fetches it): the newest
    notifications, and links to the list and to mark all read."""
    page = notification_selectors.notifications_page(
        user=request.user, page_number=1, per_page=PANEL_SIZE
    )
    response = render(request, "forum/_notification_panel.html", {"page": page})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def notification_open(request, notification_id: int):
    """Mark the notification read and go to what it is about."""
    notification = _own_notification(request, notification_id)
    notifications.notification_mark_read(actor=request.user, notification=notification)
    return redirect(notification_texts.target_url(notification))


@pagecache.keeps_public_pages
@login_required
@require_POST
def notification_read(request, notification_id: int):
    notification = _own_notification(request, notification_id)
    notifications.notification_mark_read(actor=request.user, notification=notification)
    if is_htmx(request):
        return render(
            request,
            "forum/_notification_item.html",
            {"notification": notification, "just_read": True},
        )
    return redirect(_back(request, reverse("forum:notifications")))


@pagecache.keeps_public_pages
@login_required
@require_POST
def notifications_read_all(request):
    marked = notifications.notifications_mark_all_read(actor=request.user)
    if marked:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(_back(request, reverse("forum:notifications")))


# Watching -----------------------------------------------------------------------


def _watch_save(request, set_level, **target):
    """Set the posted level on the topic or category in `target` (its one
    keyword) and answer htmx with the control's status, a form post with a
    redirect back to it."""
    [(kind, watched)] = target.items()
    error = None
    try:
        set_level(actor=request.user, level=request.POST.get("level"), **target)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if is_htmx(request):
        # The status under the control, and its explanation out of band: the
        # select keeps the member's choice and focus stays where it was. htmx
        # swaps no 4xx answer, so an error comes back as a 200 fragment too.
        return render(
            request,
            "forum/_watch_status.html",
            {f"watch_{kind}": watched, "watch_error": error},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Your notification level was saved."))
    return redirect(watched.get_absolute_url())


@pagecache.keeps_public_pages
@login_required
@require_POST
def topic_watch(request, topic_id: int):
    topic = selectors.topic_for_reader(request.user, topic_id)
    return _watch_save(request, notifications.topic_watch_set, topic=topic)


@pagecache.keeps_public_pages
@login_required
@require_POST
def category_watch(request, category_slug: str):
    category = selectors.category_by_slug(request.user, category_slug)
    return _watch_save(request, notifications.category_watch_set, category=category)


@pagecache.keeps_public_pages
@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    status = 200
    can_save = permissions.can_edit_profile(request.user, request.user)
    if request.method == "POST":
        if not can_save:
            raise PermissionDenied
        form = PreferencesForm(request.POST)
        if form.is_valid():
            emails.preferences_update(
                actor=request.user, user=request.user, **form.cleaned_data
            )
            messages.success(request, _("Your e-mail preferences were saved."))
            return redirect("forum:preferences")
        status = 400
    else:
        form = PreferencesForm(initial=PreferencesForm.initial_for(request.user))
    return render(
        request,
        "forum/preferences.html",
        {"form": form, "email": request.user.email, "can_save": can_save},
        status=status,
    )


def _invalid(request):
    return render(request, "forum/unsubscribe_invalid.html", status=400)


@pagecache.keeps_public_pages
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user, what = emails.unsubscribe_target(token)
    except emails.InvalidUnsubscribeToken:
        return _invalid(request)
    context = {"token": token, "what": what, "email": user.email}
    if request.method == "GET":
        return render(request, "forum/unsubscribe.html", context)
    context["previous"] = emails.subscription_stop(user=user, what=what)
    return render(request, "forum/unsubscribe_done.html", context)


@pagecache.keeps_public_pages
@require_POST
def unsubscribe_undo(request, token):
    """The confirmation page's "undo" button (a browser form, so CSRF applies)."""
    try:
        user, what = emails.unsubscribe_target(token)
    except emails.InvalidUnsubscribeToken:
        return _invalid(request)
    emails.subscription_restore(
        user=user, what=what, previous=request.POST.get("previous", "")
    )
    return render(
        request,
        "forum/unsubscribe_done.html",
        {"token": token, "what": what, "email": user.email, "restored": True},
    )
