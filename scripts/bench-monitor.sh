#!/usr/bin/env bash
# Benchmark (not a test): `inferwatt monitor --prometheus` on a fake Jetson Nano tree (or the
# virtual board: board sim:nano) while N clients scrape /metrics once a second; prints the
# monitor's summary, whose logger lines give the achieved read rate and the dropped samples
# (target 0). Needs a quiet machine: says so and stops when the load average is 3 or more.
# Usage: scripts/bench-monitor.sh [clients=10] [seconds=10] [port=19464] [board=local]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clients="${1:-10}"; seconds="${2:-10}"; port="${3:-19464}"; board="${4:-local}"
sim=false; [[ "$board" == sim:* ]] && sim=true
root="$(mktemp -d)"; trap 'rm -rf "$root"' EXIT
iio="$root/sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0"; mkdir -p "$iio"
n=0; for name in POM_5V_IN POM_5V_GPU POM_5V_CPU; do
  echo "$name" > "$iio/rail_name_$n"; echo 2300 > "$iio/in_power${n}_input"
  echo 5000 > "$iio/in_voltage${n}_input"; echo 460 > "$iio/in_current${n}_input"; n=$((n+1)); done
echo "load: $(uptime)"
load="$(cut -d' ' -f1 /proc/loadavg)"
if awk -v l="$load" 'BEGIN { exit !(l >= 3) }' && [[ "${FORCE:-0}" != 1 ]]; then
  echo "load average $load >= 3 on $(nproc) cores: not measured (FORCE=1 runs anyway)"; exit 3
fi
"$here/inferwatt" monitor --root "$root" --board "$board" --duration "${seconds}s" \
  --prometheus "127.0.0.1:$port" > "$root/out.txt" 2>&1 &
mon=$!
sleep 2
ok=0; fail=0
for c in $(seq "$clients"); do
  ( for i in $(seq $((seconds - 3))); do
      body="$(curl -s --max-time 2 "http://127.0.0.1:$port/metrics" || true)"
      if [[ "$body" == *"hw_energy_joules_total{board=\"$board\",rail=\"in\",simulated=\"$sim\"}"* ]]; then echo ok; else echo fail; fi
      sleep 1; done ) > "$root/client$c.txt" &
done
wait "$mon"
ok=$(cat "$root"/client*.txt | grep -c ok || true); fail=$(cat "$root"/client*.txt | grep -c fail || true)
grep -A20 '^summary:' "$root/out.txt"
echo "scrapes: $ok ok, $fail failed ($clients clients, once a second)"
