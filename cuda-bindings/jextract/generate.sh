#!/usr/bin/env bash
# Regenerates the FFM bindings in ../src/generated/java from the CUDA 13 headers.
#
# Needs: jextract (built for JDK 22+) on the PATH; cuda.h from a CUDA toolkit (CUDA_HOME, default
# /usr/local/cuda); cublas_v2.h and cufft.h from NVIDIA's pip wheels (nvidia-cublas, nvidia-cufft),
# found through `python3 -c 'import nvidia'` unless CUDA_WHEEL_INCLUDE names their include folder.
# No -l/--library: the bindings resolve symbols through the class loader, and CudaLibraries loads
# the libraries it finds (driver, cuBLAS, cuFFT) before any binding is touched.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../src/generated/java"
cuda_include="${CUDA_HOME:-/usr/local/cuda}/include"
wheel_include="${CUDA_WHEEL_INCLUDE:-$(python3 -c 'import nvidia, os; print(os.path.join(nvidia.__path__[0], "cu13", "include"))')}"

command -v jextract >/dev/null || { echo "jextract is not on the PATH" >&2; exit 1; }
[[ -f "$cuda_include/cuda.h" ]] || { echo "no cuda.h in $cuda_include (set CUDA_HOME)" >&2; exit 1; }
[[ -f "$wheel_include/cublas_v2.h" ]] || { echo "no cublas_v2.h in $wheel_include (pip install nvidia-cublas nvidia-cufft, or set CUDA_WHEEL_INCLUDE)" >&2; exit 1; }

rm -rf "$out/dev/jmim/cuda/bindings"
jextract --output "$out" -I "$cuda_include" @"$here/driver.args" "$cuda_include/cuda.h"
jextract --output "$out" -I "$cuda_include" -I "$wheel_include" @"$here/cublas.args" "$wheel_include/cublas_v2.h"
jextract --output "$out" -I "$cuda_include" -I "$wheel_include" @"$here/cufft.args" "$wheel_include/cufft.h"
find "$out/dev/jmim/cuda/bindings" -name '*.java' | sort | sed "s|$out/||"
