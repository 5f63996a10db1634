#!/usr/bin/env bash
# jmim's GEMM beside OpenBLAS (numpy's) on the issue's shapes, 1 and 2 threads, in one run.
# usage: bench/gemm_vs_openblas.sh [seconds per measurement]   (needs python3 with numpy)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3}
echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
for threads in 1 2; do
  for shape in "1024 1024 1024" "8192 192 576" "8192 192 768" "8192 768 192"; do
    set -- $shape
    ./jmim bench gemm --m "$1" --k "$2" --n "$3" --threads "$threads" --seconds "$seconds" 2>/dev/null | grep '^jmim gemm'
    OPENBLAS_NUM_THREADS=$threads python3 bench/python/gemm_openblas.py "$1" "$2" "$3"
  done
done
