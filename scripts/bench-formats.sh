#!/usr/bin/env bash
# Parse time of a paper-sized recording as the samples CSV and events JSONL (inferwatt's readers)
# against the same data as Parquet read through DuckDB's JDBC (scripts/BenchFormats.java); the
# numbers behind docs/formats.md, "Long recordings".
#
# usage: scripts/bench-formats.sh [WORKDIR (default /tmp/inferwatt-bench-formats)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-${TMPDIR:-/tmp}/inferwatt-bench-formats}"
jar="$here/inferwatt-cli/target/inferwatt.jar"
"$here/inferwatt" --version >/dev/null # builds the jar when needed
mkdir -p "$work"
if [[ ! -s "$work/s.csv" || ! -s "$work/e.jsonl" ]]; then
  java -jar "$jar" bench --cycles 30000 --layers 40 --save-samples "$work/s.csv" \
    --save-events "$work/e.jsonl" >&2
fi
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$jar" "$here/scripts/BenchFormats.java" "$work/s.csv" "$work/e.jsonl" "$work"
