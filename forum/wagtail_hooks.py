"""Forum settings for staff in the Wagtail admin: categories and suggested tags.

Invitation-only mode and allowed e-mail domains live in Settings → Forum
settings (forum.models.ForumSettings); invitations are sent from the forum's own
invitations page.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Category, Tag


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
        FieldPanel("parent"),
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
