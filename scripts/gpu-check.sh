#!/usr/bin/env bash
# The GPU check, run on an NVIDIA machine without Java (see BENCHMARKS.md, "Reproducing"):
#   1. start-up: a fresh JVM compiling the kernels, then one loading them from the program cache;
#   2. correctness: the suite's OpenCL tests (golden cases, OpenCL against Java, validation,
#      lifecycle and fault injection, the every-path fuzz, which forces each registry kernel in turn) on
#      the GPU, with the automatic choice and each GPU kernel forced;
#   3. the GPU benchmark suite with the automatic kernel choice, and the transfer rates; then the suite
#      again in float32, float16 and bfloat16, NCHW and NHWC (bench --dtype --layout); pyramids and
#      backward passes (bench --op), each result checked against the Java path first;
#   4. PyTorch CUDA on the same shapes and storage, where the machine has it, for same-run ratios.
# (scripts/gpu-sweep.sh times each kernel and tuning instead.)
# Everything goes to $OUT (default gpu-results/): log.txt and the benchmark JSON, Markdown and SVG chart.
# For a dry run elsewhere: SUITE=cpu HEAP=4g RUNS=2 bash scripts/gpu-check.sh
set -u
suite=${SUITE:-gpu}
runs=${RUNS:-20}
out=${OUT:-gpu-results}
mkdir -p "$out"
log="$out/log.txt"
jar=target/clpool.jar
junit=(-jar .gpu/lib/junit-platform-console-standalone-1.14.1.jar execute
       -cp "$jar:target/test-classes:.gpu/lib/gson-2.13.1.jar" --details=summary --disable-banner
       --select-class dev.clpool.GoldenTest --select-class dev.clpool.OpenClVsJavaTest
       --select-class dev.clpool.ValidationTest --select-class dev.clpool.opencl.OpenClLifecycleTest
       --select-class dev.clpool.StorageOpenClVsJavaTest --select-class dev.clpool.opencl.OpenClFaultTest
       --select-class dev.clpool.reliability.ConcurrencyTest --select-class dev.clpool.reliability.fuzz.EveryPathFuzzTest)
# A pre-touched heap on huge pages: first-touch page faults would otherwise dominate end-to-end times.
heap=(-XX:+UseTransparentHugePages -XX:+AlwaysPreTouch -Xms${HEAP:-16g} -Xmx${HEAP:-16g})
step() { echo "== $*" | tee -a "$log"; }

step "devices"
bash .gpu/run.sh java -jar "$jar" devices >> "$log" 2>&1

cache=$(mktemp -d)
for n in 1 2; do
  step "demo, fresh JVM #$n (program cache $cache)"
  start=$(date +%s%N)
  bash .gpu/run.sh java -Dclpool.cacheDir="$cache" -jar "$jar" demo >> "$log" 2>&1
  echo "wall: $(( ($(date +%s%N) - start) / 1000000 )) ms" >> "$log"
done

for k in auto cell tiled segments; do
  step "tests on the GPU, kernel $k"
  CI=true bash .gpu/run.sh java -Dclpool.kernel=$k "${junit[@]}" 2>&1 | grep -E "tests (successful|failed|found)|=>|MethodSource" | head -40 >> "$log"
done

step "bench, automatic choice, with transfers"
bash .gpu/run.sh java "${heap[@]}" -jar "$jar" bench --suite "$suite" --device opencl --runs "$runs" --transfers \
    --json "$out/bench-auto.json" --markdown "$out/bench-auto.md" --svg "$out/bench-auto.svg" 2>/dev/null >> "$log"
step "bench, float16, bfloat16 and channels last, avg and max"
bash .gpu/run.sh java "${heap[@]}" -jar "$jar" bench --suite "$suite" --device opencl --runs $(( (runs + 1) / 2 )) \
    --dtype float32,float16,bfloat16 --layout nchw,nhwc --json "$out/bench-storage.json" 2>/dev/null >> "$log"
for op in pyramid backward; do
  step "bench --op $op"
  bash .gpu/run.sh java "${heap[@]}" -jar "$jar" bench --op $op --suite "$suite" --device opencl --runs 5 \
      --json "$out/bench-$op.json" 2>/dev/null >> "$log"
done
if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  step "PyTorch CUDA on the same shapes, float32, float16 and bfloat16, NCHW and NHWC"
  python3 scripts/torch_gpu_peer.py --runs 50 --dtypes float32,float16,bfloat16 --json "$out/torch-gpu.json" >> "$log" 2>&1
fi
step "done"
tail -60 "$log"
