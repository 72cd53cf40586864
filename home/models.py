"""CMS pages and snippets that editors manage in the Wagtail admin.

The tree, per locale: HomePage → SeminarIndexPage → SeminarPage, and
HomePage → NewsIndexPage → NewsPage. Every page exists once per language
(kk, ru, en) as a Wagtail translation; wagtail-localize keeps them in step.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from forum.discussions import selectors as forum_selectors
from forum.members import display
from forum.permissions import can_flag_comment

from . import selectors
from .blocks import AgendaBlock, BodyBlock, MaterialsBlock, OrganisersBlock
from .calendar import calendar_response
from .permissions import can_comment, can_like_comment

NEWS_PER_PAGE = 10
# Seminars and their index serve themselves as iCalendar at <page URL>calendar.ics.
# Wagtail hands routable pages their path with a slash added, hence the route's.
CALENDAR_FILE = "calendar.ics"
CALENDAR_ROUTE = CALENDAR_FILE + "/"
HOME_TOPICS = 5
HOME_PRACTICES = 3


@register_snippet
class Speaker(TranslatableMixin, models.Model):
    """A person who speaks at a seminar; translated like pages are."""

    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("role"), max_length=255, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("organisation"),
        FieldPanel("photo"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def initials(self) -> str:
        return display.initials(self.name)


def comments_context(page, request, context):
    """What the comments section of a news article or a seminar needs."""
    user = request.user
    threads = selectors.comment_tree(page=page, user=user)
    for comment in (c for thread in threads for c in (thread.comment, *thread.replies)):
        comment.can_like = can_like_comment(user, comment)
        comment.can_flag = can_flag_comment(user, comment)
    context["comments"] = threads
    context["mentions"] = selectors.comment_mentions(threads)
    context["comment_count"] = sum(1 + len(thread.replies) for thread in threads)
    context["can_comment"] = can_comment(user, page)
    return context


class HomePage(Page):
    """The front page: what the forum is for, featured seminars and the latest news."""

    introduction = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("body"),
        InlinePanel("featured_seminars", label=_("Featured seminars"), max_num=4),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        chosen = [item.seminar_id for item in self.featured_seminars.all()]
        seminars = selectors.with_comment_counts(
            SeminarPage.objects.live().filter(pk__in=chosen)
        ).in_bulk()
        context["featured_seminars"] = [seminars[pk] for pk in chosen if pk in seminars]
        context["latest_news"] = selectors.with_comment_counts(
            NewsPage.objects.live().public().filter(locale_id=self.locale_id)
        ).order_by("-date", "-pk")[:3]
        topics = forum_selectors.topic_list(
            user=request.user, per_page=HOME_TOPICS
        ).page.object_list
        forum_selectors.topic_row_details(topics)
        context["latest_topics"] = topics
        context["latest_practices"] = (
            PracticePage.objects.live()
            .public()
            .filter(locale_id=self.locale_id)
            .prefetch_related("tags")
            .order_by("-first_published_at", "-pk")[:HOME_PRACTICES]
        )
        return context

    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.SeminarIndexPage",
        "home.NewsIndexPage",
        "home.PracticeIndexPage",
    ]

    class Meta:
        verbose_name = _("home page")


class HomePageFeaturedSeminar(Orderable):
    page = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="featured_seminars"
    )
    seminar = models.ForeignKey(
        "home.SeminarPage",
        verbose_name=_("seminar"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("seminar")]


class SeminarIndexPage(RoutablePageMixin, Page):
    """Lists the seminars, upcoming first, then past ones; every seminar as a
    calendar feed at calendar.ics."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    search_fields = Page.search_fields + [index.SearchField("introduction")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        seminars = selectors.with_comment_counts(
            SeminarPage.objects.child_of(self).live().public()
        )
        today = timezone.localdate()
        context["upcoming_seminars"] = seminars.filter(end_date__gte=today).order_by(
            "start_date"
        )
        context["past_seminars"] = seminars.filter(end_date__lt=today).order_by(
            "-start_date"
        )
        context["calendar_url"] = self.url + CALENDAR_FILE
        return context

    @path(CALENDAR_ROUTE, name="calendar")
    @method_decorator(require_safe)
    def calendar(self, request):
        """Every published seminar under this index, as a feed calendars
        subscribe to."""
        seminars = (
            SeminarPage.objects.child_of(self).live().public().order_by("start_date")
        )
        name = f"{settings.WAGTAIL_SITE_NAME} · {self.title}"
        return calendar_response(request, seminars, name=name, filename=self.slug)

    max_count_per_parent = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.SeminarPage"]

    class Meta:
        verbose_name = _("seminar index page")


class SeminarPage(RoutablePageMixin, Page):
    """A seminar: when and where, who organised and spoke, the agenda, materials.

    Also at calendar.ics as an iCalendar file; members say "I'm interested"
    through home.views.seminar_interest."""

    @property
    def takes_comments(self) -> bool:
        """Members comment under it (home/permissions.py, django-comments-xtd)
        unless it has a follow-up forum category, where the discussion goes
        instead (docs/seminars.md)."""
        return self.follow_up_category_id is None

    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(_("venue"), max_length=255)
    city = models.CharField(_("city"), max_length=100, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    organisers = StreamField(
        OrganisersBlock(), verbose_name=_("organisers"), blank=True
    )
    description = StreamField(BodyBlock(), verbose_name=_("description"), blank=True)
    agenda = StreamField(AgendaBlock(), verbose_name=_("agenda"), blank=True)
    materials = StreamField(MaterialsBlock(), verbose_name=_("materials"), blank=True)
    outcomes = StreamField(BodyBlock(), verbose_name=_("outcomes"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    follow_up_category = models.ForeignKey(
        "forum.Category",
        verbose_name=_("follow-up forum category"),
        help_text=_(
            "Where members discuss the seminar afterwards. The page lists its "
            "topics and offers to start one; page comments are then turned off, "
            "so that the discussion has one place."
        ),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    open_discussion = models.BooleanField(
        _("open a forum category for its discussion"),
        default=False,
        help_text=_(
            "When the seminar is saved without a follow-up category, one is "
            "created, named after the seminar in every language, with a pinned "
            "topic for questions after the seminar."
        ),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldRowPanel([FieldPanel("venue"), FieldPanel("city")]),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("summary"),
        FieldPanel("image"),
        MultiFieldPanel(
            [FieldPanel("follow_up_category"), FieldPanel("open_discussion")],
            heading=_("Discussion in the forum"),
        ),
        FieldPanel("organisers"),
        InlinePanel("seminar_speakers", label=_("Speakers")),
        FieldPanel("description"),
        FieldPanel("agenda"),
        FieldPanel("materials"),
        FieldPanel("outcomes"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("venue"),
        index.SearchField("description"),
        index.SearchField("agenda"),
        index.SearchField("outcomes"),
        index.FilterField("start_date"),
        index.FilterField("end_date"),
    ]

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The seminar cannot end before it starts.")}
            )

    @property
    def speakers(self) -> list[Speaker]:
        return [item.speaker for item in self.seminar_speakers.all()]

    def with_content_json(self, content):
        """The page as a revision has it. A category the seminar opened when
        it was published (home/seminar_forum.py) is set on the pages' rows,
        not in the revisions saved before: publishing one of those keeps it."""
        page = super().with_content_json(content)
        if page.open_discussion and page.follow_up_category_id is None:
            page.follow_up_category_id = self.follow_up_category_id
        return page

    @property
    def is_upcoming(self) -> bool:
        """Upcoming until its last day is over, in the site's time zone."""
        return self.end_date >= timezone.localdate()

    @property
    def document_ids(self) -> list[int]:
        """The files it offers as materials, in order."""
        return list(selectors.materials(self))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["calendar_url"] = self.url + CALENDAR_FILE
        context["original_documents"] = selectors.original_documents(self)
        context["interest"] = selectors.interest_of(request.user, self)
        follow_up = selectors.follow_up(request.user, self)
        context["follow_up"] = follow_up
        # Practices about this seminar in this language, whichever version
        # of the seminar their page names.
        context["practices"] = (
            PracticePage.objects.live()
            .public()
            .filter(seminar__translation_key=self.translation_key, locale=self.locale)
            .order_by("-first_published_at", "-pk")
        )
        # Each material with its discussion: (block, topic or None, start URL).
        context["material_items"] = [
            (
                block,
                *follow_up.materials.get(selectors.block_document_id(block), ("", "")),
            )
            for block in self.materials
        ]
        if not self.takes_comments:
            return context
        return comments_context(self, request, context)

    @path(CALENDAR_ROUTE, name="calendar")
    @method_decorator(require_safe)
    def calendar(self, request):
        """This seminar as an .ics file."""
        return calendar_response(request, [self], name=self.title, filename=self.slug)

    parent_page_types = ["home.SeminarIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")


class SeminarPageSpeaker(Orderable):
    page = ParentalKey(
        SeminarPage, on_delete=models.CASCADE, related_name="seminar_speakers"
    )
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("speaker"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("speaker")]


class NewsIndexPage(Page):
    """The news list, newest first, ten to a page."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    search_fields = Page.search_fields + [index.SearchField("introduction")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = selectors.with_comment_counts(
            NewsPage.objects.child_of(self)
            .live()
            .public()
            .order_by("-date", "-pk")
            .prefetch_related("tags")
        )
        tag = request.GET.get("tag")
        if tag:
            news = news.filter(tags__slug=tag)
        context["tag"] = tag
        context["news_page"] = Paginator(news, NEWS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return context

    max_count_per_parent = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]

    class Meta:
        verbose_name = _("news index page")


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "home.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsPage(Page):
    """A news article. News goes through the moderation workflow before publishing."""

    # Members comment under it (home/permissions.py, django-comments-xtd).
    takes_comments = True

    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(_("summary"), max_length=500)
    body = StreamField(BodyBlock(), verbose_name=_("body"))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return comments_context(self, request, context)

    parent_page_types = ["home.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news")


# The practices library -----------------------------------------------------------


class PracticeIndexPage(Page):
    """The practices library: what worked, curated from solved forum topics,
    newest first; filtered by tag and by seminar."""

    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return context | selectors.practice_library(self, request)

    max_count_per_parent = 1
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.PracticePage"]

    class Meta:
        verbose_name = _("practices library")


class PracticePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "home.PracticePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class PracticePage(Page):
    """One practice: the problem, its context, what worked and the accepted
    answer it comes from, crediting the members who wrote them and linking
    the forum thread. Proposed from a solved topic (home/practices.py) and
    published through the "Practice review" workflow."""

    problem = RichTextField(_("problem"))
    background = RichTextField(_("context"), blank=True)
    what_worked = RichTextField(_("what worked"), blank=True)
    answer = RichTextField(_("the accepted answer"), blank=True)
    source_topic = models.ForeignKey(
        "forum.Topic",
        verbose_name=_("forum topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    seminar = models.ForeignKey(
        "home.SeminarPage",
        verbose_name=_("related seminar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    material = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("related material"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=PracticePageTag, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("problem"),
        FieldPanel("background"),
        FieldPanel("what_worked"),
        FieldPanel("answer"),
        InlinePanel("authors", label=_("Credited members")),
        MultiFieldPanel(
            [
                FieldPanel("source_topic", read_only=True),
                FieldPanel("seminar"),
                FieldPanel("material"),
            ],
            heading=_("Where it comes from"),
        ),
        FieldPanel("tags"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("problem"),
        index.SearchField("what_worked"),
    ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["credits"] = selectors.practice_credits(self)
        return context

    parent_page_types = ["home.PracticeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")


class PracticeAuthor(Orderable):
    """A member credited on a practice: who asked, who answered."""

    class Role(models.TextChoices):
        QUESTION = "question", _("asked the question")
        ANSWER = "answer", _("wrote the accepted answer")

    page = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="authors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role)

    panels = [FieldPanel("user"), FieldPanel("role")]


# The page types members comment on: those that say `takes_comments`, which is
# how home.permissions asks without importing the models.
COMMENTABLE = (NewsPage, SeminarPage)


class SeminarInterest(models.Model):
    """A member's "I'm interested" in a seminar, whichever language they said
    it in: the seminar's translations share `seminar_key`, their translation
    key. They hear when its dates change or new materials are published."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="seminar_interests",
    )
    seminar_key = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "seminar_key"], name="seminar_interest_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id} in {self.seminar_key}"


class SeminarState(models.Model):
    """What interested members last heard of a seminar (any of its
    translations): its dates and the files it offers. A publish that changes
    them notifies the members (home/services.py, seminar_published)."""

    seminar_key = models.UUIDField(unique=True)
    start_date = models.DateField()
    end_date = models.DateField()
    documents = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.seminar_key}: {self.start_date}–{self.end_date}"
