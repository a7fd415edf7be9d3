#!/usr/bin/env bash
# Speed of fit and predict against the issue's targets (2 cores): fit on 10 000 layer rows <= 30 s; predict of a
# 200-layer network at one setting <= 200 ms; predict --sweep over the paper's settings <= 2 s. See
# bench_predict_speed.py.
#   scripts/bench-predict-speed.sh [BASE]   (without BASE, a virtual-Nano study of about 10 600 layer rows first: 80 sync configurations)
#   scripts/bench-predict-speed.sh --compare MODELS.json JAR...   (predict of densenet121 by each
#       build in turn, ROUNDS=7 rounds: wall and CPU time, beyond the start too, and whether every
#       build printed the same bytes; NET=resnet101 for another network; see bench_predict_compare.py)
# Timings on a loaded machine are upper bounds: the load average is printed with them.
set -euo pipefail
if [[ "${1:-}" == --compare ]]; then
  [[ $# -ge 3 ]] || { echo "usage: $0 --compare MODELS.json JAR..." >&2; exit 2; }
  models="$(realpath "$2")"
  shift 2
  work="$(mktemp -d "${TMPDIR:-/tmp}/inferwatt-bench-predict.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  jars=()
  for j in "$@"; do jars+=("$(realpath "$j")"); done
  python3 "$(dirname "${BASH_SOURCE[0]}")/bench_predict_compare.py" "$work" "$models" "${NET:-densenet121}" "${ROUNDS:-7}" "${jars[@]}"
  exit
fi
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
base="${1:-}"
if [[ -z "$base" ]]; then
  base="$work/speed.duckdb"
  cat > "$work/speed.yaml" <<'PLAN'
study: bench-predict-speed
board: sim:nano
engine: sim
seed: 3
protocol: {warmup: 2, cycles: 10, layer_cycles: 0, max_layer_cycles: 20, min_samples_per_layer: 5, idle: 0s}
baseline: {model: mobilenetv2, batch: 1, mode: sync, input: fixed-random, cpu.cores: 4, cpu.freq_khz: 1479000, gpu.freq_hz: 921600000}
sweeps:
  - name: g
    grid: {model: [mobilenetv2, resnet50, resnet101, densenet121], gpu.freq_hz: [153600000, 230400000, 384000000, 537600000, 921600000], cpu.freq_khz: [710400, 1479000], batch: [1, 8]}
PLAN
  start=$(date +%s)
  "${JAVA_CMD[@]}" study run "$work/speed.yaml" --db "$base" >/dev/null
  echo "[simulated] speed base: $(( $(date +%s) - start )) s wall"
fi
echo "load: $(load)"
python3 "$here/scripts/bench_predict_speed.py" "$jar" "$base" "$work"
echo "load: $(load)"
