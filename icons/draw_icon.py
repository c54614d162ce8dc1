"""Draws the VetDesk icon: a paw print on a rounded teal tile. Run: python3 icons/draw_icon.py"""
from pathlib import Path
from PIL import Image, ImageDraw

HERE = Path(__file__).parent
S = 1024


def draw(size: int) -> Image.Image:
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((40, 40, S - 40, S - 40), radius=220, fill=(17, 110, 120, 255))
    d.rounded_rectangle((40, 40, S - 40, S - 40), radius=220, outline=(11, 80, 88, 255), width=16)
    white = (250, 252, 250, 255)
    # Pad.
    d.ellipse((300, 470, 724, 820), fill=white)
    d.ellipse((360, 420, 664, 640), fill=white)
    # Toes.
    for box in [(190, 330, 330, 520), (330, 190, 480, 400), (544, 190, 694, 400), (694, 330, 834, 520)]:
        d.ellipse(box, fill=white)
    # A small key notch in the pad: recovery.
    teal = (17, 110, 120, 255)
    d.ellipse((462, 560, 562, 660), fill=teal)
    d.rectangle((497, 640, 527, 740), fill=teal)
    return img.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    draw(32).save(HERE / "32x32.png")
    draw(128).save(HERE / "128x128.png")
    draw(256).save(HERE / "128x128@2x.png")
    draw(512).save(HERE / "icon.png")
    draw(256).save(HERE / "icon.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])
