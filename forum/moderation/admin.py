"""The "Moderation" menu of the Wagtail admin: the audit log and the suspensions.

Both are records of what happened, so they are read-only for everyone, even
superusers: the permission policy grants "view" to staff and moderators and
nothing else, so Wagtail offers no add, edit or delete button and its views
answer such requests with "permission denied". Entries are written only by the
services that act (forum/core/audit.py); suspensions are made and lifted from the
forum's review queue, where each change is itself audited.

forum/wagtail_hooks.py imports this module, which registers the menu.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from forum import permissions
from forum.models import AuditEntry, Suspension

# What the log's action column means, for the filter; an unknown action (a
# service added later) still shows and filters under its own name.
ACTION_LABELS = {
    "approve": _("approved"),
    "hide": _("hidden by a moderator"),
    "delete": _("deleted by a moderator"),
    "auto_hide": _("hidden by flags"),
    "suspend": _("suspended"),
    "suspension_lift": _("suspension lifted"),
    "trust_level": _("trust level changed"),
}


class ViewOnlyPolicy(BasePermissionPolicy):
    """Staff and moderators may look; nobody may add, change or delete."""

    def user_has_permission(self, user, action):
        return action == "view" and permissions.is_global_moderator(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and permissions.is_global_moderator(user)

    def users_with_any_permission(self, actions):
        User = get_user_model()
        if "view" not in actions:
            return User.objects.none()
        return (
            User.objects.filter(is_active=True)
            .filter(Q(is_staff=True) | Q(groups__name=permissions.MODERATORS_GROUP))
            .distinct()
        )

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.none()


register_permission_policy(AuditEntry, ViewOnlyPolicy(AuditEntry))
register_permission_policy(Suspension, ViewOnlyPolicy(Suspension))


def _action_choices():
    used = (
        AuditEntry.objects.order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
    return [(action, ACTION_LABELS.get(action, action)) for action in used]


class AuditEntryFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=_action_choices, empty_label=_("All")
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("When"), widget=DateRangePickerWidget
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "created_at"]


class SelectRelatedIndexView(IndexView):
    """A listing that fetches the people it names with its rows: one query."""

    related: list[str] = []

    def get_base_queryset(self):
        return super().get_base_queryset().select_related(*self.related)


class ReadOnlyViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    # Wagtail builds its create and edit views whatever the policy says; they
    # need a form, which the policy never lets anyone open.
    form_fields = ["reason"]


class AuditEntryViewSet(ReadOnlyViewSet):
    model = AuditEntry
    name = "audit_log"
    icon = "history"
    menu_label = _("Audit log")
    filterset_class = AuditEntryFilterSet
    list_display = [
        DateColumn("created_at", label=_("When"), sort_key="created_at"),
        Column("actor", label=_("Who")),
        Column("action", label=_("Action"), sort_key="action"),
        Column("target_label", label=_("Target")),
        Column("reason", label=_("Why")),
    ]
    search_fields = ["actor__username", "action", "target_label", "reason"]
    ordering = ["-created_at", "-pk"]
    inspect_view_fields = [
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "reason",
        "data",
    ]

    index_view_class = type(
        "AuditEntryIndexView", (SelectRelatedIndexView,), {"related": ["actor"]}
    )


class SuspensionViewSet(ReadOnlyViewSet):
    model = Suspension
    icon = "warning"
    menu_label = _("Suspensions")
    list_display = [
        Column("user", label=_("Member")),
        DateColumn("starts_at", label=_("From"), sort_key="starts_at"),
        DateColumn("ends_at", label=_("Until"), sort_key="ends_at"),
        Column("lifted_at", label=_("Lifted")),
        Column("reason", label=_("Reason")),
        Column("created_by", label=_("By")),
    ]
    list_filter = ["ends_at"]
    search_fields = ["user__username", "reason"]
    ordering = ["-starts_at", "-pk"]

    index_view_class = type(
        "SuspensionIndexView",
        (SelectRelatedIndexView,),
        {"related": ["user", "created_by", "lifted_by"]},
    )


class ModerationViewSetGroup(ModelViewSetGroup):
    items = (AuditEntryViewSet, SuspensionViewSet)
    menu_icon = "warning"
    menu_label = _("Moderation")
    menu_name = "moderation"


@hooks.register("register_admin_viewset")
def register_moderation_viewsets():
    return ModerationViewSetGroup()
