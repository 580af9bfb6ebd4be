#!/usr/bin/env bash
# The tuning sweep behind the GPU kernel choice (BENCHMARKS.md, kernels/tuning.properties): the GPU suite with
# the cell kernel, the tiled kernel under several work-group sizes and tile budgets, and the segments kernel
# under several group sizes, JSON per variant in $OUT. A forced kernel's bench skips the shapes it cannot run.
set -u
out=${OUT:-gpu-sweep}
mkdir -p "$out"
heap=(-XX:+UseTransparentHugePages -XX:+AlwaysPreTouch -Xms${HEAP:-16g} -Xmx${HEAP:-16g})
bench() {  # name, then JVM options
  local name=$1; shift
  echo "== $name" | tee -a "$out/log.txt"
  bash .gpu/run.sh java "${heap[@]}" "$@" -jar target/clpool.jar bench --suite "${SUITE:-gpu}" --device opencl \
      --runs "${RUNS:-5}" --json "$out/$name.json" 2>/dev/null | tail -n +3 >> "$out/log.txt"
}
bench cell -Dclpool.kernel=cell
for t in 256:16384 128:8192 64:4096 128:4096 256:32768 64:8192; do
  size=${t%%:*}; tile=${t##*:}
  bench "tiled-$size-$tile" -Dclpool.kernel=tiled -Dclpool.tuning.tiledLocalSize=$size -Dclpool.tuning.tiledSmallLocalSize=$size \
      -Dclpool.tuning.tiledTileBytes=$tile -Dclpool.tuning.tiledSmallTileBytes=$tile
done
for cells in 64 128 256; do
  bench "segments-$cells" -Dclpool.kernel=segments -Dclpool.tuning.segmentCells=$cells
done
cat "$out/log.txt"
