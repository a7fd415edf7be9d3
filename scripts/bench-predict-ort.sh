#!/usr/bin/env bash
# Real check of fit/predict: ONNX Runtime's latency on this machine's CPU (board local), per network and
# per layer, on network families never in the training set (leave-families-out). See bench_predict_ort.py.
#   scripts/bench-predict-ort.sh [BASE]
# Without BASE it measures plans/train-local-ort.yaml into a new base (about 20 min on 2 quiet cores), in
# ROUNDS parts that take turns with the rounds of held-out profiles, so that both meet the machine's drift alike.
# Environment: PLAN (another training plan), NETS (held-out networks, space-separated, as plans name them),
# CYCLES (profile cycles per held-out network, default 100), ROUNDS (profiles per held-out network, interleaved;
# the reference is their median, default 3), PROBES (training networks profiled in every round to show the
# machine's drift since the training study, default mnasnet-r128 resnet18-r128 mobilenetv3small-r128), MODELS (a model file instead of fitting BASE),
# PROFILES (a folder keeping the held-out profiles; reused when there, to compare models on the same measurements).
# The held-out profiles run at the training runs' intra-op thread count (their `threads` setting) where the base has one.
# Latency measured on a loaded machine is noise: run it on a quiet machine; the load average is printed.
# The training study and the held-out profiles run under real-time priority (chrt -r 10) where the
# machine allows it, which keeps other work off the cores while they measure (QUIET=0: never).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
base="${1:-}"
prefix="$(measure_prefix)"
echo "load before: $(load); measuring under: ${prefix:-normal priority}"
if [[ -z "$base" ]]; then
  # measured by bench_predict_ort.py in ROUNDS parts, each followed by a round of held-out profiles
  base="$work/train-ort.duckdb"
  export TRAIN_PLAN="${PLAN:-$here/plans/train-local-ort.yaml}"
fi
nets="${NETS:-mobilenetv2-r128 resnet50-r128 efficientnetb0-r128 googlenet-r128 densenet121-r128 mobilenetv3large-r128 mobilenetv2-w0.5-r160 resnet50-w0.5-r96 efficientnetb0-r96 googlenet-r96 mobilenetv3large-w0.75-r160 densenet121-r96}"
MEASURE_PREFIX="$prefix" python3 "$here/scripts/bench_predict_ort.py" "$jar" "$base" "$work" "${CYCLES:-100}" $nets
echo "load after: $(load)"
