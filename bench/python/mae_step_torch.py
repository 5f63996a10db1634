"""PyTorch's side of `jmim bench mae-step`: images per second of full MAE training steps on the CPU.

The model is the golden test's MAE (mae/src/test/python/make_golden.py: official models_mae.py
semantics with timm's Block) at the issue's size: 32 px, patch 4, encoder 192 wide x 12 blocks x 3
heads, decoder 128 x 2 x 4, norm-pix; batch 128 of standard-normal images, mask ratio 0.75, AdamW
(betas 0.9/0.95, weight decay 0.05). Prints the median and the fastest of the timed steps, as jmim's
bench does, and the peak RSS.

usage: OMP_WAIT_POLICY=PASSIVE python3 bench/python/mae_step_torch.py [--threads 2] [--steps 20] [--warmup 25]

--warmup matches jmim's default (25 untimed steps, which the JVM's JIT needs on 2 cores); PyTorch
reaches its steady state within 3, so a shorter warm-up changes nothing but the run time.
"""
import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "mae" / "src" / "test" / "python"))
from make_golden import TinyMae  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=25)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = TinyMae(img=32, patch=4, dim=192, depth=12, heads=3, dec_dim=128, dec_depth=2, dec_heads=4)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1.5e-4 * args.batch / 256, betas=(0.9, 0.95),
                                  weight_decay=0.05)
    images = torch.randn(args.batch, 3, 32, 32)
    times = []
    for step in range(args.warmup + args.steps):
        noise = torch.rand(args.batch, 64)
        started = time.perf_counter()
        loss = model(images, noise)[0]
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step >= args.warmup:
            times.append(time.perf_counter() - started)
    median = statistics.median(times)
    fastest = min(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"PyTorch {torch.__version__}, {args.threads} threads, batch {args.batch}: step {median * 1000:.0f} ms, "
          f"{args.batch / median:.1f} img/s (median of {args.steps} after {args.warmup} warm-up; fastest step "
          f"{fastest * 1000:.0f} ms = {args.batch / fastest:.1f} img/s), peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
