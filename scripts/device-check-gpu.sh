#!/usr/bin/env bash
# Device check of NVML under the PyTorch runner, on a machine with an NVIDIA GPU, PyTorch,
# torchvision and libnvidia-ml.so.1, and no Java: the real counterpart of sim:gpu
# (docs/virtual-gpu.md).
#
# What it needs, carried from the build machine (both git-ignored; see device-check-nvml.sh):
#   .jre/        a jlinked Java runtime, as a folder (.jre/bin/java) or one .tar.gz inside it
#   dist/*.jar   the built CLI jar with its dependencies; or INFERWATT_JAR=path
# Without them the Java step is skipped (said so) and the Python step still runs.
#
# What it does:
#   1. prints the GPU;
#   2. inferwatt profile --board local --engine command -- runners/torch_runner.py (ResNet18):
#      NVML's power field polled by inferwatt's own NvmlSource while the PyTorch runner runs,
#      per-inference energy by trapezoidal integration (the Java path);
#   3. scripts/gpu_energy_check.py: over a window of ResNet18 inferences, the energy counter
#      against the integrated sample buffer and the integrated polled power, the update periods
#      and read rate seen, per-inference energy from the counter, and per-layer energy of
#      ResNet18 by differential prefix profiling; prints the table.
# Knobs (environment): WINDOW_S (10), PREFIX_WINDOW_S (1.2), PREFIX_ROUNDS (2), CYCLES (5000).
# Outputs go to $OUT (default: a temporary folder). Exit status 0 when every step that could run ran.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
WINDOW_S="${WINDOW_S:-10}"
PREFIX_WINDOW_S="${PREFIX_WINDOW_S:-1.2}"
PREFIX_ROUNDS="${PREFIX_ROUNDS:-2}"
CYCLES="${CYCLES:-5000}"
say() { printf '\n=== %s\n' "$*"; }

say "GPU"
if ! command -v nvidia-smi >/dev/null; then
  echo "nvidia-smi not found: this is not a machine with an NVIDIA driver" >&2
  exit 2
fi
nvidia-smi --query-gpu=index,name,driver_version,power.draw,power.limit,clocks.sm --format=csv
python3 -c "import torch, torchvision; print('torch', torch.__version__, 'torchvision', torchvision.__version__, 'cuda', torch.cuda.is_available())"

say "Java runtime and inferwatt jar"
JAVA=""
if [[ -x .jre/bin/java ]]; then
  JAVA=.jre/bin/java
else
  archive="$(ls .jre/*.tar.gz .jre/*.tgz 2>/dev/null | head -n1 || true)"
  if [[ -n "$archive" ]]; then
    mkdir -p /tmp/inferwatt-jre
    tar -xzf "$archive" -C /tmp/inferwatt-jre
    JAVA="$(find /tmp/inferwatt-jre -path '*/bin/java' -type f | head -n1)"
  fi
fi
JAR="${INFERWATT_JAR:-$(ls dist/*.jar 2>/dev/null | head -n1 || true)}"
JAVA_MJ="nan"
if [[ -z "$JAVA" || -z "$JAR" || ! -f "$JAR" ]]; then
  echo "no Java runtime or no CLI jar (carry .jre/ and dist/*.jar): the Java step is skipped"
else
  "$JAVA" -version 2>&1 | head -n1
  echo "jar: $JAR"
  inferwatt() {
    if [[ -n "${INFERWATT_MAIN:-}" ]]; then
      "$JAVA" -cp "$JAR" "$INFERWATT_MAIN" "$@"
    else
      "$JAVA" -jar "$JAR" "$@"
    fi
  }

  say "inferwatt profile: NVML polled under the PyTorch runner (ResNet18, $CYCLES cycles)"
  inferwatt profile --board local --engine command --no-store --format json \
    --warmup 100 --cycles "$CYCLES" --layer-cycles 200 --idle 2s \
    --save-samples "$OUT/profile-samples.csv" --save-events "$OUT/profile-events.jsonl" \
    -- python3 runners/torch_runner.py --model resnet18 --batch '{batch}' --mode '{mode}' \
    --input '{input}' --warmup '{warmup}' --latency '{latency}' --power '{power}' \
    --layers '{layers}' > "$OUT/profile.json" 2> "$OUT/profile.err" || {
      echo "inferwatt profile failed:"; tail -n 20 "$OUT/profile.err"; }
  if [[ -s "$OUT/profile.json" ]]; then
    JAVA_MJ="$(python3 - "$OUT/profile.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rails = d.get("rails", [])
lat = d["inferences"]["latency_ms"]["mean"]
print("rails %s, latency %.3f ms, sample period %s ms" % (rails, lat, d.get("sample_period_ms")), file=sys.stderr)
for r in rails:
    e = d["inferences"]["energy_mj"][r]
    print("%s: %.3f mJ per inference (trapezoid over polled power), %.3f (mean power x latency)"
          % (r, e["mean"] or float("nan"), e["mean_power_x_latency"] or float("nan")), file=sys.stderr)
gpu = [r for r in rails if r.startswith("gpu")]
print(d["inferences"]["energy_mj"][gpu[0]]["mean"] if gpu and d["inferences"]["energy_mj"][gpu[0]]["mean"] else "nan")
PY
)"
  fi
fi

say "NVML readings and prefix profiling (ResNet18, PyTorch)"
python3 scripts/gpu_energy_check.py --model resnet18 --window "$WINDOW_S" \
  --prefix-window "$PREFIX_WINDOW_S" --rounds "$PREFIX_ROUNDS" --java-energy-mj "$JAVA_MJ" \
  --out "$OUT/gpu-check.json" | tee "$OUT/gpu-check.txt"
echo "outputs in $OUT"
