"""Small files for the demo content, generated so that no binary sits in the repo."""

import io

from PIL import Image, ImageDraw


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A valid PDF with one page per list of lines, in Helvetica.

    Written by hand because no PDF writer is a dependency; pypdf reads the text
    back (the search app indexes it). Latin script only: no font is embedded.
    """
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    page_ids = []
    for lines in pages:
        commands = ["BT", "/F1 14 Tf", "18 TL", "56 780 Td"]
        for line in lines:
            commands.append(f"({_pdf_escape(line)}) Tj T*")
        commands.append("ET")
        stream = "\n".join(commands).encode("latin-1")
        content = add(
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        )
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_obj, font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    kids = b" ".join(b"%d 0 R" % page_id for page_id in page_ids)
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        kids,
        len(page_ids),
    )

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, xref)
    )
    return out.getvalue()


def make_banner(width: int = 1200, height: int = 630) -> bytes:
    """A plain banner image in the site's colours."""
    image = Image.new("RGB", (width, height), (0, 68, 87))
    draw = ImageDraw.Draw(image)
    for step in range(0, width, 60):
        draw.line([(step, height), (step + height, 0)], fill=(0, 96, 122), width=18)
    draw.rectangle([(0, height - 40), (width, height)], fill=(242, 183, 5))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make_room_picture(width: int = 1000, height: int = 600) -> bytes:
    """A drawing of the seminar room: a screen with a chart above rows of
    seats, so that the materials do not repeat the page's banner."""
    image = Image.new("RGB", (width, height), (236, 240, 243))
    draw = ImageDraw.Draw(image)
    draw.rectangle([(0, height * 0.62), (width, height)], fill=(206, 214, 220))
    screen = (width * 0.22, height * 0.08, width * 0.78, height * 0.48)
    draw.rectangle(screen, fill=(255, 255, 255), outline=(0, 68, 87), width=8)
    left, top, right, bottom = screen
    bars = (0.35, 0.6, 0.45, 0.8, 0.7)
    slot = (right - left - 80) / len(bars)
    for index, share in enumerate(bars):
        x = left + 40 + index * slot
        draw.rectangle(
            [
                (x + 10, bottom - 30 - share * (bottom - top - 70)),
                (x + slot - 10, bottom - 30),
            ],
            fill=(0, 96, 122) if index % 2 else (242, 183, 5),
        )
    for row in range(3):
        y = height * 0.62 + 40 + row * 70
        for seat in range(10):
            x = 60 + seat * (width - 120) / 9
            draw.ellipse([(x - 22, y - 22), (x + 22, y + 22)], fill=(0, 68, 87))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
