"""Forms for the composer. Services validate again; these give field-level errors
and, on failure, hand back every character the member typed."""

from django import forms
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forum.core import references
from forum.core.forms import ServiceErrorsMixin
from forum.core.languages import LANGUAGE_CHOICES, LanguageSelect
from forum.core.params import MAX_ID, parse_id
from forum.members.honeypot import HoneypotMixin
from forum.models import Category, Post

MARKDOWN_HELP = _("Markdown: **bold**, _italic_, > quote, - list, [link](https://…).")


class TopicForm(ServiceErrorsMixin, HoneypotMixin, forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    raw = forms.CharField(
        label=_("Your post"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=MARKDOWN_HELP,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Up to five, separated by commas."),
    )
    language = forms.ChoiceField(
        label=_("Language of the topic"),
        choices=LANGUAGE_CHOICES,
        widget=LanguageSelect,
    )
    # What the topic discusses: a seminar chosen here, or set with a material
    # by the seminar page's "Discuss this seminar" and "Discuss this material".
    seminar = forms.CharField(
        label=_("About a seminar"), required=False, widget=forms.Select
    )
    material = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the form is drawn, not when a post is only validated.
        self.fields["seminar"].widget.choices = CallableChoiceIterator(
            lambda: [
                ("", _("No seminar")),
                *references.seminar_choices(get_language()[:2]),
            ]
        )
        self.fields["category"].queryset = Category.objects.readable_by(user).order_by(
            "position", "pk"
        )
        self.fields["category"].label_from_instance = lambda c: (
            f"— {c.name}" if c.parent_id else c.name
        )

    def clean_tags(self):
        return [t for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean(self):
        """`reference`: the seminar (and material) the topic discusses, if
        any; one no longer published is said, not silently dropped."""
        cleaned = super().clean()
        self.reference = None
        if cleaned.get("seminar"):
            key = references.parse_key(cleaned.get("seminar"))
            material = parse_id(cleaned.get("material"))
            found = references.reference_for(key, material, get_language()[:2])
            if found is None or (material and found.material_id != material):
                raise forms.ValidationError(
                    _(
                        "The seminar or material this topic was to discuss is no "
                        "longer published. Start the topic from the seminar's page."
                    )
                )
            self.reference = found
        return cleaned


class PostForm(ServiceErrorsMixin, HoneypotMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    raw = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
    reply_to = forms.ModelChoiceField(
        queryset=Post.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, topic, with_title=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic = topic
        self.fields["reply_to"].queryset = Post.objects.filter(
            topic=topic, deleted_at__isnull=True
        )
        if with_title:
            self.fields["title"].required = True
        else:
            del self.fields["title"]


class DraftForm(forms.Form):
    """What the composer's autosave sends: the fields of the composer it is in.

    Nothing is required, since a draft is unfinished, and the text is cut to
    length by services.draft_save; but an id must be an id and a language one
    of ours, because the draft comes back as the composer's initial values.
    """

    DATA_FIELDS = ("category", "tags", "language", "reply_to")

    topic = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    title = forms.CharField(required=False, strip=False)
    raw = forms.CharField(required=False, strip=False)
    category = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    tags = forms.CharField(required=False, max_length=500)
    language = forms.ChoiceField(required=False, choices=LANGUAGE_CHOICES)
    reply_to = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def draft_data(self) -> dict:
        """The composer's other fields, as Draft.data keeps them."""
        return {
            name: self.cleaned_data[name]
            for name in self.DATA_FIELDS
            if self.cleaned_data[name] not in (None, "")
        }


class TopicStateForm(forms.Form):
    ACTIONS = {
        "pin": ("pinned", True),
        "unpin": ("pinned", False),
        "close": ("closed", True),
        "open": ("closed", False),
        "archive": ("archived", True),
        "unarchive": ("archived", False),
        "unlist": ("listed", False),
        "list": ("listed", True),
    }

    action = forms.ChoiceField(choices=[(key, key) for key in ACTIONS])

    def changes(self) -> dict:
        field, value = self.ACTIONS[self.cleaned_data["action"]]
        return {field: value}
