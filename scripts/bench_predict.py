#!/usr/bin/env python3
"""Leave-one-network-out accuracy of `inferwatt fit` / `predict` on the virtual Nano, and their speed.

For each network N of the training base: fit on every other network's runs (fit --exclude-model N),
predict N at every setting it was measured at, and compare with the measurement: network energy per
inference (total rail), per-layer latency and per-layer power of the total rail. Then times fit on the
whole base, one predict and one --sweep. Every number is from the virtual board: simulated.
Usage: bench_predict.py JAR BASE WORKDIR
"""
import json, shutil, statistics, sys, time, os

from bench_cli import q, query, runner

jar, base, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)


cli = runner(jar)


def rows(sql, db=base):
    return query(cli, db, sql)


runs = rows("""
  SELECT r.run_id, r.model, r.latency_ms_mean AS latency_ms, i.energy_mj_trapezoid AS energy_mj, i.rail
  FROM runs r JOIN inference_results i ON i.run_id = r.run_id AND i.total
  WHERE r.run_id IN (SELECT DISTINCT run_id FROM layer_results)
  ORDER BY r.run_id""")
settings = {}
for s in rows("SELECT run_id, key, value FROM run_settings ORDER BY run_id, position"):
    settings.setdefault(s["run_id"], {})[s["key"]] = s["value"]
layers = {}
for l in rows("""
  SELECT l.run_id, l.layer_index, l.type, l.duration_ms_mean AS latency_ms, x.power_mw_mean AS power_mw
  FROM layer_results l
  LEFT JOIN layer_rail_results x ON x.run_id = l.run_id AND x.layer_index = l.layer_index
   AND x.rail_index = (SELECT rail_index FROM inference_results i WHERE i.run_id = l.run_id AND i.total)
  ORDER BY l.run_id, l.layer_index"""):
    layers.setdefault(l["run_id"], {})[l["layer_index"]] = l

nets = sorted({r["model"] for r in runs})
energy_err, lat_err, pow_err, lat_by_type = [], [], [], {}
for held in nets:
    copy = os.path.join(work, f"fit-{held}.duckdb")
    shutil.copy(base, copy)
    model = os.path.join(work, f"models-{held}.json")
    if os.path.exists(model):
        os.remove(model)
    cli("fit", "--db", copy, "--exclude-model", held, "--skip-short", "--export", model)
    for r in [r for r in runs if r["model"] == held]:
        st = settings[r["run_id"]]
        args = ["predict", held, "--model", model, "--format", "json"]
        for k, v in st.items():
            if k not in ("input",):
                args += ["--set", f"{k}={v}"]
        p = json.loads(cli(*args))
        rail = r["rail"]
        energy_err.append(abs(p["network"]["energy_mj"][rail]["value"] / r["energy_mj"] - 1) * 100)
        for lp in p["layers"]:
            m = layers[r["run_id"]].get(lp["index"])
            if not lp["predicted"] or m is None or not m["latency_ms"]:
                continue
            e = abs(lp["latency_ms"]["value"] / m["latency_ms"] - 1) * 100
            lat_err.append(e)
            lat_by_type.setdefault(lp["type"], []).append(e)
            if m["power_mw"] and rail in (lp["power_mw"] or {}):
                pow_err.append(abs(lp["power_mw"][rail]["value"] / m["power_mw"] - 1) * 100)
    print(f"[simulated] held out {held}: {len(energy_err)} network predictions so far", flush=True)


print("[simulated] leave-one-network-out on", base)
print(f"[simulated] network energy per inference: median error {q(energy_err, .5):.2f} %, p90 {q(energy_err, .9):.2f} % ({len(energy_err)} predictions)")
print(f"[simulated] per-layer latency within ±10 %: {100 * sum(e <= 10 for e in lat_err) / len(lat_err):.1f} % of {len(lat_err)} layers")
for t, v in sorted(lat_by_type.items()):
    print(f"[simulated]   {t:14s} within ±10 %: {100 * sum(e <= 10 for e in v) / len(v):5.1f} %  median {q(v, .5):.2f} % ({len(v)})")
print(f"[simulated] per-layer power (total rail): median error {q(pow_err, .5):.2f} % ({len(pow_err)} layers)")

# speed (2 cores shared: see the load average printed by the shell script)
copy = os.path.join(work, "fit-all.duckdb")
shutil.copy(base, copy)
n_rows = rows("SELECT count(*) AS n FROM layer_results")[0]["n"]
t = time.time(); cli("fit", "--db", copy, "--skip-short"); fit_s = time.time() - t
t = time.time(); cli("predict", "resnet50", "--db", copy, "--format", "json"); pred_s = time.time() - t
t = time.time(); cli("predict", "resnet50", "--db", copy, "--sweep", "--format", "json"); sweep_s = time.time() - t
print(f"fit on {n_rows} layer rows: {fit_s:.1f} s wall (JVM start included)")
print(f"predict resnet50 at one setting: {pred_s:.2f} s wall (JVM start included)")
print(f"predict resnet50 --sweep: {sweep_s:.2f} s wall (JVM start included)")

# Table I: the paper's study measured, and predicted by models fitted on the training study only
copy = os.path.join(work, "paper.duckdb")
shutil.copy(base, copy)
train_study = rows("SELECT study_id FROM studies ORDER BY study_id LIMIT 1", copy)[0]["study_id"]
cli("study", "paper", "--board", "sim:nano", "--db", copy)
cli("fit", "--db", copy, "--study", train_study, "--skip-short")
o = json.loads(cli("optima", "--db", copy, "--study", "paper-nano", "--predicted", "--format", "json"))
agree, total = 0, 0
for obj in ("power", "latency", "energy"):
    for k, v in o[obj]["best"].items():
        pv = o["predicted"][obj]["best"].get(k)
        if pv is None:
            continue
        total += 1
        within = o[obj]["within"].get(k, [v])
        ok = pv in within or pv == v
        agree += ok
        print(f"[simulated] Table I {obj:8s} {k:14s} measured best {v} (within {within}), predicted best {pv}: {'agrees' if ok else 'DIFFERS'}")
print(f"[simulated] Table I: {agree} of {total} predicted optima are the measured best or within its 2 % range")
