"""Peer for `jmim bench gemm`: OpenBLAS sgemm GFLOP/s through numpy on the same shapes.

usage: OPENBLAS_NUM_THREADS=T python3 gemm_openblas.py [--transpose-a] M K N [M K N ...]
Prints one line per shape: M K N threads best-GFLOP/s median-GFLOP/s (2·M·K·N flops per product).
--transpose-a reads A from a transposed [K, M] array, as `jmim bench gemm --transpose-a` does.
"""

import os
import sys
import time

import numpy as np


def measure(m, k, n, transpose_a, seconds=2.0):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((k, m), dtype=np.float32).T if transpose_a else rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)  # warm-up
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(times) < 5:
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append(time.perf_counter() - t0)
    flops = 2.0 * m * k * n
    return flops / min(times) / 1e9, flops / float(np.median(times)) / 1e9


def main(args):
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    transpose_a = "--transpose-a" in args
    args = [x for x in args if x != "--transpose-a"]
    for i in range(0, len(args), 3):
        m, k, n = (int(x) for x in args[i:i + 3])
        best, median = measure(m, k, n, transpose_a)
        mark = " Aᵀ" if transpose_a else ""
        print(f"openblas M={m} K={k} N={n}{mark} threads={threads} best {best:.1f} GFLOP/s median {median:.1f} GFLOP/s")


if __name__ == "__main__":
    main(sys.argv[1:])
