"""Members' pages: the public profile, editing one's own, and invitations."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from forum import permissions
from forum.members import selectors as profile_selectors
from forum.members import services
from forum.members.accounts import INVITATION_SESSION_KEY, invitation_invalid_response
from forum.members.forms import InvitationForm, ProfileForm
from forum.models import Invitation


@require_safe
def profile(request, username):
    page = profile_selectors.profile_page(viewer=request.user, username=username)
    return render(
        request,
        "forum/profile.html",
        {
            "page": page,
            "member": page.member,
            "can_edit": permissions.can_edit_profile(request.user, page.member),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = profile_selectors.profile_of(request.user)
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            services.profile_update(
                actor=request.user,
                user=request.user,
                display_name=data["display_name"],
                organisation=data["organisation"],
                position=data["position"],
                bio=data["bio"],
                languages=data["languages"],
                avatar=data["avatar"],
                remove_avatar=data["remove_avatar"],
            )
            messages.success(request, _("Your profile was saved."))
            return redirect("forum:profile", request.user.get_username())
        status = 400
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(profile))
    return render(
        request,
        "forum/profile_form.html",
        {"form": form, "profile": profile},
        status=status,
    )


# Not keeps_public_pages: every inviter sees everyone's invitations.
@login_required
@require_http_methods(["GET", "POST"])
def invitations(request):
    if not permissions.can_invite(request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            invitation = services.invitation_create(
                actor=request.user, email=form.cleaned_data["email"]
            )
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("forum:invitations")
        status = 400
    else:
        form = InvitationForm()
    return render(
        request,
        "forum/invitations.html",
        {
            "form": form,
            "invitations": profile_selectors.invitations_for_staff(),
            "valid_days": Invitation.VALID_DAYS,
        },
        status=status,
    )


@require_safe
def invitation_accept(request, token):
    """Remember the invitation for this browser and go on to sign up."""
    invitation = profile_selectors.invitation_by_token(token)
    if invitation is None:
        return invitation_invalid_response(request, None, status=404)
    if not invitation.is_usable:
        return invitation_invalid_response(request, invitation, status=410)
    if permissions.is_member(request.user):
        messages.info(request, _("You are already signed in."))
        return redirect("forum:latest")
    request.session[INVITATION_SESSION_KEY] = invitation.token
    query = urlencode({"email": invitation.email})
    return redirect(f"{reverse('account_signup')}?{query}")
