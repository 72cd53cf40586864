"""Forms for profiles and invitations.

The avatar is checked by what the file is, not by what it is called: Pillow
must recognise it as JPEG, PNG or WebP. It is then re-encoded as a 256×256 PNG,
so nothing the member uploaded is ever served as it came.
"""

import io

from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from forum.core.languages import LANGUAGE_CHOICES, LanguageCheckboxes
from forum.models import Profile

AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_SIZE = 256
AVATAR_FORMATS = ("JPEG", "PNG", "WEBP")
# Far above any photo a phone takes, far below what would exhaust memory.
AVATAR_MAX_PIXELS = 50_000_000


def avatar_png(upload) -> ContentFile:
    """The upload as a square PNG of AVATAR_SIZE, or a ValidationError."""
    if upload.size > AVATAR_MAX_BYTES:
        raise ValidationError(
            _("The picture is larger than 5 MB. Choose a smaller one."),
            code="avatar_too_large",
        )
    invalid = ValidationError(
        _("Choose a JPEG, PNG or WebP picture."), code="avatar_invalid"
    )
    upload.seek(0)
    try:
        # Only these decoders are tried, whatever the file's name or type says.
        with Image.open(upload, formats=AVATAR_FORMATS) as image:
            if image.width * image.height > AVATAR_MAX_PIXELS:
                raise ValidationError(
                    _("The picture has too many pixels. Choose a smaller one."),
                    code="avatar_too_many_pixels",
                )
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGBA")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as error:
        raise invalid from error
    except (SyntaxError, ValueError) as error:  # raised by some truncated files
        raise invalid from error
    square = ImageOps.fit(
        picture, (AVATAR_SIZE, AVATAR_SIZE), method=Image.Resampling.LANCZOS
    )
    output = io.BytesIO()
    square.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue(), name="avatar.png")


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=100,
        required=False,
        help_text=_("How your name appears on the forum. Your username if empty."),
    )
    organisation = forms.CharField(
        label=_("Government body or organisation"), max_length=200, required=False
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=LanguageCheckboxes,
    )
    avatar = forms.FileField(
        label=_("Picture"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, up to 5 MB. It is cropped to a square "
            "of 256×256 pixels."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_avatar = forms.BooleanField(
        label=_("Remove my picture and show my initials"), required=False
    )

    @classmethod
    def initial_for(cls, profile: Profile | None) -> dict:
        if profile is None:
            return {}
        return {
            "display_name": profile.display_name,
            "organisation": profile.organisation,
            "position": profile.position,
            "bio": profile.bio,
            "languages": profile.languages,
        }

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        return avatar_png(upload) if upload else None


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = (
            get_user_model().objects.filter(email__iexact=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists()
        )
        if taken:
            raise ValidationError(
                _("Someone with this e-mail address already has an account."),
                code="email_taken",
            )
        return email
