"""Draw the site's icons (static/img/) from the shapes of static/img/icon.svg.

Browsers that take no SVG icon, home screens and /favicon.ico need bitmaps;
Pillow (a Wagtail dependency) draws them, so nothing renders SVG here. Run
after changing icon.svg, with the same shapes below:

    .venv/bin/python scripts/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "static" / "img"
DARK, WHITE, ACCENT = "#004457", "#ffffff", "#f2b705"
SCALE = 4  # drawn large and scaled down, for smooth edges


def draw(size: int) -> Image.Image:
    big = size * SCALE
    unit = big / 512
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def box(x, y, width, height):
        return [x * unit, y * unit, (x + width) * unit, (y + height) * unit]

    pen.rounded_rectangle(box(0, 0, 512, 512), radius=96 * unit, fill=DARK)
    pen.rounded_rectangle(box(96, 120, 320, 224), radius=56 * unit, fill=WHITE)
    pen.polygon(
        [(160 * unit, 330 * unit), (160 * unit, 420 * unit), (250 * unit, 340 * unit)],
        fill=WHITE,
    )
    for x in (186, 256, 326):
        pen.ellipse(box(x - 26, 232 - 26, 52, 52), fill=ACCENT)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main():
    for name, size in (
        ("icon-192.png", 192),
        ("icon-512.png", 512),
        ("apple-touch-icon.png", 180),
    ):
        draw(size).save(STATIC / name, optimize=True)
    draw(48).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"Icons written to {STATIC}")


if __name__ == "__main__":
    main()
