"""Attachments: the server decides what a file is, and refuses what it cannot vouch for.

Images are recognised by Pillow and re-encoded; PDF, Office and text files by
their bytes and suffix; everything else (executables, HTML, SVG) is refused.
Limits: 10 MB for any file, 5 MB for an image.
"""

import io
import re
import struct
import zlib
from pathlib import PurePosixPath

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image, PngImagePlugin

from forum.core.markdown import render
from forum.discussions.uploads import markdown_for, upload_create
from forum.models import Upload

MB = 1024 * 1024
REFUSED = "This kind of file cannot be attached"


@pytest.fixture
def uploader(make_user):
    return make_user("upload_saltanat")


def image_bytes(fmt="PNG", size=(40, 30), colour=(0, 96, 122), **save_options):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt, **save_options)
    return out.getvalue()


def stored_bytes(upload: Upload) -> bytes:
    with upload.file.open("rb") as stored:
        return stored.read()


def refused(actor, name, data, content_type="application/octet-stream") -> str:
    """Upload the file, expect a ValidationError, and return its message."""
    before = Upload.objects.count()
    with pytest.raises(ValidationError) as error:
        upload_create(actor=actor, file=SimpleUploadedFile(name, data, content_type))
    assert Upload.objects.count() == before
    return " ".join(error.value.messages)


# What is accepted.


def test_png_is_accepted_and_re_encoded_without_hidden_payloads(uploader):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-metadata")
    data = image_bytes("PNG", pnginfo=info) + b"<script>alert(1)</script>"

    upload = upload_create(
        actor=uploader, file=SimpleUploadedFile("chart.png", data, "image/png")
    )

    assert upload.is_image
    assert upload.content_type == "image/png"
    assert upload.original_name == "chart.png"
    assert upload.user == uploader
    saved = stored_bytes(upload)
    assert saved != data
    assert b"<script>" not in saved
    assert b"secret-metadata" not in saved
    assert upload.size == len(saved)
    with Image.open(io.BytesIO(saved)) as image:
        assert image.format == "PNG"
        assert image.size == (40, 30)


def test_jpeg_is_accepted_and_named_by_its_real_type(uploader):
    data = image_bytes("JPEG", quality=90)
    upload = upload_create(
        actor=uploader, file=SimpleUploadedFile("photo.jpeg", data, "image/jpeg")
    )
    assert upload.is_image
    assert upload.content_type == "image/jpeg"
    assert upload.original_name == "photo.jpg"
    with Image.open(upload.file.open("rb")) as image:
        assert image.format == "JPEG"


def test_image_with_a_misleading_name_is_stored_under_its_real_type(uploader):
    upload = upload_create(
        actor=uploader,
        file=SimpleUploadedFile("invoice.pdf", image_bytes("PNG"), "application/pdf"),
    )
    assert upload.is_image
    assert upload.original_name == "invoice.png"
    assert upload.file.name.endswith("/invoice.png")


def test_large_image_is_scaled_down_to_2000_pixels(uploader):
    data = image_bytes("PNG", size=(3000, 60))
    upload = upload_create(
        actor=uploader, file=SimpleUploadedFile("wide.png", data, "image/png")
    )
    with Image.open(upload.file.open("rb")) as image:
        assert max(image.size) == 2000


def test_pdf_is_accepted(uploader):
    data = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
    upload = upload_create(
        actor=uploader, file=SimpleUploadedFile("report.pdf", data, "application/pdf")
    )
    assert not upload.is_image
    assert upload.content_type == "application/pdf"
    assert upload.original_name == "report.pdf"
    assert stored_bytes(upload) == data


def test_utf8_text_file_is_accepted(uploader):
    data = "Брифинг сағат 10:00-де.\nBriefing at 10:00.\n".encode()
    upload = upload_create(
        actor=uploader, file=SimpleUploadedFile("notes.txt", data, "text/plain")
    )
    assert not upload.is_image
    assert upload.content_type == "text/plain"
    assert stored_bytes(upload) == data


def test_path_in_the_file_name_is_ignored(uploader):
    upload = upload_create(
        actor=uploader,
        file=SimpleUploadedFile("../../etc/notes.txt", b"plain words", "text/plain"),
    )
    assert upload.original_name == "notes.txt"
    path = PurePosixPath(upload.file.name)
    assert path.parts[:2] == ("forum", "uploads")
    assert ".." not in path.parts


# What is refused.


def test_text_file_named_png_is_refused_with_a_clear_message(uploader):
    message = refused(uploader, "cat.png", b"just some text, no picture", "image/png")
    assert REFUSED in message
    assert "PNG" in message and "PDF" in message


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        pytest.param(
            "setup.exe",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
            "application/x-msdownload",
            id="exe",
        ),
        pytest.param(
            "page.html",
            b"<!doctype html><script>alert(document.cookie)</script>",
            "text/html",
            id="html",
        ),
        pytest.param(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
            b"<script>alert(1)</script><rect width='10' height='10'/></svg>",
            "image/svg+xml",
            id="svg",
        ),
        pytest.param(
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/png",
            id="svg-named-png",
        ),
        pytest.param(
            "report.pdf",
            b"<html><body>not a pdf</body></html>",
            "application/pdf",
            id="html-named-pdf",
        ),
        pytest.param(
            "minutes.docx", b"PK\x03\x04not really a zip", "application/zip", id="docx"
        ),
        pytest.param(
            "notes.txt",
            "Брифинг".encode("cp1251"),
            "text/plain",
            id="txt-not-utf8",
        ),
        pytest.param("archive.zip", b"PK\x05\x06" + b"\x00" * 18, "", id="zip"),
    ],
)
def test_dangerous_or_unknown_files_are_refused(uploader, name, data, content_type):
    assert REFUSED in refused(uploader, name, data, content_type)


def test_file_over_10_mb_is_refused(uploader):
    message = refused(uploader, "big.txt", b"a" * (10 * MB + 1), "text/plain")
    assert "10 MB" in message


def test_image_over_5_mb_is_refused(uploader):
    # Uncompressed, 1400 × 1400 RGB pixels make a PNG of about 5.6 MB.
    data = image_bytes("PNG", size=(1400, 1400), compress_level=0)
    assert 5 * MB < len(data) <= 10 * MB
    assert "5 MB" in refused(uploader, "photo.png", data, "image/png")


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width` × `height` pixels but carries no picture data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused_as_a_validation_error(uploader):
    """A tiny file claiming 20000 × 20000 pixels is refused, not a server error."""
    data = _png_header_only(20_000, 20_000)
    assert len(data) < 100
    assert refused(uploader, "bomb.png", data, "image/png")


def test_visitor_cannot_upload(db):
    with pytest.raises(PermissionDenied):
        upload_create(
            actor=AnonymousUser(),
            file=SimpleUploadedFile("chart.png", image_bytes(), "image/png"),
        )


def test_deactivated_member_cannot_upload(uploader):
    uploader.is_active = False
    with pytest.raises(PermissionDenied):
        upload_create(
            actor=uploader,
            file=SimpleUploadedFile("chart.png", image_bytes(), "image/png"),
        )


# The Markdown the composer inserts.


def test_markdown_for_an_image_is_an_image_tag():
    upload = Upload(
        original_name="chart.png",
        is_image=True,
        file="forum/uploads/2026/01/0123456789abcdef/chart.png",
    )
    assert markdown_for(upload) == (
        "![chart](/media/forum/uploads/2026/01/0123456789abcdef/chart.png)"
    )


def test_markdown_for_a_document_is_a_link_named_after_the_file():
    upload = Upload(
        original_name="report.pdf",
        is_image=False,
        file="forum/uploads/2026/01/0123456789abcdef/report.pdf",
    )
    assert markdown_for(upload) == (
        "[report.pdf](/media/forum/uploads/2026/01/0123456789abcdef/report.pdf)"
    )


def test_markdown_for_drops_brackets_from_the_image_label():
    upload = Upload(
        original_name="a]b[c.png", is_image=True, file="forum/uploads/x/abc.png"
    )
    assert markdown_for(upload) == "![abc](/media/forum/uploads/x/abc.png)"


def test_uploaded_image_with_a_kazakh_name_renders_as_an_image(uploader):
    upload = upload_create(
        actor=uploader,
        file=SimpleUploadedFile("сурет 1.png", image_bytes(), "image/png"),
    )
    html = render(markdown_for(upload), {})
    match = re.fullmatch(r'<p><img src="([^"]+)" alt="([^"]+)"></p>\n', html)
    assert match, html
    assert match.group(1) == upload.file.url
    assert match.group(1).startswith("/media/forum/uploads/")
    assert match.group(2) == PurePosixPath(upload.original_name).stem


# The upload view.


@pytest.fixture
def upload_url():
    with translation.override("en"):
        yield reverse("forum:upload")


def test_member_upload_answers_json_with_markdown(client, uploader, upload_url):
    client.force_login(uploader)
    with translation.override("en"):
        response = client.post(
            upload_url,
            {"upload": SimpleUploadedFile("chart.png", image_bytes(), "image/png")},
        )
    assert response.status_code == 200
    body = response.json()
    assert re.fullmatch(
        r"!\[chart\]\(/media/forum/uploads/\d{4}/\d{2}/[0-9a-f]{16}/chart\.png\)",
        body["markdown"],
    ), body
    assert body["url"] in body["markdown"]
    assert body["name"] == "chart.png"
    assert Upload.objects.get(user=uploader).file.url == body["url"]


def test_member_upload_of_a_bad_file_answers_400_with_an_error(
    client, uploader, upload_url
):
    client.force_login(uploader)
    with translation.override("en"):
        response = client.post(
            upload_url,
            {"upload": SimpleUploadedFile("cat.png", b"no picture here", "image/png")},
        )
    assert response.status_code == 400
    assert REFUSED in response.json()["error"]
    assert not Upload.objects.filter(user=uploader).exists()


def test_member_upload_without_a_file_answers_400_with_an_error(
    client, uploader, upload_url
):
    client.force_login(uploader)
    with translation.override("en"):
        response = client.post(upload_url, {})
    assert response.status_code == 400
    assert response.json()["error"]


def test_visitor_upload_is_sent_to_the_login_page(client, db, upload_url):
    before = Upload.objects.count()
    with translation.override("en"):
        response = client.post(
            upload_url,
            {"upload": SimpleUploadedFile("chart.png", image_bytes(), "image/png")},
        )
        login_url = reverse("account_login")
    assert response.status_code == 302
    assert response.url.startswith(login_url)
    assert Upload.objects.count() == before
