"""PyTorch's figures for the list `GpuBench` prints, on the same GPU, timed the same way.

CUDA events around batches of --repeats runs, one second of warm-up (as jmim's bench: a GPU held busy
runs at the clocks its power limit allows), median of 5 batches; outputs
preallocated (out=) where PyTorch allows it, so kernels are timed without allocation.
Usage: python3 bench/gpu/torch_peers.py [--elements 67108864] [--repeats 20]
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F


def median_ms(body, repeats):
    def batch():
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(repeats):
            body()
        end.record()
        end.synchronize()
        return start.elapsed_time(end) / repeats

    warm_until = time.perf_counter() + 1.0
    while time.perf_counter() < warm_until:
        batch()
    return statistics.median(batch() for _ in range(5))


def bf16_mm(a16, b16):
    """bf16 inputs with an fp32 result, as jmim's cublasGemmEx call; bf16 out where torch lacks out_dtype."""
    try:
        torch.mm(a16, b16, out_dtype=torch.float32)
        return lambda: torch.mm(a16, b16, out_dtype=torch.float32)
    except TypeError:
        print("(torch.mm has no out_dtype here: bf16 GEMM timed with a bf16 result)")
        return lambda: torch.mm(a16, b16)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--elements", type=int, default=67108864)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--part", choices=("all", "gemm", "memory", "attention"), default="all")
    args = parser.parse_args()
    dev = torch.device("cuda")
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(0)}")
    torch.manual_seed(5)
    gemms = [] if args.part not in ("all", "gemm") else [(4096, 4096, 4096), (8192, 8192, 8192), (12608, 768, 2304), (12608, 768, 3072), (12608, 3072, 768)]
    for m, k, n in gemms:
        a = torch.randn(m, k, device=dev)
        b = torch.randn(k, n, device=dev)
        c = torch.empty(m, n, device=dev)
        a16, b16 = a.bfloat16(), b.bfloat16()
        for name in ("FP32", "TF32", "BF16"):
            torch.backends.cuda.matmul.allow_tf32 = name == "TF32"
            if name == "BF16":
                body = bf16_mm(a16, b16)
            else:
                body = lambda: torch.mm(a, b, out=c)
            ms = median_ms(body, args.repeats)
            print(f"gemm {name:5s} M={m} K={k} N={n}  {ms:.3f} ms  {2 * m * n * k / ms / 1e9:.1f} TFLOP/s")
        torch.backends.cuda.matmul.allow_tf32 = False
    if args.part in ("all", "attention"):
        attention(dev, args.repeats)
    if args.part not in ("all", "memory"):
        return

    width = 1024
    rows = args.elements // width
    a = torch.randn(rows, width, device=dev)
    b = torch.randn(rows, width, device=dev)
    out = torch.empty(rows, width, device=dev)
    half = torch.empty(rows, width, device=dev, dtype=torch.bfloat16)
    bias = torch.randn(width, device=dev)
    weight = torch.randn(width, device=dev)
    row_sums = torch.empty(rows, 1, device=dev)
    col_sums = torch.empty(1, width, device=dev)
    side = int(args.elements ** 0.5)
    square = torch.randn(side, side, device=dev)
    square_out = torch.empty(side, side, device=dev)
    n = args.elements * 4.0
    copy_ms = median_ms(lambda: out.copy_(a), args.repeats)
    ceiling = 2 * n / copy_ms / 1e6
    print(f"baseline copy (copy_)  {ceiling:.1f} GB/s")
    kernels = [
        ("add", 3 * n, lambda: torch.add(a, b, out=out)),
        ("bias add (broadcast row)", 2 * n, lambda: torch.add(a, bias, out=out)),
        ("scalar mul", 2 * n, lambda: torch.mul(a, 0.5, out=out)),
        ("exp", 2 * n, lambda: torch.exp(a, out=out)),
        ("gelu", 2 * n, lambda: out.copy_(F.gelu(a))),
        ("cast f32→bf16", 1.5 * n, lambda: half.copy_(a)),
        ("sum rows [N,1024]→[N,1]", n, lambda: torch.sum(a, dim=1, keepdim=True, out=row_sums)),
        ("sum columns [N,1024]→[1,1024]", n, lambda: torch.sum(a, dim=0, keepdim=True, out=col_sums)),
        ("softmax rows of 1024", 2 * n, lambda: torch.softmax(a, dim=1)),
        ("layer_norm rows of 1024", 2 * n, lambda: F.layer_norm(a, (width,), weight, weight, 1e-6)),
        ("transpose copy (square)", 2.0 * side * side * 4, lambda: square_out.copy_(square.t())),
    ]
    for name, nbytes, body in kernels:
        ms = median_ms(body, args.repeats)
        gbs = nbytes / ms / 1e6
        print(f"{name:32s} {ms:.3f} ms  {gbs:.1f} GB/s  {100 * gbs / ceiling:.0f}% of copy")


def attention(dev, repeats):
    """F.scaled_dot_product_attention at GpuBench's attention shapes: fp32, TF32 and bf16, forward and both."""
    for b, h, n, d in ((256, 16, 197, 32), (256, 12, 50, 64), (64, 12, 197, 64)):
        for name, dtype in (("FP32", torch.float32), ("TF32", torch.float32), ("BF16", torch.bfloat16)):
            torch.backends.cuda.matmul.allow_tf32 = name == "TF32"
            q, k, v = (torch.randn(b, h, n, d, device=dev, dtype=dtype, requires_grad=True) for _ in range(3))
            grad = torch.randn(b, h, n, d, device=dev, dtype=dtype)

            def forward():
                with torch.no_grad():
                    F.scaled_dot_product_attention(q, k, v)

            def both():
                F.scaled_dot_product_attention(q, k, v).backward(grad)
                q.grad = k.grad = v.grad = None

            print(f"attention {name} B={b} H={h} N={n} Dh={d}  forward {median_ms(forward, repeats):.3f} ms  "
                  f"forward+backward {median_ms(both, repeats):.3f} ms")
    torch.backends.cuda.matmul.allow_tf32 = False


if __name__ == "__main__":
    main()
