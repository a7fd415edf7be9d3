#!/usr/bin/env bash
# Whole-process wall time of the paper's study on the virtual Nano (`inferwatt study paper --board
# sim:nano`, 60 configurations) with --keep-raw all and summary, each into a fresh base, for one or
# more builds run in turn (to compare a branch with main at the same load). Prints the median wall
# time, CPU time (user + system) and peak RSS of REPS runs, and the load average before and after.
# Each build starts as ./inferwatt starts it (scripts/java-command.sh: with the jar's start-up
# archive, made beside the jar when missing; INFERWATT_CDS=off for none).
#
# usage: scripts/bench-study.sh [REPS (default 3)] [JAR ...]   (default JAR: this tree's build)
# e.g.:  scripts/bench-study.sh 3 /tmp/main.jar inferwatt-cli/target/inferwatt.jar
# needs: java, /usr/bin/time (GNU time)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${1:-3}"
shift || true
jars=("$@")
if [[ ${#jars[@]} -eq 0 ]]; then
  "$here/inferwatt" --version >/dev/null # builds the jar when needed
  jars=("$here/inferwatt-cli/target/inferwatt.jar")
fi
[[ -x /usr/bin/time ]] || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
work="$(mktemp -d "${TMPDIR:-/tmp}/inferwatt-bench-study.XXXXXX")"
trap 'rm -rf "$work"' EXIT

source "$here/scripts/java-command.sh"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "median of $reps runs; $(nproc) cpus; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-50s %-8s %10s %10s %10s\n" build keep-raw "wall s" "cpu s" "peak MiB"
for keep in all summary; do
  for jar in "${jars[@]}"; do
    walls=()
    cpus=()
    rsss=()
    inferwatt_java "$jar"
    for ((r = 0; r < reps; r++)); do
      rm -f "$work"/base.duckdb*
      /usr/bin/time -v "${JAVA_CMD[@]}" study paper --board sim:nano --db "$work/base.duckdb" \
        --keep-raw "$keep" >"$work/out.txt" 2>"$work/time.log" || {
        echo "$jar failed:" >&2
        tail -5 "$work/time.log" >&2
        exit 1
      }
      walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time.log")")
      cpus+=("$(awk -F': ' '/User time|System time/ {s+=$2} END {printf "%.2f", s}' "$work/time.log")")
      rsss+=("$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/time.log")")
    done
    printf "%-50s %-8s %10s %10s %10s\n" "$jar" "$keep" \
      "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
      "$(printf '%s\n' "${rsss[@]}" | median)"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
