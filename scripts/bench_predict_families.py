#!/usr/bin/env python3
"""Held-out families on the virtual Nano: profile each network at a few settings and compare with
`predict --model MODELS` (models fitted on a base without these families, e.g. from
plans/train-sim-nano.yaml). Simulated numbers. Usage: JAR MODELS.json NET...
"""
import json, os, subprocess, sys, statistics, tempfile

jar, models, nets = sys.argv[1], sys.argv[2], sys.argv[3:]
DB = os.path.join(tempfile.mkdtemp(), "profiles.duckdb")
SETTINGS = [{"gpu.freq_hz": "230400000"}, {"gpu.freq_hz": "537600000"}, {"gpu.freq_hz": "921600000", "cpu.freq_khz": "710400"}]


def cli(*a):
    r = subprocess.run(["java", "-jar", jar, *a], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"{' '.join(a)}: {r.stderr.strip()}")
    return json.loads(r.stdout)


e_err, l_err, lat_in10, p_err = [], [], [], []
for net in nets:
    for s in SETTINGS:
        sets = [x for k, v in s.items() for x in ("--set", f"{k}={v}")]
        m = cli("profile", "--model", net, "--board", "sim:nano", "--db", DB, "--format", "json", "--cycles", "20", *sets)
        p = cli("predict", net, "--model", models, "--format", "json", *sets)
        rail = "in"
        e_err.append(abs(p["network"]["energy_mj"][rail]["value"] / m["inferences"]["energy_mj"][rail]["mean"] - 1) * 100)
        l_err.append(abs(p["network"]["latency_ms"]["value"] / m["inferences"]["latency_ms"]["mean"] - 1) * 100)
        meas = {l["index"]: l for l in m["layers"]}
        for lp in p["layers"]:
            ml = meas.get(lp["index"])
            if not lp["predicted"] or not ml or not ml.get("duration_ms_mean"):
                continue
            lat_in10.append(abs(lp["latency_ms"]["value"] / ml["duration_ms_mean"] - 1) <= 0.10)
            mp = (ml.get("power_mw") or {}).get(rail, {}).get("mean")
            if mp and lp["power_mw"] and rail in lp["power_mw"]:
                p_err.append(abs(lp["power_mw"][rail]["value"] / mp - 1) * 100)
    print(f"[simulated] {net}: network energy errors so far median {statistics.median(e_err):.2f} %", flush=True)


def q(v, f):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(f * (len(v) - 1))))]


print(f"[simulated] held-out families {', '.join(nets)} at {len(SETTINGS)} settings each")
print(f"[simulated] network energy ({len(e_err)}): median {q(e_err, .5):.2f} %, p90 {q(e_err, .9):.2f} %")
print(f"[simulated] network latency: median {q(l_err, .5):.2f} %, p90 {q(l_err, .9):.2f} %; within ±10 %: {100 * sum(e <= 10 for e in l_err) / len(l_err):.0f} %")
print(f"[simulated] per-layer latency within ±10 %: {100 * sum(lat_in10) / len(lat_in10):.1f} % of {len(lat_in10)} layers")
print(f"[simulated] per-layer power (in): median error {q(p_err, .5):.2f} % ({len(p_err)} layers)")
