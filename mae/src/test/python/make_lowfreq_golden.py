"""Writes PixMIM's low-frequency-target golden file (dev-only; the output is committed).

  lowfreq.safetensors   "images_224" [1, 3, 224, 224]  scikit-image's astronaut photo, resized (shorter
                                                        edge, bilinear) and centre-cropped, ImageNet-normalised
                        "target_224" [1, 3, 224, 224]  the reference's target of it, radius 40
                        "images_32", "target_32" [2, 3, 32, 32]   astronaut and coffee at 32 px, radius 40·32/224

The target follows the reference generator step by step (../shared/reference/methods.md §2.2), in
float64 with numpy: de-normalise, fft2, fftshift, the disk centred at ((H-1)/2, (W-1)/2), ifft2
without ifftshift, magnitude, re-normalise.

usage: python3 make_lowfreq_golden.py OUT_DIR [SKIMAGE_DATA_DIR]   (numpy, Pillow, safetensors from pip;
       the photos from Debian's python3-skimage, /usr/lib/python3/dist-packages/skimage/data)
"""

import sys
from pathlib import Path

import numpy as np
from PIL import Image
from safetensors.numpy import save_file

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32).reshape(3, 1, 1)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32).reshape(3, 1, 1)


def photo(path, size):
    image = Image.open(path).convert("RGB")
    w, h = image.size
    scale = size / min(w, h)
    image = image.resize((max(size, round(w * scale)), max(size, round(h * scale))), Image.BILINEAR)
    w, h = image.size
    left, top = (w - size) // 2, (h - size) // 2
    pixels = np.asarray(image.crop((left, top, left + size, top + size)), dtype=np.float32) / 255.0
    return (pixels.transpose(2, 0, 1) - MEAN) / STD


def low_frequency_target(normalized, radius):
    images = normalized.astype(np.float64) * STD + MEAN
    h, w = images.shape[-2:]
    spectrum = np.fft.fftshift(np.fft.fft2(images), axes=(-2, -1))
    y, x = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    disk = ((y - (h - 1) / 2) ** 2 + (x - (w - 1) / 2) ** 2 <= radius**2).astype(np.float64)
    low = np.abs(np.fft.ifft2(spectrum * disk))
    return ((low - MEAN) / STD).astype(np.float32), int(disk.sum())


def main():
    out = Path(sys.argv[1])
    data = Path(sys.argv[2] if len(sys.argv) > 2 else "/usr/lib/python3/dist-packages/skimage/data")
    big = np.stack([photo(data / "astronaut.png", 224)])
    small = np.stack([photo(data / "astronaut.png", 32), photo(data / "coffee.png", 32)])
    target_big, kept = low_frequency_target(big, 40)
    target_small, _ = low_frequency_target(small, 40 * 32 / 224)
    assert kept == 5024, kept
    tensors = {"images_224": big, "target_224": target_big, "images_32": small, "target_32": target_small}
    # safetensors.numpy writes an array's memory as it lies: make every array C-ordered first
    save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(out / "lowfreq.safetensors"))


if __name__ == "__main__":
    main()
