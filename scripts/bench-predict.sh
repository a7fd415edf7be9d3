#!/usr/bin/env bash
# Accuracy and speed of fit/predict on the virtual Nano (leave-one-network-out), see bench_predict.py.
#   scripts/bench-predict.sh [BASE]   (without BASE, measures a training study first: a few minutes)
# Benchmarks on a loaded machine are noise for the timings: the load average is printed with them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
base="${1:-}"
if [[ -z "$base" ]]; then
  base="$work/train.duckdb"
  cat > "$work/train.yaml" <<'PLAN'
study: bench-predict
board: sim:nano
engine: sim
seed: 3
protocol: {warmup: 2, cycles: 20, layer_cycles: 0, max_layer_cycles: 40, min_samples_per_layer: 20, idle: 50ms}
base: {model: mobilenetv2, batch: 1, mode: sync, input: fixed-random, cpu.cores: 4, cpu.freq_khz: 1479000, gpu.freq_hz: 921600000}
sweeps:
  - name: g
    grid: {model: [mobilenetv1, mobilenetv2, resnet18, resnet50], gpu.freq_hz: [153600000, 384000000, 614400000, 921600000], cpu.freq_khz: [710400, 1479000], batch: [1, 8], mode: [sync, async]}
PLAN
  java -jar "$jar" study run "$work/train.yaml" --db "$base" >/dev/null
fi
echo "load: $(load)"
python3 "$here/scripts/bench_predict.py" "$jar" "$base" "$work"
echo "load: $(load)"
