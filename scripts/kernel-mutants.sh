#!/usr/bin/env bash
# Kernel mutants: PIT mutates Java bytecode only, so this applies a fixed list of mutants to the OpenCL sources
# in kernels/, one at a time, runs a fixed selection of OpenCL tests against each (CI=true: a skipped OpenCL
# test fails; fresh program caches, so every program is compiled from the sources as they are), and restores the file.
# PoCL's own kernel cache goes there too, so no mutant's binary is left in the user's cache.
# A mutant is killed when the tests fail or time out; the script fails if any mutant survives, if the
# selection fails unmutated, or if a mutant's programs do not build (it would test nothing).
#
#   scripts/kernel-mutants.sh              every mutant
#   scripts/kernel-mutants.sh tie nan      the mutants whose names contain any of these words
#
# Needs an OpenCL device (PoCL on the CPU will do) and python3. Results: target/kernel-mutants/results.txt.
# Slow (one Maven test run per mutant): see docs/guarantees.md, "Mutation testing"; not part of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

TESTS=OpenClKernelRulesTest,OpenClVsJavaTest,StorageOpenClVsJavaTest,Pool1d3dTest,GoldenTest,PyramidTest,BackwardTest
# One seed for the random tests, so that a run kills what the last one did (KERNEL_MUTANTS_SEED=N for another).
SEED=${KERNEL_MUTANTS_SEED:-20261201}
LIMIT_S=${KERNEL_MUTANTS_TIMEOUT_S:-600}

# name, file, exact text (it must occur once), replacement
MUTANTS=(
  tie-rule              common.cl 'return v > m || isnan(v);'                 'return v >= m || isnan(v);'
  nan-rule              common.cl 'return v > m || isnan(v);'                 'return v > m;'
  max-start-not-inf     common.cl 'value[k] = POOL_MAX ? -INFINITY : 0;'     'value[k] = POOL_MAX ? -FLT_MAX : 0;'
  max-first-index       common.cl 'index[k] = (b.d0 * IH + b.h0) * IW + b.w0;' 'index[k] = 0;'
  bin-end-rounded-down  common.cl 'b.w1 = bins[2 * OD + 2 * OH + OW + ow];'  'b.w1 = bins[2 * OD + 2 * OH + OW + ow] - 1;'
  bin-start-from-ends   common.cl 'b.h0 = bins[2 * OD + oh];'                'b.h0 = bins[2 * OD + OH + oh] - 1;'
  bin-depth-end-plus-1  common.cl 'b.d1 = bins[OD + od];'                    'b.d1 = bins[OD + od] + 1;'
  divide-order          common.cl 'return sum / (acc_t)(b.d1 - b.d0) / (acc_t)(b.h1 - b.h0) / (acc_t)(b.w1 - b.w0);' \
                                  'return sum / ((acc_t)(b.d1 - b.d0) * (acc_t)(b.h1 - b.h0) * (acc_t)(b.w1 - b.w0));'
  copy-avg-keeps-minus0 copy.cl   'STORE(out, i, POOL_MAX ? v : v + 0);'      'STORE(out, i, v);'
  cell-last-element     cell.cl   'const ulong end = min(count, begin + span);' 'const ulong end = min(count, begin + span - 1);'
  planes-chunk-end      planes.cl 'const ulong last = min(planes, first + chunk);' 'const ulong last = min(planes, first + chunk - 1);'
  tiled-planes-per-tile tiled.cl  'const int nplanes = (int)min(G, (long)planes - plane0);' 'const int nplanes = (int)min(G, (long)planes - plane0) - 1;'
  tiled-rows-per-tile   tiled.cl  'const int nrows = (int)min(R, OH - oh0);'  'const int nrows = (int)min(R, OH - oh0 - 1);'
  tiled-no-barrier      tiled.cl  'barrier(CLK_LOCAL_MEM_FENCE);'             ''
  segments-steps        segments.cl 'atomic_max(&steps, (cells + SEG_STEP - 1) / SEG_STEP);' 'atomic_max(&steps, cells / SEG_STEP);'
  segments-load-bound   segments.cl 'if (e < binCells[cell]) {'              'if (e + 1 < binCells[cell]) {'
  segments-no-barrier   segments.cl '        barrier(CLK_LOCAL_MEM_FENCE);
        for (int k = 0'                                                      '        for (int k = 0'
  channels-last-blocks  channels_last.cl 'const long blocks = (C + NHWC_BLOCK - 1) / NHWC_BLOCK;' 'const long blocks = C / NHWC_BLOCK + 1;'
  channels-last-width   channels_last.cl 'const long c0 = block * NHWC_BLOCK;'  'const long c0 = block * (NHWC_BLOCK - 1);'
  pyramid-no-barrier    pyramid.cl 'barrier(CLK_LOCAL_MEM_FENCE);'            ''
  pyramid-level-of      pyramid.cl 'while (*r >= levels[5 * level]'          'while (*r > levels[5 * level]'
  pyramid-chunk-end     pyramid.cl 'const ulong last = min(planes, first + chunk);' 'const ulong last = min(planes, first + chunk - 1);'
  backward-max-sum      backward.cl 'sum += LOAD(g, o);'                      'sum = LOAD(g, o);'
  backward-avg-sum      backward.cl 'sum += bin_mean('                        'sum = bin_mean('
)

work=target/kernel-mutants
rm -rf "$work"
mkdir -p "$work/original"
cp kernels/*.cl "$work/original/"
restore() { cp "$work/original/"*.cl kernels/; }
trap restore EXIT
trap 'exit 130' INT TERM

# Runs the selection with a fresh program cache; prints passed, failed, timed out or build failure.
run_tests() {
  local log=$1 cache
  cache=$(mktemp -d "$work/cache.XXXXXX")
  local rc=0
  CI=true POCL_CACHE_DIR="$PWD/$cache/pocl" timeout --kill-after=30 "$LIMIT_S" mvn -B test -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
    -DargLine="-Dclpool.cacheDir=$PWD/$cache -Dclpool.test.seed=$SEED" >"$log" 2>&1 || rc=$?
  rm -rf "$cache"
  if [ "$rc" = 0 ]; then echo passed
  elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then echo "timed out"
  elif grep -qs ProgramBuildException $(printf 'target/surefire-reports/dev.clpool.%s.txt ' ${TESTS//,/ }); then echo "build failure"
  else echo failed
  fi
}

apply() { # file, old, new: replaces the one occurrence of old
  python3 - "kernels/$1" "$2" "$3" <<'EOF'
import sys
path, old, new = sys.argv[1:]
text = open(path, encoding="utf-8").read()
if text.count(old) != 1:
    sys.exit(f"{path}: the mutant's text occurs {text.count(old)} times, not once: {old!r}")
open(path, "w", encoding="utf-8").write(text.replace(old, new, 1))
EOF
}

selected() { # name: true when no filter was given or the name contains a filter word
  [ $# -eq 1 ] && return 0
  local name=$1 word; shift
  for word in "$@"; do [[ "$name" == *"$word"* ]] && return 0; done
  return 1
}

start=$SECONDS
echo "kernel-mutants: the selection unmutated ($TESTS)"
baseline=$(run_tests "$work/baseline.log")
if [ "$baseline" != passed ]; then
  echo "kernel-mutants: FAIL: the selection $baseline without mutants; see $work/baseline.log" >&2; exit 1
fi
echo "baseline passed in $((SECONDS - start)) s" | tee "$work/results.txt"

survivors=0 broken=0 count=0
for ((i = 0; i < ${#MUTANTS[@]}; i += 4)); do
  name=${MUTANTS[i]} file=${MUTANTS[i + 1]} old=${MUTANTS[i + 2]} new=${MUTANTS[i + 3]}
  selected "$name" "$@" || continue
  count=$((count + 1))
  t0=$SECONDS
  restore
  apply "$file" "$old" "$new"
  outcome=$(run_tests "$work/$name.log")
  case $outcome in
    passed) verdict=SURVIVED; survivors=$((survivors + 1)) ;;
    "build failure") verdict="NOT BUILT"; broken=$((broken + 1)) ;;
    *) verdict="killed ($outcome)" ;;
  esac
  printf '%-22s %-17s %-20s %4d s\n' "$name" "$file" "$verdict" $((SECONDS - t0)) | tee -a "$work/results.txt"
done
restore
echo "kernel-mutants: $count mutants, $survivors survived, $broken did not build, in $((SECONDS - start)) s" | tee -a "$work/results.txt"
[ "$survivors" = 0 ] && [ "$broken" = 0 ]
