#!/usr/bin/env bash
# The fleet queue's claim benchmark: 2000 queued configurations drained by 32 agent threads
# (a no-op measurement: the claim path alone), on a scratch PostgreSQL with durable commits, or on
# the server named by a URL and password file. Prints claims/s, claim latency p50/p99/max and the
# exactly-once check. Run it on a quiet machine: it refuses when the load average is 4 or more.
#   scripts/fleet-claim-bench.sh [jobs] [agents] [postgresql://user@host/db password-file]
set -euo pipefail
cd "$(dirname "$0")/.."
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l >= 4) }' && [ "${FORCE:-}" != 1 ]; then
  echo "load average $load >= 4: not measured (numbers would be noise; FORCE=1 to run anyway)" >&2
  exit 3
fi
jar=inferwatt-cli/target/inferwatt.jar
[ -f "$jar" ] || mvn -B -q -o package -DskipTests -Dfmt.skip
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$jar" io.inferwatt.fleet.ClaimBench "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
