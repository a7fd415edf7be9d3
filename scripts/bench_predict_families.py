#!/usr/bin/env python3
"""Held-out families on the virtual Nano: profile each network at several settings and compare with
`predict --model MODELS` (models fitted on a base that holds none of these families, e.g. from
plans/train-sim-nano.yaml). Every number is simulated (the virtual Nano's power is a formula).

Usage: bench_predict_families.py JAR MODELS.json OUT.jsonl NET...
Prints the accuracy table (network energy error median/p90, share of layers within ±10 % of their
measured latency, per-layer power median error), broken down per layer type and per setting, and
the layers not predicted (partial predictions). OUT.jsonl gets one line per layer for analysis.
PROFILE_CACHE=DIR keeps each measured profile (it does not depend on the models) as DIR/NET@SETTING.json
and reads it from there on the next run, so that models can be compared on the same measurements.
CYCLES=N profiles each network with N cycles (default 20). Every error is given twice: against the
measurement (what the issue asks) and against the virtual board's truth of the same recording
(`truth` in profile's JSON), which separates the measurement's own error from the model's.
"""
import json, os, subprocess, sys, tempfile

jar, models, out, nets = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
DB = os.path.join(tempfile.mkdtemp(), "profiles.duckdb")
# settings the training plan did not all measure (cpu 710.4 MHz, 2 cores, batch 4 with 230.4 MHz)
SETTINGS = [
    {"gpu.freq_hz": "230400000"},
    {"gpu.freq_hz": "537600000"},
    {"gpu.freq_hz": "921600000", "cpu.freq_khz": "710400"},
    {"gpu.freq_hz": "768000000", "cpu.cores": "2", "cpu.freq_khz": "307200"},
    {"gpu.freq_hz": "384000000", "batch": "4"},
]
RAIL = "in"
CYCLES = os.environ.get("CYCLES", "20")


def cli(*a):
    r = subprocess.run(["java", "-jar", jar, *a], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"{' '.join(a)}: {r.stderr.strip()}")
    return json.loads(r.stdout)


def q(v, f):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(f * (len(v) - 1))))] if v else float("nan")


e_err, l_err, rows, partial = [], [], [], {}
# against the truth: the model's error (te, tl) and the measurement's own (me, ml)
te_err, tl_err, me_err, ml_err = [], [], [], []
with open(out, "w") as f:
    for net in nets:
        for s in SETTINGS:
            sets = [x for k, v in s.items() if k != "batch" for x in ("--set", f"{k}={v}")]
            batch = ["--batch", s["batch"]] if "batch" in s else []
            tag = ",".join(f"{k}={v}" for k, v in s.items())
            cache = os.environ.get("PROFILE_CACHE")
            cached = os.path.join(cache, f"{net}@{tag}@c{CYCLES}.json") if cache else None
            if cached and os.path.exists(cached):
                m = json.load(open(cached))
            else:
                m = cli("profile", "--model", net, "--board", "sim:nano", "--db", DB, "--format", "json",
                        "--cycles", CYCLES, *sets, *batch)
                if cached:
                    os.makedirs(cache, exist_ok=True)
                    json.dump(m, open(cached, "w"))
            p = cli("predict", net, "--model", models, "--format", "json", *sets, *batch)
            if p["partial"]:
                for lp in p["layers"]:
                    if not lp["predicted"]:
                        partial.setdefault(lp["type"], set()).add(net)
            ee = (p["network"]["energy_mj"][RAIL]["value"] / m["inferences"]["energy_mj"][RAIL]["mean"] - 1) * 100
            le = (p["network"]["latency_ms"]["value"] / m["inferences"]["latency_ms"]["mean"] - 1) * 100
            e_err.append(abs(ee))
            l_err.append(abs(le))
            t = m.get("truth") or {}
            tinf = t.get("inference", {})
            tee = tle = mee = mle = None
            if tinf.get("energy_mj", {}).get(RAIL) and tinf.get("latency_ms"):
                te, tlat = tinf["energy_mj"][RAIL], tinf["latency_ms"]
                tee = (p["network"]["energy_mj"][RAIL]["value"] / te - 1) * 100
                tle = (p["network"]["latency_ms"]["value"] / tlat - 1) * 100
                mee = (m["inferences"]["energy_mj"][RAIL]["mean"] / te - 1) * 100
                mle = (m["inferences"]["latency_ms"]["mean"] / tlat - 1) * 100
                te_err.append(abs(tee))
                tl_err.append(abs(tle))
                me_err.append(abs(mee))
                ml_err.append(abs(mle))
            f.write(json.dumps({"kind": "network", "net": net, "setting": tag, "partial": p["partial"],
                                "energy_err_pct": ee, "latency_err_pct": le,
                                "truth_energy_err_pct": tee, "truth_latency_err_pct": tle,
                                "measured_vs_truth_energy_pct": mee,
                                "measured_vs_truth_latency_pct": mle}) + "\n")
            meas = {l["index"]: l for l in m["layers"]}
            tru = {l["index"]: l for l in t.get("layers", [])}
            for lp in p["layers"]:
                ml = meas.get(lp["index"])
                if not lp["predicted"] or not ml or not ml.get("duration_ms_mean"):
                    continue
                r = {"kind": "layer", "net": net, "setting": tag, "type": lp["type"], "name": lp["name"],
                     "latency_err_pct": (lp["latency_ms"]["value"] / ml["duration_ms_mean"] - 1) * 100,
                     "latency_ms": ml["duration_ms_mean"]}
                mp = (ml.get("power_mw") or {}).get(RAIL, {}).get("mean")
                if mp and lp["power_mw"] and RAIL in lp["power_mw"]:
                    r["power_err_pct"] = (lp["power_mw"][RAIL]["value"] / mp - 1) * 100
                tl = tru.get(lp["index"])
                if tl and tl.get("duration_ms"):
                    r["truth_latency_err_pct"] = (lp["latency_ms"]["value"] / tl["duration_ms"] - 1) * 100
                    r["measured_vs_truth_latency_pct"] = (ml["duration_ms_mean"] / tl["duration_ms"] - 1) * 100
                    tp = tl.get("power_mw", {}).get(RAIL)
                    if tp and lp["power_mw"] and RAIL in lp["power_mw"]:
                        r["truth_power_err_pct"] = (lp["power_mw"][RAIL]["value"] / tp - 1) * 100
                    if tp and mp:
                        r["measured_vs_truth_power_pct"] = (mp / tp - 1) * 100
                rows.append(r)
                f.write(json.dumps(r) + "\n")
        print(f"[simulated] {net}: network energy error median so far {q(e_err, .5):.2f} %", flush=True)

lat = [abs(r["latency_err_pct"]) for r in rows]
pw = [abs(r["power_err_pct"]) for r in rows if "power_err_pct" in r]
within = lambda v: 100 * sum(e <= 10 for e in v) / max(1, len(v))
print(f"[simulated] held-out families {', '.join(nets)}, {len(SETTINGS)} settings each ({len(e_err)} predictions)")
print(f"[simulated] network energy per inference: median error {q(e_err, .5):.2f} % (target <= 3), p90 {q(e_err, .9):.2f} % (target <= 6)")
print(f"[simulated] network latency: median error {q(l_err, .5):.2f} %, p90 {q(l_err, .9):.2f} %")
print(f"[simulated] per-layer latency within ±10 %: {within(lat):.1f} % of {len(lat)} layers (target >= 90)")
print(f"[simulated] per-layer power ({RAIL}): median error {q(pw, .5):.2f} % of {len(pw)} layers (target <= 5)")
if te_err:
    tlat = [abs(r["truth_latency_err_pct"]) for r in rows if "truth_latency_err_pct" in r]
    tpw = [abs(r["truth_power_err_pct"]) for r in rows if "truth_power_err_pct" in r]
    mlat = [abs(r["measured_vs_truth_latency_pct"]) for r in rows if "measured_vs_truth_latency_pct" in r]
    mpw = [abs(r["measured_vs_truth_power_pct"]) for r in rows if "measured_vs_truth_power_pct" in r]
    print(f"[simulated] against the board's truth ({CYCLES} cycles measured): the model's error")
    print(f"[simulated]   network energy median {q(te_err, .5):.2f} %, p90 {q(te_err, .9):.2f} %; latency median {q(tl_err, .5):.2f} %, p90 {q(tl_err, .9):.2f} %")
    print(f"[simulated]   layers within ±10 % {within(tlat):.1f} % of {len(tlat)}; per-layer power median {q(tpw, .5):.2f} %")
    print(f"[simulated] the measurement's own error against the truth")
    print(f"[simulated]   network energy median {q(me_err, .5):.2f} %, p90 {q(me_err, .9):.2f} %; latency median {q(ml_err, .5):.2f} %, p90 {q(ml_err, .9):.2f} %")
    print(f"[simulated]   layers within ±10 % {within(mlat):.1f} % of {len(mlat)}; per-layer power median {q(mpw, .5):.2f} %")
for t in sorted({r["type"] for r in rows}):
    v = [abs(r["latency_err_pct"]) for r in rows if r["type"] == t]
    w = [abs(r["power_err_pct"]) for r in rows if r["type"] == t and "power_err_pct" in r]
    print(f"[simulated]   {t:14s} {len(v):5d} layers: latency within ±10 % {within(v):5.1f} %, median {q(v, .5):6.2f} %; power median {q(w, .5):6.2f} %")
for s in SETTINGS:
    tag = ",".join(f"{k}={v}" for k, v in s.items())
    v = [abs(r["latency_err_pct"]) for r in rows if r["setting"] == tag]
    vt = [abs(r["truth_latency_err_pct"]) for r in rows if r["setting"] == tag and "truth_latency_err_pct" in r]
    print(f"[simulated]   at {tag:50s} latency within ±10 % {within(v):5.1f} % (vs truth {within(vt):5.1f} %)")
for net in nets:
    v = [abs(r["latency_err_pct"]) for r in rows if r["net"] == net]
    print(f"[simulated]   {net:20s} latency within ±10 % {within(v):5.1f} %")
if partial:
    for t, ns in sorted(partial.items()):
        print(f"[simulated] PARTIAL: layer type {t} not predicted (in {', '.join(sorted(ns))}); totals cover the other layers")
else:
    print("[simulated] every layer of every held-out network was predicted (no partial prediction)")
