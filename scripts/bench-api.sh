#!/usr/bin/env bash
# Benchmarks of the inferwatt API (not tests): `scripts/bench-api.sh window` (open+close a window,
# ns/op) or `scripts/bench-api.sh profiler [rounds]` (JMH score with and without EnergyProfiler,
# interleaved). Needs the modules compiled (mvn -o -q -pl inferwatt-api -am test-compile).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
m2="${HOME}/.m2/repository"
cp="$here/inferwatt-api/target/test-classes:$here/inferwatt-api/target/classes"
cp="$cp:$here/inferwatt-hardware/target/classes:$here/inferwatt-core/target/classes"
for j in org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar \
         org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar; do cp="$cp:$m2/$j"; done
for j in "$m2"/net/java/dev/jna/jna/5.18.1/jna-5.18.1.jar "$m2"/org/ejml/ejml-*/0.44.0/*.jar; do cp="$cp:$j"; done
echo "load: $(uptime)"
exec java -cp "$cp" io.inferwatt.jmh.ApiBench "$@"
