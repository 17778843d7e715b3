#!/usr/bin/env bash
# Spark resource discovery script for GPUs (spark.executor.resource.gpu.discoveryScript and
# spark.worker.resource.gpu.discoveryScript). Prints the GPUs this executor may use as the JSON
# Spark expects: {"name": "gpu", "addresses": ["0", "1"]}.
#
# Addresses are CUDA ordinals as the process sees them: when CUDA_VISIBLE_DEVICES limits the GPUs
# (YARN and Kubernetes set it for a container), ordinals 0..n-1 of that list; otherwise every GPU
# nvidia-smi lists. A sweep task binds ND4J to the address Spark assigns it (train.gpu).
set -euo pipefail

addresses=()
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" && "${CUDA_VISIBLE_DEVICES}" != "NoDevFiles" ]]; then
  IFS=',' read -r -a visible <<< "${CUDA_VISIBLE_DEVICES}"
  for i in "${!visible[@]}"; do
    addresses+=("\"${i}\"")
  done
elif command -v nvidia-smi > /dev/null 2>&1; then
  while IFS= read -r index; do
    index="${index//[[:space:]]/}"
    [[ -n "${index}" ]] && addresses+=("\"${index}\"")
  done < <(nvidia-smi --query-gpu=index --format=csv,noheader)
else
  echo "discover-gpus.sh: no nvidia-smi on PATH and CUDA_VISIBLE_DEVICES unset:" \
    "this executor has no GPU Spark can assign" >&2
fi

joined=$(IFS=','; echo "${addresses[*]:-}")
echo "{\"name\": \"gpu\", \"addresses\": [${joined}]}"
