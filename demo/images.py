"""Pictures for the demo, drawn with Pillow at seed time (nothing is downloaded).

Portraits are simple illustrations (a soft gradient, shoulders, a face, one of a few hair
styles), the same for the same name every time. Work-sample pictures are sketches of an
application screen in the sample's colours.
"""

import random
import zlib
from io import BytesIO

from PIL import Image, ImageDraw, ImageFilter, ImageFont

BACKGROUNDS = [
    ((214, 236, 232), (160, 208, 200)),
    ((226, 232, 246), (174, 192, 230)),
    ((246, 230, 222), (232, 186, 164)),
    ((236, 228, 246), (196, 178, 228)),
    ((244, 238, 214), (222, 204, 150)),
    ((222, 240, 226), (168, 212, 180)),
]
SKIN = [(247, 214, 190), (236, 188, 150), (214, 160, 120), (176, 120, 86), (130, 86, 60)]
HAIR = [(40, 32, 30), (86, 56, 38), (150, 104, 62), (210, 170, 110), (120, 120, 124), (24, 24, 28)]
SHIRTS = [(13, 107, 104), (47, 95, 168), (90, 72, 176), (167, 52, 90), (86, 101, 26), (71, 88, 102)]


def _rng(key: str) -> random.Random:
    return random.Random(zlib.crc32(key.encode()))


def _gradient(size: int, top, bottom) -> Image.Image:
    image = Image.new("RGB", (size, size), top)
    draw = ImageDraw.Draw(image)
    for y in range(size):
        t = y / (size - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (size, y)], fill=colour)
    return image


def _shade(colour, factor: float):
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


def portrait_png(name: str, size: int = 384) -> bytes:
    """A friendly illustrated portrait for `name`, as PNG bytes."""
    rng = _rng(name)
    scale = 2  # drawn at twice the size, then scaled down: smooth edges without anti-aliasing
    big = size * scale
    top, bottom = rng.choice(BACKGROUNDS)
    skin, hair, shirt = rng.choice(SKIN), rng.choice(HAIR), rng.choice(SHIRTS)
    style = rng.choice(["short", "long", "bun", "curly", "side"])
    image = _gradient(big, top, bottom)
    draw = ImageDraw.Draw(image)

    def box(x0, y0, x1, y1):
        return [round(v * big / 1024) for v in (x0, y0, x1, y1)]

    if style == "long":  # hair behind the head, down to the shoulders
        draw.rounded_rectangle(box(300, 250, 724, 800), radius=big // 6, fill=hair)
    # Shoulders and neck
    draw.ellipse(box(170, 760, 854, 1400), fill=shirt)
    draw.rounded_rectangle(box(440, 600, 584, 800), radius=big // 20, fill=_shade(skin, 0.9))
    draw.polygon(
        [
            tuple(box(430, 760, 0, 0)[:2]),
            tuple(box(512, 860, 0, 0)[:2]),
            tuple(box(594, 760, 0, 0)[:2]),
        ],
        fill=_shade(skin, 0.9),
    )
    # Head and ears
    draw.ellipse(box(318, 318, 358, 418), fill=skin)
    draw.ellipse(box(666, 318, 706, 418), fill=skin)
    draw.ellipse(box(332, 200, 692, 640), fill=skin)
    # Hair on top
    if style in ("short", "long", "side"):
        draw.chord(box(318, 168, 706, 500), 165, 15, fill=hair)
        if style == "side":
            draw.ellipse(box(320, 200, 520, 360), fill=hair)
    elif style == "bun":
        draw.ellipse(box(442, 100, 582, 230), fill=hair)
        draw.chord(box(318, 178, 706, 490), 165, 15, fill=hair)
    else:  # curly
        for cx, cy in [(380, 260), (450, 210), (530, 200), (600, 230), (650, 290), (350, 330)]:
            draw.ellipse(box(cx - 70, cy - 70, cx + 70, cy + 70), fill=hair)
    # Face: eyes, brows, a small smile, a hint of cheeks
    ink = _shade(skin, 0.35)
    for x in (440, 584):
        draw.ellipse(box(x - 14, 420 - 16, x + 14, 420 + 16), fill=ink)
        draw.arc(box(x - 34, 372, x + 34, 400), 200, 340, fill=_shade(hair, 0.9), width=big // 110)
    draw.arc(box(462, 470, 562, 550), 20, 160, fill=ink, width=big // 120)
    # Cheeks: blurred on a small layer (cheap), then scaled up over the face.
    small = 128
    cheek = Image.new("RGBA", (small, small), (0, 0, 0, 0))
    cheeks = ImageDraw.Draw(cheek)
    for x in (410, 614):
        cheeks.ellipse(
            [round(v * small / 1024) for v in (x - 34, 470, x + 34, 510)], fill=(232, 120, 120, 70)
        )
    cheek = cheek.filter(ImageFilter.GaussianBlur(1.5)).resize(
        (size, size), Image.Resampling.BILINEAR
    )
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    image = Image.alpha_composite(image.convert("RGBA"), cheek).convert("RGB")
    out = BytesIO()
    image.save(out, "PNG", compress_level=1)  # re-encoded on upload anyway: favour speed
    return out.getvalue()


def screen_png(title: str, accent, width: int = 1200, height: int = 750) -> bytes:
    """A sketch of an application screen titled `title`, as PNG bytes."""
    rng = _rng(title)
    image = Image.new("RGB", (width, height), (246, 247, 247))
    draw = ImageDraw.Draw(image)
    pale = tuple(round(c + (255 - c) * 0.82) for c in accent)
    grey, line = (226, 231, 231), (210, 216, 217)
    # Window bar
    draw.rectangle([0, 0, width, 44], fill=(232, 236, 236))
    for i, colour in enumerate([(237, 106, 94), (245, 191, 79), (98, 197, 84)]):
        draw.ellipse([20 + i * 24, 15, 34 + i * 24, 29], fill=colour)
    draw.rounded_rectangle([300, 10, width - 300, 34], radius=12, fill=(250, 251, 251))
    # Sidebar
    draw.rectangle([0, 44, 220, height], fill=(255, 255, 255))
    draw.line([220, 44, 220, height], fill=line, width=2)
    draw.rounded_rectangle([24, 70, 140, 92], radius=6, fill=accent)
    for i in range(7):
        y = 130 + i * 44
        draw.rounded_rectangle([24, y, 190, y + 26], radius=6, fill=pale if i == 1 else grey)
    # Header with the title
    draw.rectangle([220, 44, width, 140], fill=(255, 255, 255))
    draw.line([220, 140, width, 140], fill=line, width=2)
    font = ImageFont.load_default(size=34)
    draw.text((256, 72), title[:48], fill=(23, 33, 35), font=font)
    draw.rounded_rectangle([width - 200, 70, width - 40, 112], radius=10, fill=accent)
    # Cards: numbers, a chart, a list
    for i in range(3):
        x = 256 + i * 310
        draw.rounded_rectangle(
            [x, 172, x + 286, 292], radius=14, fill=(255, 255, 255), outline=line
        )
        draw.rounded_rectangle([x + 24, 196, x + 140, 212], radius=6, fill=grey)
        draw.rounded_rectangle(
            [x + 24, 230, x + 24 + rng.randint(90, 200), 262], radius=8, fill=pale
        )
    draw.rounded_rectangle(
        [256, 320, 806, height - 36], radius=14, fill=(255, 255, 255), outline=line
    )
    bars = [rng.randint(60, 300) for _ in range(12)]
    for i, bar in enumerate(bars):
        x = 290 + i * 42
        draw.rounded_rectangle(
            [x, height - 70 - bar, x + 26, height - 70],
            radius=6,
            fill=accent if i % 3 == 2 else pale,
        )
    draw.rounded_rectangle(
        [830, 320, width - 40, height - 36], radius=14, fill=(255, 255, 255), outline=line
    )
    for i in range(6):
        y = 350 + i * 58
        draw.ellipse([854, y, 886, y + 32], fill=pale)
        draw.rounded_rectangle(
            [900, y + 4, 900 + rng.randint(120, 220), y + 14], radius=5, fill=grey
        )
        draw.rounded_rectangle(
            [900, y + 20, 900 + rng.randint(60, 160), y + 28], radius=4, fill=(236, 239, 239)
        )
    out = BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()
