#!/usr/bin/env bash
# The fleet queue's claim benchmark: 2000 queued configurations drained by 32 agent threads
# (a no-op measurement: the claim path alone), on a scratch PostgreSQL with durable commits, or on
# the server named by --url and --password-file. Prints, for a warm-up round, one agent alone and
# the full run: claims/s, claim latency as the agent sees it (p50/p95/p99/max), duplicates and
# losses. Run it on a quiet machine: it refuses when the load average is 4 or more.
#   scripts/fleet-claim-bench.sh [--jobs 2000] [--agents 32] [--warmup N] [--durable-claims] [--measure-ms MS]
#                                [--url postgresql://user@host/db --password-file FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l >= 4) }' && [ "${FORCE:-}" != 1 ]; then
  echo "load average $load >= 4: not measured (numbers would be noise; FORCE=1 to run anyway)" >&2
  exit 3
fi
jar=inferwatt-cli/target/inferwatt.jar
[ -f "$jar" ] || mvn -B -q -o package -DskipTests -Dfmt.skip
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
java -cp "$jar" io.inferwatt.fleet.ClaimBench "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
