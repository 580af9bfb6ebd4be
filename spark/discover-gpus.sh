#!/usr/bin/env bash
# Spark's GPU discovery script for clpool (spark.executor.resource.gpu.discoveryScript): prints this machine's
# GPUs as {"name":"gpu","addresses":[...]}. NVIDIA GPUs by PCI bus id (00000000:17:00.0, which clpool matches
# to the OpenCL device reporting that address); where nvidia-smi gives no bus ids, its indices; without
# nvidia-smi, one index per render node (/dev/dri/renderD*), which clpool matches by index among the OpenCL GPUs.
set -euo pipefail
addresses=()
if command -v nvidia-smi >/dev/null 2>&1; then
  mapfile -t addresses < <(nvidia-smi --query-gpu=pci.bus_id --format=csv,noheader 2>/dev/null | tr -d ' \r' | grep . || true)
  if ((${#addresses[@]} == 0)); then
    mapfile -t addresses < <(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | tr -d ' \r' | grep . || true)
  fi
fi
if ((${#addresses[@]} == 0)); then
  shopt -s nullglob
  nodes=(/dev/dri/renderD*)
  for i in "${!nodes[@]}"; do
    addresses+=("$i")
  done
fi
json=""
for a in "${addresses[@]}"; do
  json+="${json:+,}\"$a\""
done
echo "{\"name\":\"gpu\",\"addresses\":[$json]}"
