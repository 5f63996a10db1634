"""PyTorch's side of GpuTrainBench --model mae-base: MAE ViT-B/16 training steps on one GPU.

The model is the golden test's MAE (mae/src/test/python/make_golden.py: official models_mae.py
semantics with timm's Block, whose attention is F.scaled_dot_product_attention) with the official
ViT-B/16 config: 224 px, encoder 768 x 12 x 12 heads, decoder 512 x 8 x 16, norm-pix, mask ratio 0.75,
AdamW (betas 0.9/0.95, weight decay 0.05, PyTorch's default implementation); standard-normal images.
Each precision is timed from a synchronised device to a synchronised device: fp32, TF32 and bf16
autocast (fp32 master weights). Prints the median step and the peak of allocated device memory.

usage: python3 bench/gpu/mae_step_torch_gpu.py [--batch 256] [--steps 10]
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "mae" / "src" / "test" / "python"))
from make_golden import TinyMae  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    torch.set_default_device("cuda")
    for precision in ("fp32", "tf32", "bf16"):
        torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
        torch.backends.cudnn.allow_tf32 = precision == "tf32"
        torch.manual_seed(0)
        model = TinyMae(img=224, patch=16, dim=768, depth=12, heads=12, dec_dim=512, dec_depth=8,
                        dec_heads=16).cuda()  # the sin-cos tables come from NumPy, on the CPU
        optimizer = torch.optim.AdamW(model.parameters(), lr=1.5e-4 * args.batch / 256, betas=(0.9, 0.95),
                                      weight_decay=0.05)
        images = torch.randn(args.batch, 3, 224, 224)
        torch.cuda.reset_peak_memory_stats()
        times = []
        for step in range(args.steps + 3):
            noise = torch.rand(args.batch, 196)
            torch.cuda.synchronize()
            started = time.perf_counter()
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=precision == "bf16"):
                loss = model(images, noise)[0]
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            torch.cuda.synchronize()
            if step >= 3:
                times.append(time.perf_counter() - started)
        median = statistics.median(times)
        peak = torch.cuda.max_memory_allocated() / 2**30
        print(f"PyTorch {torch.__version__} mae-base on {torch.cuda.get_device_name()}, batch {args.batch}, "
              f"{precision}: step {median * 1000:.1f} ms, {args.batch / median:.1f} img/s (median of {args.steps}), "
              f"peak allocated {peak:.1f} GiB")
        del model, optimizer, images


if __name__ == "__main__":
    main()
