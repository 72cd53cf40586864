"""Images and files attached to posts: limits checked on the server.

The type is decided by the file's content (Pillow for images, magic bytes for
documents), never by the name or the browser's claim; images are re-encoded,
which also drops any payload hidden after the picture data.
"""

import io
import warnings
import zipfile
from pathlib import PurePath

from django.core.exceptions import (
    PermissionDenied,
    SuspiciousFileOperation,
    ValidationError,
)
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from forum import permissions
from forum.models import Upload

IMAGE_MAX_BYTES = 5 * 1024 * 1024
FILE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_MAX_SIDE = 2000
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml"
    ".presentation",
}
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv"}


def _reject(message: str):
    raise ValidationError(message)


def _image(data: bytes) -> tuple[bytes, str, str] | None:
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its pixel limit; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > IMAGE_MAX_PIXELS:
                    _reject(_("This image has too many pixels."))
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _reject(_("This image has too many pixels."))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    if image.format == "MPO":  # phone cameras: a JPEG with extra frames
        image.format = "JPEG"
    if image.format not in IMAGE_FORMATS:
        return None
    if len(data) > IMAGE_MAX_BYTES:
        _reject(_("Images can be at most 5 MB."))
    if max(image.size) > IMAGE_MAX_SIDE:
        image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    fmt = "PNG" if image.format in ("PNG", "GIF") else image.format
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt)
    extension = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}[fmt]
    return out.getvalue(), IMAGE_FORMATS[fmt], extension


def _document(data: bytes, suffix: str) -> str | None:
    if suffix == ".pdf" and data.startswith(b"%PDF-"):
        return "application/pdf"
    if suffix in OFFICE_TYPES and data.startswith(b"PK"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        return OFFICE_TYPES[suffix] if "[Content_Types].xml" in names else None
    if suffix in TEXT_TYPES:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return TEXT_TYPES[suffix]
    return None


# File systems allow 255 bytes per name, not 255 characters: a Cyrillic letter
# takes two bytes in UTF-8, so names are cut by bytes, well under the limit
# (the storage may add a suffix of its own to make a name unique).
NAME_MAX_BYTES = 200
SUFFIX_MAX_CHARS = 10


def _stored_name(name: str) -> str:
    """A safe file name of at most NAME_MAX_BYTES, keeping its extension."""
    try:
        name = get_valid_filename(PurePath(name).name)
    except SuspiciousFileOperation:  # "", "." or ".."
        name = ""
    path = PurePath(name)
    suffix = path.suffix if len(path.suffix) <= SUFFIX_MAX_CHARS else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    room = NAME_MAX_BYTES - len(suffix.encode())
    # Cutting the bytes may split a character: drop its first half.
    stem = stem.encode()[:room].decode(errors="ignore")
    return f"{stem or 'file'}{suffix}"


def upload_create(*, actor, file) -> Upload:
    if not permissions.can_upload(actor):
        raise PermissionDenied
    if file.size > FILE_MAX_BYTES:
        _reject(_("Files can be at most 10 MB."))
    data = file.read()
    name = _stored_name(file.name or "")
    stem, suffix = PurePath(name).stem, PurePath(name).suffix.lower()
    if image := _image(data):
        data, content_type, extension = image
        name, is_image = f"{stem}{extension}", True
    elif content_type := _document(data, suffix):
        is_image = False
    else:
        _reject(
            _(
                "This kind of file cannot be attached. Use an image (PNG, JPEG, "
                "WebP, GIF), PDF, DOCX, XLSX, PPTX, TXT or CSV."
            )
        )
    upload = Upload(
        user=actor,
        original_name=name,
        content_type=content_type,
        size=len(data),
        is_image=is_image,
    )
    upload.file.save(name, ContentFile(data), save=False)
    upload.save()
    return upload


def markdown_for(upload: Upload) -> str:
    label = PurePath(upload.original_name).stem.replace("]", "").replace("[", "")
    if upload.is_image:
        return f"![{label}]({upload.file.url})"
    return f"[{upload.original_name}]({upload.file.url})"
