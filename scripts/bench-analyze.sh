#!/usr/bin/env bash
# Whole-process benchmark of `inferwatt analyze` against a plain numpy script doing the paper's
# mapping (scripts/bench_analyze_numpy.py), run in turn on the same files, at 1x, 3x and 10x the
# paper's size (30 000 cycles x 40 layers, a read every 1.6 ms). Reports the median wall time and
# peak RSS (GNU time -v) of each. inferwatt runs with -Xmx256m (override: XMX=...), started as
# ./inferwatt starts it (scripts/java-command.sh: with the jar's start-up archive); JAR=FILE times
# another build's jar (e.g. main's, to compare) instead of this tree's.
#
# usage: scripts/bench-analyze.sh [SIZES (default "1 3 10")] [REPS (default 3)]
# needs: java, python3 with numpy (pip install numpy), /usr/bin/time (GNU time)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes="${1:-1 3 10}"
reps="${2:-3}"
xmx="${XMX:-256m}"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/inferwatt-bench-analyze}"
jar="${JAR:-$here/inferwatt-cli/target/inferwatt.jar}"
python3 -c 'import numpy' 2>/dev/null || { echo "needs numpy: pip install numpy" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
[[ -n "${JAR:-}" ]] || "$here/inferwatt" --version >/dev/null # builds the jar (and its start-up archive) when needed
mkdir -p "$work"
source "$here/scripts/java-command.sh"
inferwatt_java "$jar" "-Xmx$xmx"

# one run: prints "wall_s peak_mib exit cpu_s" (cpu: user + system, all threads)
measure() {
  local log="$work/time.log"
  set +e
  /usr/bin/time -v "$@" >"$work/out.txt" 2>"$log"
  local rc=$?
  set -e
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2f", s}' "$log")
  echo "$wall $rss $rc $cpu"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "median of $reps runs; $(nproc) cpus; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-5s %-28s %10s %10s %10s\n" size tool "wall s" "cpu s" "peak MiB"
for n in $sizes; do
  cycles=$((30000 * n))
  s="$work/s$n.csv"
  e="$work/e$n.jsonl"
  if [[ ! -s "$s" || ! -s "$e" ]]; then
    java -Xmx12g -jar "$jar" bench --cycles "$cycles" --layers 40 \
      --save-samples "$s" --save-events "$e" >&2
  fi
  for tool in paper window numpy; do
    walls=()
    rsss=()
    cpus=()
    for ((r = 0; r < reps; r++)); do
      case $tool in
        numpy) read -r w m c u < <(measure python3 "$here/scripts/bench_analyze_numpy.py" "$s" "$e") ;;
        *) read -r w m c u < <(measure "${JAVA_CMD[@]}" analyze --samples "$s" \
              --events "$e" --mapping "$tool" --format json) ;;
      esac
      if [[ "$c" != 0 ]]; then
        echo "$tool at ${n}x failed (exit $c):" >&2
        tail -3 "$work/time.log" "$work/out.txt" >&2
        w=nan
        m=nan
        u=nan
      fi
      walls+=("$w")
      rsss+=("$m")
      cpus+=("$u")
    done
    label=$([[ $tool == numpy ]] && echo "numpy (paper mapping)" || echo "inferwatt --mapping $tool")
    printf "%-5s %-28s %10s %10s %10s\n" "${n}x" "$label" \
      "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
      "$(printf '%s\n' "${rsss[@]}" | median)"
  done
done
