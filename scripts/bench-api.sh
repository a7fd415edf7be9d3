#!/usr/bin/env bash
# Benchmarks of the inferwatt API (not tests):
#   scripts/bench-api.sh window                 open+close one window: ns/op and B/op (JMH, gc profiler)
#   scripts/bench-api.sh alloc                  bytes per window on the caller's and the meter's thread
#                                               (per-thread counters: valid under load, runs always)
#   scripts/bench-api.sh profiler [pairs=5] [fake|sim:nano]
#       a JMH benchmark's score without a profiler, with EnergyProfiler and with a no-op profiler,
#       interleaved, one fork each: the relative difference per round, its mean, sd and 95 % interval,
#       and the power logger's own CPU time.
# Timings need a quiet machine: when the 1-minute load average is 3 or more the script says so and
# measures nothing (FORCE=1 runs anyway; the window benchmark's B/op does not depend on the load).
# Compiles the API's tests and writes their class path first (mvn -o, nothing installed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cpfile="$here/inferwatt-api/target/bench-classpath.txt"
(cd "$here" && MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -o -B -q -Dstyle.color=never -Dfmt.skip -pl inferwatt-api -am test-compile \
  dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test) >&2
load="$(cut -d' ' -f1 /proc/loadavg)"
echo "load: $(uptime)"
if [[ "${1:-window}" != alloc ]] && awk -v l="$load" 'BEGIN { exit !(l >= 3) }' && [[ "${FORCE:-0}" != 1 ]]; then
  echo "load average $load >= 3 on $(nproc) cores: not measured (the numbers would be noise; FORCE=1 runs anyway)"
  exit 3
fi
cp="$here/inferwatt-api/target/test-classes:$here/inferwatt-api/target/classes:$(cat "$cpfile")"
exec java -cp "$cp" io.inferwatt.jmh.ApiBench "$@"
