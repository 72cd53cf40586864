"""StreamField blocks for seminar and news pages.

Labels are translatable so the admin reads well in Russian and English; templates
for each block live in templates/home/blocks/.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from forum.core.languages import LANGUAGE_CHOICES as SITE_LANGUAGES
from forum.core.languages import LANGUAGE_CODES


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    size = blocks.ChoiceBlock(
        choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")],
        default="h2",
        label=_("Size"),
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "home/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False)
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        help_text=_("Describe the image for people who cannot see it."),
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "home/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "home/blocks/quote.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(label=_("Video URL"))
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "home/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    """A downloadable file: slides, a workbook, a report."""

    KIND_CHOICES = [
        ("slides", _("Slides")),
        ("workbook", _("Workbook")),
        ("report", _("Report")),
        ("other", _("Document")),
    ]

    LANGUAGE_CHOICES = [
        ("", _("Not said")),
        *SITE_LANGUAGES,
        ("multi", _("Several languages")),
    ]

    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Title"), required=False)
    kind = blocks.ChoiceBlock(choices=KIND_CHOICES, default="other", label=_("Kind"))
    description = blocks.TextBlock(label=_("Description"), required=False)
    # The file's own language: a translation of the page may offer a file in
    # its language, or the original's with a notice (docs/seminars.md).
    language = blocks.ChoiceBlock(
        choices=LANGUAGE_CHOICES,
        default="",
        required=False,
        label=_("Language of the file"),
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["kind_label"] = dict(self.KIND_CHOICES).get(value["kind"], "")
        file_language = value.get("language") or ""
        reader = translation.get_language()[:2]
        # A translation that offers a file of its own (wagtail-localize lets
        # a translator override the document; the language marker stays the
        # original's) needs no notice: only a file shared with the original.
        shared = (parent_context or {}).get("original_documents")
        document = value.get("document")
        own_file = (
            shared is not None and document is not None and document.pk not in shared
        )
        if file_language in LANGUAGE_CODES and file_language != reader and not own_file:
            # Named in itself, as the language switcher names it.
            context["file_language"] = file_language
            context["file_language_name"] = dict(self.LANGUAGE_CHOICES)[file_language]
        return context

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "home/blocks/document.html"


class BodyBlock(blocks.StreamBlock):
    """The body of a news article and the free-text parts of a seminar."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
        icon="pilcrow",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    document = DocumentBlock()


class SessionBlock(blocks.StructBlock):
    """One slot of the agenda: a talk, a workshop or a break."""

    start = blocks.TimeBlock(label=_("Starts"), format="%H:%M")
    end = blocks.TimeBlock(label=_("Ends"), format="%H:%M", required=False)
    title = blocks.CharBlock(label=_("Title"), max_length=255)
    description = blocks.TextBlock(label=_("Description"), required=False)
    speakers = blocks.ListBlock(
        SnippetChooserBlock("home.Speaker"), label=_("Speakers"), required=False
    )

    class Meta:
        icon = "time"
        label = _("Session")


class AgendaDayBlock(blocks.StructBlock):
    date = blocks.DateBlock(label=_("Date"))
    sessions = blocks.ListBlock(SessionBlock(), label=_("Sessions"))

    class Meta:
        icon = "date"
        label = _("Day")
        template = "home/blocks/agenda_day.html"


class AgendaBlock(blocks.StreamBlock):
    day = AgendaDayBlock()


class MaterialsBlock(blocks.StreamBlock):
    """What participants take home: files, pictures and recordings."""

    document = DocumentBlock()
    image = ImageBlock()
    video = VideoBlock()


class OrganiserBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Name"), max_length=255)
    url = blocks.URLBlock(label=_("Website"), required=False)

    class Meta:
        icon = "group"
        label = _("Organiser")


class OrganisersBlock(blocks.StreamBlock):
    organiser = OrganiserBlock()
