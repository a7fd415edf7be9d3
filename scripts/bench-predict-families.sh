#!/usr/bin/env bash
# Accuracy of fit/predict on networks of families never in the training set, on the virtual Nano
# (issue 12, "Accuracy it must show", item 1). Every number is simulated.
#   scripts/bench-predict-families.sh [BASE]
# Without BASE: measures plans/train-sim-nano.yaml into a fresh base first (its wall time printed).
# Then: fit on the base (wall time printed), profile each held-out family at five settings and
# compare with predict (bench_predict_families.py), then Table I: the paper's study measured on
# MobileNetV2 (a held-out family) next to the optima the models predict.
# INFERWATT_JAR=path uses another build of the jar.
# Timings on a loaded machine are upper bounds: the load average is printed with them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${INFERWATT_JAR:-$here/inferwatt-cli/target/inferwatt.jar}"
[[ -f "$jar" ]] || (cd "$here" && mvn -q -B -Dfmt.skip -DskipTests package)
work="$(mktemp -d)"
base="${1:-}"
if [[ -z "$base" ]]; then
  base="$work/train.duckdb"
  echo "load before the study: $(cut -d' ' -f1-3 /proc/loadavg)"
  t0=$(date +%s)
  java -jar "$jar" study run "$here/plans/train-sim-nano.yaml" --db "$base" >/dev/null
  echo "study run plans/train-sim-nano.yaml: $(( $(date +%s) - t0 )) s wall (load $(cut -d' ' -f1-3 /proc/loadavg))"
fi
cp "$base" "$work/fit.duckdb"
t0=$(date +%s)
java -jar "$jar" fit --db "$work/fit.duckdb" --skip-short --export "$work/models.json" > "$work/fit.txt"
echo "fit: $(( $(date +%s) - t0 )) s wall (load $(cut -d' ' -f1-3 /proc/loadavg)); table in $work/fit.txt"
# the families the training plan leaves out (plans/train-sim-nano.yaml)
python3 "$here/scripts/bench_predict_families.py" "$jar" "$work/models.json" "$work/layers.jsonl" \
  mobilenetv2 resnet50 resnet101 efficientnetb0 googlenet densenet121 mobilenetv3large vgg16
# Table I on the held-out MobileNetV2: measured (the paper's study) and predicted
java -jar "$jar" study paper --board sim:nano --db "$work/fit.duckdb" >/dev/null
java -jar "$jar" optima --db "$work/fit.duckdb" --study paper-nano --predicted --format json > "$work/optima.json"
python3 - "$work/optima.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
agree = total = 0
for obj in ("power", "latency", "energy"):
    for k, v in o[obj]["best"].items():
        pv = o["predicted"][obj]["best"].get(k)
        if pv is None:
            continue
        within = o[obj]["within"].get(k, [v])
        ok = pv == v or pv in within
        total += 1
        agree += ok
        print(f"[simulated] Table I {obj:8s} {k:14s} measured best {v} (within 2 %: {within}), predicted {pv}: {'equal' if ok else 'DIFFERS'}")
print(f"[simulated] Table I: {agree} of {total} predicted optima equal the measured ones (within the 2 % ranges)")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); work files in $work"
