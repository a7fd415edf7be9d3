#!/usr/bin/env bash
# Leave-one-family-out inside an ONNX Runtime training base (board local), from its stored measurements:
# nothing is measured again, so it runs on a loaded machine too. See bench_predict_ort_lofo.py.
#   scripts/bench-predict-ort-lofo.sh BASE [FAMILY...]     (BASE: measured with plans/train-local-ort.yaml)
# The base is copied first; it is never written.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
base="${1:?usage: bench-predict-ort-lofo.sh BASE [FAMILY...]}"
shift
echo "load before: $(load)"
python3 "$here/scripts/bench_predict_ort_lofo.py" "$jar" "$base" "$work" "$@"
echo "load after: $(load)"
