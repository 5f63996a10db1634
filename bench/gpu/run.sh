#!/usr/bin/env bash
# Runs on a machine with an NVIDIA driver and no Java, from the repository root, after pack.sh's dist/
# was carried there: the GPU tests, GpuBench and GpuTrainBench, and PyTorch's figures for the same lists.
# Writes its logs into the folder given as $1 (default: bench/results).
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(cd "${1:-$root/bench/results}" && pwd)"
dist="$root/dist"
[[ -x "$dist/runtime/bin/java" ]] || tar -xzf "$dist/jmim-gpu.tar.gz" -C "$dist"
java=("$dist/runtime/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
classpath="$dist/test-classes:$(ls "$dist"/lib/*.jar | tr '\n' ':')"

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee "$out/gpu-device.txt"
(cd "$root/cuda-bindings" && "${java[@]}" -jar "$dist"/test-lib/junit-platform-console-standalone-*.jar \
  execute --class-path "$classpath" --select-package dev.jmim.cuda --select-package dev.jmim.gpu \
  --exclude-classname '.*EmulatedTest' --details=tree --disable-banner --disable-ansi-colors) \
  2>&1 | tee "$out/gpu-tests.txt"
"${java[@]}" -cp "$classpath" dev.jmim.bench.GpuBench 2>&1 | tee "$out/gpu-bench-jmim.txt"
# the bf16 autocast: matmuls and the tensor-core attention kernel
"${java[@]}" -Djmim.cuda.matmul=bf16 -cp "$classpath" dev.jmim.bench.GpuBench --part attention 2>&1 \
  | tee -a "$out/gpu-bench-jmim.txt"
python3 "$root/bench/gpu/torch_peers.py" 2>&1 | tee "$out/gpu-bench-torch.txt"
for precision in fp32 tf32 bf16; do
  "${java[@]}" -Djmim.cuda.matmul=$precision -cp "$classpath" dev.jmim.bench.GpuTrainBench --model mae-base --batch 256
done 2>&1 | tee "$out/gpu-train-jmim.txt"
"${java[@]}" -cp "$classpath" dev.jmim.bench.GpuTrainBench --model gmae-base --batch 64 2>&1 | tee -a "$out/gpu-train-jmim.txt"
python3 "$root/bench/gpu/mae_step_torch_gpu.py" --batch 256 2>&1 | tee "$out/gpu-train-torch.txt"
