"""Forum settings for staff in the Wagtail admin: categories and suggested tags,
and the members list where staff set and lock trust levels.

Invitation-only mode and allowed e-mail domains live in Settings → Forum
settings (forum.models.ForumSettings); invitations are sent from the forum's own
invitations page.
"""

from django import forms
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from forum import permissions as forum_permissions
from forum.members import trust as forum_trust
from forum.models import Category, Post, Profile, Tag, UserVisit
from forum.moderation import admin as moderation_admin  # noqa: F401 - registers the Moderation menu


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name_en", "name_kk", "name_ru", "visibility", "parent", "position"]
    list_filter = ["visibility"]
    search_fields = ["name_kk", "name_ru", "name_en", "slug"]
    ordering = ["position", "pk"]
    panels = [
        MultiFieldPanel(
            [FieldPanel("name_kk"), FieldPanel("name_ru"), FieldPanel("name_en")],
            heading=_("Name"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("description_kk"),
                FieldPanel("description_ru"),
                FieldPanel("description_en"),
            ],
            heading=_("Description"),
        ),
        FieldRowPanel(
            [FieldPanel("slug"), FieldPanel("colour"), FieldPanel("position")]
        ),
        # A plain select of the top-level categories, not Wagtail's snippet
        # chooser: the chooser looks a posted value up as an id to show it again
        # and fails with a 500 on one that is not ("parent=abc").
        FieldPanel("parent", widget=forms.Select),
        FieldPanel("visibility"),
        FieldPanel("moderators"),
    ]


class TagViewSet(SnippetViewSet):
    model = Tag
    icon = "tag"
    menu_label = _("Tags")
    list_display = ["name", "is_suggested", "topic_count"]
    list_filter = ["is_suggested"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("is_suggested")]


class ForumViewSetGroup(SnippetViewSetGroup):
    items = (CategoryViewSet, TagViewSet)
    menu_icon = "group"
    menu_label = _("Forum")
    menu_name = "forum"


register_snippet(ForumViewSetGroup)


# Members and their trust levels ---------------------------------------------------


class MemberPermissionPolicy(ModelPermissionPolicy):
    """Staff see members and set their trust level (forum.members.trust.trust_level_set
    checks again); profiles are never added or deleted here."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return forum_permissions.can_lock_trust_level(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Profile, MemberPermissionPolicy(Profile))


class TrustLevelForm(WagtailAdminModelForm):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit log with the change."),
    )

    class Meta:
        model = Profile
        fields = ["trust_level", "trust_level_locked"]


class MemberIndexView(IndexView):
    def get_base_queryset(self):
        """Each row's visits and posts as subqueries: one query per page."""
        visits = (
            UserVisit.objects.filter(user=OuterRef("user"))
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        posts = (
            Post.objects.filter(author=OuterRef("user"), deleted_at__isnull=True)
            .order_by()
            .values("author")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_base_queryset()
            .select_related("user")
            .annotate(
                visit_count=Coalesce(Subquery(visits), 0),
                forum_post_count=Coalesce(Subquery(posts), 0),
            )
        )


class MemberEditView(EditView):
    def save_instance(self):
        """Through the service, so the change is checked and audited."""
        data = self.form.cleaned_data
        return forum_trust.trust_level_set(
            actor=self.request.user,
            user=self.object.user,
            level=int(data["trust_level"]),
            lock=data["trust_level_locked"],
            reason=data["reason"],
        )


class MemberViewSet(ModelViewSet):
    model = Profile
    name = "forum-members"
    icon = "user"
    menu_label = _("Forum members")
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = MemberIndexView
    edit_view_class = MemberEditView
    list_display = [
        "user",
        "display_name",
        "organisation",
        "trust_level",
        BooleanColumn("trust_level_locked", label=_("Level locked")),
        Column("visit_count", label=_("Days visited"), sort_key="visit_count"),
        Column("forum_post_count", label=_("Posts"), sort_key="forum_post_count"),
    ]
    list_filter = ["trust_level", "trust_level_locked"]
    search_fields = ["user__username", "user__email", "display_name", "organisation"]
    ordering = ["user__username"]
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldPanel("trust_level"),
            FieldPanel("trust_level_locked"),
            FieldPanel("reason"),
        ],
        base_form_class=TrustLevelForm,
    )


@hooks.register("register_admin_viewset")
def register_member_viewset():
    return MemberViewSet()
