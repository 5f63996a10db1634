#!/usr/bin/env bash
# Compiles every .cu file beside this script to PTX for sm_80 and sm_90, into the folder given as $1.
#
# nvcc 13 stamps its PTX `.version 9.0`, which only CUDA 13 drivers (R580+) load. Our kernels use
# nothing newer than PTX ISA 7.0, so the header is lowered to 8.0 (CUDA 12.0): any R525+ driver,
# R550 included, loads and JIT-compiles it. PtxTest checks with ptxas that the lowered files assemble.
# Where no nvcc is found the build goes on without kernels, and the CUDA backend says so.
set -euo pipefail
out="$1"
here="$(cd "$(dirname "$0")" && pwd)"
nvcc="$(command -v nvcc || true)"
for candidate in "${CUDA_HOME:-}/bin/nvcc" /usr/local/cuda/bin/nvcc; do
  [[ -z "$nvcc" && -x "$candidate" ]] && nvcc="$candidate"
done
if [[ -z "$nvcc" ]]; then
  echo "[WARNING] nvcc not found (PATH, CUDA_HOME, /usr/local/cuda): jmim's CUDA kernels are not built" >&2
  exit 0
fi
mkdir -p "$out"
newest_header="$(ls -t "$here"/*.cuh | head -n 1)"
for source in "$here"/*.cu; do
  name="$(basename "$source" .cu)"
  for sm in 80 90; do
    target="$out/$name.sm_$sm.ptx"
    if [[ "$target" -nt "$source" && "$target" -nt "$newest_header" ]]; then continue; fi
    "$nvcc" -ptx -arch=compute_$sm -O3 -std=c++17 -I "$here" "$source" -o "$target.tmp"
    sed -i 's/^\.version [0-9.]*$/.version 8.0/' "$target.tmp"
    mv "$target.tmp" "$target"
  done
done
