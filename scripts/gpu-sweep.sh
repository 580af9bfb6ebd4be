#!/usr/bin/env bash
# The tuning sweep behind the GPU kernel choice (BENCHMARKS.md): the GPU suite with the cell kernel and
# with the tiled kernel under several work-group sizes and tile budgets, JSON per variant in $OUT.
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
  bench "tiled-${t/:/-}" -Dclpool.kernel=tiled -Dclpool.tiled.localSize=${t%%:*} -Dclpool.tiled.tileBytes=${t##*:}
done
cat "$out/log.txt"
