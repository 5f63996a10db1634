"""A folder of generated images for timing `jmim curate` (not a dataset of record).

Kinds, by share: scenes (45%: a colour gradient, 3-8 random shapes, pixel noise; short side
320-640 px; half saved as JPEG), small scenes (15%: short side 96-300, dropped by --min-side 320),
product shots (15%: one flat shape on a near-white background), text pages (10%: dark bars on
white) and textures (15%: coloured noise, hard to reconstruct). Deterministic by --seed.

usage: python3 bench/curation/make_folder.py OUT_DIR [--count 2000] [--seed 0]
"""
import argparse
import os

import numpy as np
from PIL import Image, ImageDraw


def scene(rng, short):
    long_side = int(short * rng.uniform(1.0, 1.5))
    h, w = (short, long_side) if rng.random() < 0.5 else (long_side, short)
    a, b = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    t = np.linspace(0, 1, w)[None, :, None]
    img = Image.fromarray(np.broadcast_to(a * (1 - t) + b * t, (h, w, 3)).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(rng.integers(3, 9)):
        x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
        x1, y1 = x0 + rng.uniform(20, w / 2), y0 + rng.uniform(20, h / 2)
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=colour)
    pixels = np.asarray(img, dtype=np.float32) + rng.normal(0, 8, (h, w, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def product(rng):
    size = int(rng.integers(320, 640))
    img = Image.new("RGB", (size, size), (250, 250, 248))
    colour = tuple(int(c) for c in rng.integers(0, 256, 3))
    ImageDraw.Draw(img).ellipse([size * 0.25, size * 0.2, size * 0.75, size * 0.8], fill=colour)
    return img


def text_page(rng):
    h, w = int(rng.integers(400, 640)), int(rng.integers(320, 480))
    img = Image.new("RGB", (w, h), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    for y in range(20, h - 20, 18):
        x = 20
        while x < w - 40:
            word = int(rng.integers(10, 60))
            draw.rectangle([x, y, min(x + word, w - 20), y + 9], fill=(20, 20, 20))
            x += word + 8
    return img


def texture(rng):
    size = int(rng.integers(320, 640))
    return Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    for i in range(args.count):
        u = rng.random()
        folder = os.path.join(args.out, f"{i // 500:03d}")
        os.makedirs(folder, exist_ok=True)
        if u < 0.45:
            img, ext = scene(rng, int(rng.integers(320, 640))), ".jpg" if rng.random() < 0.5 else ".png"
        elif u < 0.60:
            img, ext = scene(rng, int(rng.integers(96, 300))), ".png"
        elif u < 0.75:
            img, ext = product(rng), ".png"
        elif u < 0.85:
            img, ext = text_page(rng), ".png"
        else:
            img, ext = texture(rng), ".png"
        img.save(os.path.join(folder, f"{i:05d}{ext}"), quality=90) if ext == ".jpg" else img.save(
            os.path.join(folder, f"{i:05d}{ext}"))


if __name__ == "__main__":
    main()
