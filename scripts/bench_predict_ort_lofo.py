#!/usr/bin/env python3
"""Leave-one-family-out inside an ONNX Runtime training base (board local), without measuring again:
for each network family the base holds (every run that is not a layer sample), fit on a copy with that
family's runs left out (fit --exclude-model), predict each of its runs (network name and batch as
stored) and compare with the stored measurement: network latency (mean and median of the latency phase)
and each layer's latency (its median cycle, as fit learns it; layers measured at 0 ms, run inside
another layer's kernel, are left out).
Real measurements, not simulated; as quiet as the machine was when the base was measured.
Usage: bench_predict_ort_lofo.py JAR BASE WORKDIR [FAMILY...]   (a WORKDIR used before: its fits are reused)
"""
import json, os, shutil, sys

from bench_cli import q, query, runner

jar, base, work, only = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
os.makedirs(work, exist_ok=True)
cli = runner(jar)
copy = os.path.join(work, "base.duckdb")
shutil.copy(base, copy)  # the base itself is never written
cli("runs", "--db", copy)  # a writing command brings the copy to this build's schema (a base measured before
# layer medians were stored gets them from its raw layer events)


def rows(sql):
    return query(cli, copy, sql)


runs = rows("""SELECT run_id, model, batch, latency_ms_mean, latency_ms_p50, latency_ms_min FROM runs
               WHERE model NOT LIKE 'sample-%' AND run_id IN (SELECT run_id FROM layer_results) ORDER BY run_id""")
layers = {}
# a layer's time as fit learns a host board's layers: its median cycle, the mean where the median is unknown or 0
LAYER_MS = "coalesce(nullif(duration_ms_p50, 0), duration_ms_mean)"
for l in rows(f"SELECT run_id, layer_index, name, type, {LAYER_MS} AS ms FROM layer_results ORDER BY run_id, layer_index"):
    layers.setdefault(l["run_id"], {})[l["layer_index"]] = l
family = lambda n: n.split("-")[0]
families = sorted({family(r["model"]) for r in runs})
if only:
    families = [f for f in families if f in only]
out, layer_err, by_type = [], [], {}
# how the layer phase (ONNX Runtime's profiler on) compares with the latency phase of the same run
ratios = rows(f"""SELECT CASE WHEN model LIKE 'sample-single%' THEN 'single layers' WHEN model LIKE 'sample-multi%'
                   THEN 'small networks' ELSE 'families' END AS what, count(*) AS n,
                   median(latency_ms_p50 / s) AS r50, quantile_cont(latency_ms_p50 / s, 0.1) AS r10,
                   quantile_cont(latency_ms_p50 / s, 0.9) AS r90, median(latency_ms_mean / latency_ms_min) AS spread
                 FROM runs JOIN (SELECT run_id, sum({LAYER_MS}) AS s FROM layer_results GROUP BY 1) USING (run_id)
                 WHERE batch = 1 AND s > 0.5 GROUP BY 1 ORDER BY 1""")
print("latency phase p50 / sum of the layer phase's layers (batch 1, sums over 0.5 ms), and the runs' mean/min latency:")
for r in ratios:
    print(f"  {r['what']:15s} {r['n']:4d} runs: median {r['r50']:.2f} (p10 {r['r10']:.2f}, p90 {r['r90']:.2f}); mean/min {r['spread']:.2f}")
for fam in families:
    held = [r for r in runs if family(r["model"]) == fam]
    names = sorted({r["model"] for r in held})
    models = os.path.join(work, f"models-{fam}.json")
    if not os.path.exists(models):  # a WORKDIR used before keeps its fits
        fit_db = os.path.join(work, f"fit-{fam}.duckdb")
        shutil.copy(copy, fit_db)
        args = ["fit", "--db", fit_db, "--board", "local", "--skip-short", "--export", models]
        for n in names:
            args += ["--exclude-model", n]
        cli(*args)
        os.remove(fit_db)
    for r in held:
        p = json.loads(cli("predict", r["model"], "--model", models, "--board", "local", "--batch", str(r["batch"]), "--format", "json"))
        pred = p["network"]["latency_ms"]["value"]
        measured = layers[r["run_id"]]
        sum_pred = sum(l["latency_ms"]["value"] for l in p["layers"] if l["predicted"])
        sum_meas = sum(l["ms"] or 0 for l in measured.values())
        out.append((r["model"], r["batch"], r["latency_ms_mean"], r["latency_ms_p50"], pred, sum_meas, sum_pred, r["latency_ms_min"]))
        for lp in p["layers"]:
            m = measured.get(lp["index"])
            if m is None or not m["ms"] or not lp["predicted"]:
                continue
            e = (lp["latency_ms"]["value"] / m["ms"] - 1) * 100
            layer_err.append((abs(e), m["ms"]))
            by_type.setdefault(lp["type"], []).append((abs(e), m["ms"], lp["latency_ms"]["value"]))
    print(f"held out {fam}: {len(held)} runs", flush=True)

print()
print(f"{'held-out run':26s} {'batch':>5s} {'mean ms':>9s} {'p50 ms':>9s} {'min ms':>9s} {'predicted':>10s} {'vs mean':>8s} {'vs p50':>8s} {'vs min':>8s} {'Σ layers':>9s} {'Σ pred':>9s}")
for name, b, mean, p50, pred, sm, sp, mn in out:
    print(f"{name:26s} {b:5d} {mean:9.3f} {p50:9.3f} {mn:9.3f} {pred:10.3f} {(pred / mean - 1) * 100:+7.1f}% {(pred / p50 - 1) * 100:+7.1f}% {(pred / mn - 1) * 100:+7.1f}% {sm:9.3f} {sp:9.3f}")
# the minimum of a disturbed run is the closest it has to a quiet latency
for label, col in (("mean", 2), ("p50", 3), ("min", 7)):
    errs = [abs(o[4] / o[col] - 1) * 100 for o in out]
    print(f"networks within ±10 % of the measured {label}: {sum(e <= 10 for e in errs)} of {len(errs)}; median error {q(errs, .5):.1f} %, p90 {q(errs, .9):.1f} %")
if layer_err:
    e = [x[0] for x in layer_err]
    w = sum(x[1] for x in layer_err)
    print(f"layers within ±10 %: {100 * sum(x <= 10 for x in e) / len(e):.1f} % of {len(e)}; median {q(e, .5):.1f} %; "
          f"time-weighted within ±10 %: {100 * sum(x[1] for x in layer_err if x[0] <= 10) / w:.1f} %")
for t, v in sorted(by_type.items()):
    e = [x[0] for x in v]
    print(f"  {t:14s} within ±10 %: {100 * sum(x <= 10 for x in e) / len(e):5.1f} %  median {q(e, .5):6.1f} %  "
          f"measured {sum(x[1] for x in v):8.2f} ms, predicted {sum(x[2] for x in v):8.2f} ms ({len(v)})")
