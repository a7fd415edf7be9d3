#!/usr/bin/env bash
# Device check of the NVML power source, on a machine with an NVIDIA GPU, PyTorch and no Java.
#
# What it needs, carried from the build machine (both are git-ignored):
#   .jre/                 a Java runtime made with jlink, as a folder (.jre/bin/java) or one
#                         archive inside it (.jre/*.tar.gz), e.g.
#                           jlink --add-modules java.base,java.management,java.logging,java.sql,java.naming,jdk.unsupported \
#                                 --strip-debug --no-header-files --no-man-pages --output .jre
#   dist/*.jar            the built CLI jar with its dependencies (JNA included); override with
#                         INFERWATT_JAR=path; if the jar has no Main-Class, set INFERWATT_MAIN=class
# What it does: prints the GPU, runs `inferwatt sensors`, then a 10-second `inferwatt log` against
# NVML while a PyTorch matmul load runs, and prints the samples' summary. Outputs go to $OUT
# (default: a temporary folder). Exit status: 0 when every step ran and NVML gave samples.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
LOG_SECONDS="${LOG_SECONDS:-10}"
say() { printf '\n=== %s\n' "$*"; }

say "GPU"
if ! command -v nvidia-smi >/dev/null; then
  echo "nvidia-smi not found: this is not a machine with an NVIDIA driver" >&2
  exit 2
fi
nvidia-smi --query-gpu=index,name,driver_version,power.draw,power.limit --format=csv
ldconfig -p | grep -m1 'libnvidia-ml.so.1' || echo "warning: libnvidia-ml.so.1 is not in the ldconfig cache"

say "Java runtime"
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
if [[ -z "$JAVA" ]]; then
  echo "no Java runtime: carry .jre/ (a jlink output folder or one .tar.gz in it)" >&2
  exit 2
fi
"$JAVA" -version 2>&1 | head -n1
if ! "$JAVA" --list-modules | grep -q '^java.management'; then
  echo "the carried runtime lacks java.management (the logger measures its CPU time with it)" >&2
  exit 2
fi

JAR="${INFERWATT_JAR:-$(ls dist/*.jar 2>/dev/null | head -n1 || true)}"
if [[ -z "$JAR" || ! -f "$JAR" ]]; then
  echo "no CLI jar: carry dist/<name>.jar or set INFERWATT_JAR" >&2
  exit 2
fi
echo "jar: $JAR"
inferwatt() {
  if [[ -n "${INFERWATT_MAIN:-}" ]]; then
    "$JAVA" -cp "$JAR" "$INFERWATT_MAIN" "$@"
  else
    "$JAVA" -jar "$JAR" "$@"
  fi
}

say "inferwatt sensors (idle GPU)"
inferwatt sensors --duration 3s | tee "$OUT/sensors.txt"
inferwatt sensors --duration 1s --format json > "$OUT/sensors.json"
python3 - "$OUT/sensors.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
nvml = [s for s in doc["sources"] if s["kind"] == "nvml"]
if not nvml:
    sys.exit("NVML source absent: " + "; ".join(a["reason"] for a in doc["absent"] if a["kind"] == "nvml"))
for r in nvml[0]["rails"]:
    print(f'{r["name"]}: {r["power_mw"]} mW ({r["label"]})')
print("sampling:", nvml[0]["sampling"])
PY

say "PyTorch matmul load for $((LOG_SECONDS + 4)) s"
python3 - "$((LOG_SECONDS + 4))" > "$OUT/load.txt" 2>&1 <<'PY' &
import sys, time, torch
seconds = float(sys.argv[1])
a = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
b = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
end = time.monotonic() + seconds
n = 0
while time.monotonic() < end:
    for _ in range(20):
        c = a @ b
    torch.cuda.synchronize()
    n += 20
print(f"{n} matmuls of 8192x8192 fp16 in {seconds:.0f} s")
PY
LOAD=$!
sleep 2  # let the load ramp up before logging

say "inferwatt log --duration ${LOG_SECONDS}s (NVML, under load)"
inferwatt log --duration "${LOG_SECONDS}s" --period 10ms --out "$OUT/nvml-samples.csv" | tee "$OUT/log.txt"
wait "$LOAD"
cat "$OUT/load.txt"

say "samples"
head -n 3 "$OUT/nvml-samples.csv"
python3 - "$OUT/nvml-samples.csv" <<'PY'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1])))
if not rows:
    sys.exit("no samples recorded")
cols = [c for c in rows[0] if c.endswith("_mw")]
t = [int(r["t_ns"]) for r in rows]
print(f"{len(rows)} samples over {(t[-1] - t[0]) / 1e9:.2f} s, period mean {(t[-1] - t[0]) / max(1, len(t) - 1) / 1e6:.3f} ms")
for c in cols:
    v = [float(r[c]) for r in rows if r[c]]
    if not v:
        print(f"{c}: no values")
        continue
    changes = sum(1 for x, y in zip(v, v[1:]) if x != y)
    print(f"{c}: mean {statistics.mean(v):.0f} mW, min {min(v):.0f}, max {max(v):.0f}, "
          f"{len(rows) - len(v)} gaps, value changed {changes} times")
PY
echo "outputs in $OUT"
