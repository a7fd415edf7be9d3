#!/usr/bin/env python3
"""ONNX Runtime on this machine's CPU (board local): fit on a training base, then for each held-out network
compare `predict NET.onnx --board local` with `profile NET.onnx --board local` (network latency: the
median of the latency phase; per layer: the median of its times in the layer phase). Real measurements, not simulated.
Each network is profiled ROUNDS times (rounds interleaved: every network once, then again), and the
reference is the median over the rounds; how far single profiles stray from it is printed as the
measurement's own agreement, the ceiling of what a prediction can show against one profile.
With TRAIN_PLAN the training base is measured here, in ROUNDS parts (study run --max-configurations),
each part followed by one round of profiles: the training study and the held-out profiles then take
turns on the machine and meet the same stretches of its drift, instead of the profiles all coming
after the study.
Usage: bench_predict_ort.py JAR BASE WORKDIR CYCLES NET...
Environment: MEASURE_PREFIX (what the study and the profiles run behind), MODELS (a model file to use
instead of fitting BASE), PROFILES (a folder keeping the profiles, reused when there), ROUNDS
(default 3), TRAIN_PLAN (a training plan to measure into BASE in parts, as above).
"""
import json, math, os, re, shutil, sys, time

from bench_cli import q, query, runner

jar, base, work, cycles, nets = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
os.makedirs(work, exist_ok=True)


cli = runner(jar)
# the profiles (the measurements) run behind MEASURE_PREFIX (chrt -r 10 where allowed), nothing else
measure = runner(jar, os.environ.get("MEASURE_PREFIX", "").split())
print(f"held-out profiles measured under: {os.environ.get('MEASURE_PREFIX') or 'normal priority'}")


train_plan = os.environ.get("TRAIN_PLAN")
rounds = int(os.environ.get("ROUNDS", "3"))
fitted = os.path.join(work, "fit.duckdb")
if train_plan:
    # what the plan measures, from its dry run: its configurations, networks and thread counts
    listing = cli("study", "run", train_plan, "--db", base, "--dry-run")
    head = re.search(r"(\d+) configurations, (\d+) already stored", listing)
    part = max(1, math.ceil((int(head.group(1)) - int(head.group(2))) / rounds))
    trained = set(re.findall(r" model=(\S+)", listing))
    threads = sorted(set(re.findall(r" threads=(\S+)", listing)))
else:
    # fit on a copy, so that the training base stays as measured; held-out families must not be in it
    shutil.copy(base, fitted)
    trained = {r["model"] for r in query(cli, fitted, "SELECT DISTINCT model FROM runs")}
    threads = sorted({r["value"] for r in query(cli, fitted, "SELECT DISTINCT value FROM run_settings WHERE key = 'threads'")})
family = lambda n: n.split("-")[0]
leaked = [n for n in nets if family(n) in {family(t) for t in trained}]
if leaked:
    raise SystemExit(f"held-out networks whose family is in the training base: {', '.join(leaked)}")
# PROFILES: a folder that keeps each held-out network's profile (NET.json) and reuses it when there
keep = os.environ.get("PROFILES")

# every network built first, then every profile, one after the other (and right after the training
# study when the script measured it): a machine's speed drifts over minutes; then the fit
profiles = os.path.join(work, "profiles.duckdb")
def build(net):
    """Writes WORK/NET.onnx: the network a plan names NET (family-wWIDTH-rRESOLUTION), seed 12."""
    name, _, rest = net.partition("-")
    args = ["models", "build", name, "--seed", "12", "--out", os.path.join(work, net + ".onnx")]
    for part in rest.split("-") if rest else []:
        args += ["--width", part[1:]] if part.startswith("w") else ["--resolution", part[1:]]
    cli(*args)


for net in nets:
    build(net)
# the profiles run at the training runs' intra-op thread count (the `threads` setting), where it is one
if len(threads) > 1:
    raise SystemExit(f"the training base was measured at several thread counts ({', '.join(threads)})")
thread_args = ["--threads", threads[0]] if threads else []
print(f"held-out profiles at intra-op threads: {threads[0] if threads else 'ONNX Runtime default'}")
# the machine's drift since training: training networks (PROBES, as the base names them) profiled in
# every round beside the held-out ones, against their own run in the training base
probes = [p for p in os.environ.get("PROBES", "mnasnet-r128 resnet18-r128 mobilenetv3small-r128").split()
          if p in trained]
for net in probes:
    build(net)
measured_rounds = {net: [] for net in nets + probes}


def study_part(limit):
    """Measures the next `limit` configurations of TRAIN_PLAN into BASE (all that are left: None)."""
    start = time.time()
    more = ["--max-configurations", str(limit)] if limit else []
    measure("study", "run", train_plan, "--db", base, *more)
    print(f"training study, {'part of ' + str(limit) + ' configurations' if limit else 'the rest'}: "
          f"{time.time() - start:.0f} s wall; load {' '.join(open('/proc/loadavg').read().split()[:3])}", flush=True)


for k in range(rounds):
    if train_plan:
        study_part(part)
    for net in nets + probes:
        onnx = os.path.join(work, net + ".onnx")
        kept = os.path.join(keep, net + (".json" if k == 0 else f".r{k + 1}.json")) if keep else None
        if kept and os.path.exists(kept):
            measured_rounds[net].append(json.load(open(kept)))
            continue
        text = measure("profile", onnx, "--board", "local", "--db", profiles, "--format", "json",
                       "--cycles", cycles, *thread_args)
        if kept:
            os.makedirs(keep, exist_ok=True)
            open(kept, "w").write(text)
        measured_rounds[net].append(json.loads(text))


if train_plan:
    study_part(None)  # measures nothing when the parts measured every configuration
    shutil.copy(base, fitted)


def layer_ms(layer):
    """A profiled layer's time as fit learns a host board's layers: its median cycle (duration_ms_p50),
    the mean where a profile has no median or the median is 0 (under 1 µs in most cycles)."""
    return layer.get("duration_ms_p50") or layer.get("duration_ms_mean") or 0


def median(v):
    v = sorted(v)
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2


# the reference: per network the median over rounds of the latency phase's median and mean, per layer
# the median over rounds of its median profiled time (layer_ms)
measured_nets, agree, spreads = {}, [], []
for net, ms in measured_rounds.items():
    if net in probes:
        continue
    p50s = [m["inferences"]["latency_ms"]["p50"] for m in ms]
    ref = median(p50s)
    agree += [abs(v / ref - 1) <= 0.10 for v in p50s]
    spreads.append((net, min(p50s), max(p50s)))
    layers = []
    for i, l in enumerate(ms[0]["layers"]):
        durs = [layer_ms(m["layers"][i]) for m in ms]
        layers.append({**l, "ms": median(durs) if all(durs) else 0})
    measured_nets[net] = {"inferences": {"latency_ms": {
        "p50": ref, "mean": median([m["inferences"]["latency_ms"]["mean"] for m in ms])}}, "layers": layers}
models = os.environ.get("MODELS") or os.path.join(work, "models.json")
if not os.environ.get("MODELS"):
    print(cli("fit", "--db", fitted, "--board", "local", "--skip-short", "--export", models).strip())

rows, layer_err, by_type, fused, unpredicted = [], [], {}, 0, 0
# ONNX Runtime's Conv+Add fusion: layers predict says run inside another kernel (0 ms, with a why)
# against the layers measured at 0 ms
fused_both, fused_only_predicted, fused_only_measured = 0, [], []
for net in nets:
    onnx = os.path.join(work, net + ".onnx")
    m = measured_nets[net]
    p = json.loads(cli("predict", onnx, "--model", models, "--board", "local", "--format", "json"))
    # the median of the latency phase: what fit trains a host board's network models on
    mean, pred = m["inferences"]["latency_ms"]["mean"], p["network"]["latency_ms"]["value"]
    meas = m["inferences"]["latency_ms"]["p50"]
    rows.append((net, meas, mean, pred, (pred / meas - 1) * 100, p["partial"]))
    measured = {l["index"]: l for l in m["layers"]}
    for lp in p["layers"]:
        ml = measured.get(lp["index"])
        if ml is None or ml.get("name") != lp["name"]:
            raise SystemExit(f"{net}: layer {lp['index']} {lp['name']} is not the profiled layer {ml and ml.get('name')}")
        inside = lp["predicted"] and "inside the kernel" in (lp.get("why") or "")
        if not ml["ms"]:
            fused += 1  # ONNX Runtime ran it inside another layer's kernel
            if inside:
                fused_both += 1
            elif lp["type"] == "Add":
                fused_only_measured.append(f"{net}:{lp['name']}")
            continue
        if inside:
            fused_only_predicted.append(f"{net}:{lp['name']}")  # counted below as -100 %
        if not lp["predicted"]:
            unpredicted += 1
            continue
        e = (lp["latency_ms"]["value"] / ml["ms"] - 1) * 100
        layer_err.append(abs(e))
        by_type.setdefault(lp["type"], []).append(abs(e))

print()
print(f"measured: the median over {rounds} profiles of each held-out profile's latency-phase median (p50,"
      f" {cycles} cycles), the statistic fit trains a host board's network models on (each training run's"
      " latency-phase median, runs.latency_ms_p50); layers: the median of their profiled cycles (median over"
      " the profiles), what fit learns a host board's layers from; the mean of the latency phase and the"
      " error against it beside it")
print(f"{'held-out network':32s} {'p50 ms':>11s} {'(mean)':>8s} {'predicted':>10s} {'error':>8s} {'vs mean':>8s}")
for net, meas, mean, pred, err, partial in rows:
    print(f"{net:32s} {meas:11.3f} {mean:8.3f} {pred:10.3f} {err:+7.1f} % {(pred / mean - 1) * 100:+7.1f} %{'  partial' if partial else ''}")
errs = [abs(r[4]) for r in rows]
errs_mean = [abs(r[3] / r[2] - 1) * 100 for r in rows]
within = sum(e <= 10 for e in errs)
print()
print(f"networks within ±10 % of measured latency (p50): {within} of {len(errs)} ({100 * within / len(errs):.0f} %; target ≥ 90 %)")
print(f"network latency error: median {q(errs, .5):.1f} %, p90 {q(errs, .9):.1f} %")
print(f"against the mean instead: {sum(e <= 10 for e in errs_mean)} of {len(errs_mean)} within ±10 %; median {q(errs_mean, .5):.1f} %, p90 {q(errs_mean, .9):.1f} %")
# other tenants only ever add time: the fastest round's median is the least disturbed measurement
fastest = {net: min(m["inferences"]["latency_ms"]["p50"] for m in measured_rounds[net]) for net in nets}
errs_fast = [(r[3] / fastest[r[0]] - 1) * 100 for r in rows]
print(f"against the fastest round's p50 instead: {sum(abs(e) <= 10 for e in errs_fast)} of {len(errs_fast)} within ±10 %;"
      f" median {q([abs(e) for e in errs_fast], .5):.1f} %, p90 {q([abs(e) for e in errs_fast], .9):.1f} %"
      f" ({' '.join(f'{e:+.1f}' for e in errs_fast)})")
if layer_err:
    print(f"per-layer latency within ±10 %: {100 * sum(e <= 10 for e in layer_err) / len(layer_err):.1f} % of {len(layer_err)} layers; median error {q(layer_err, .5):.1f} %")
for t, v in sorted(by_type.items()):
    print(f"  {t:14s} within ±10 %: {100 * sum(e <= 10 for e in v) / len(v):5.1f} %  median {q(v, .5):6.1f} % ({len(v)})")
print(f"layers run inside another layer's kernel (0 ms measured, left out): {fused}; layers not predicted: {unpredicted}")
print(f"additions predicted as run inside a convolution's kernel (0 ms): {fused_both} of them measured 0 ms;"
      f" predicted so but measured > 0: {len(fused_only_predicted)} {' '.join(fused_only_predicted[:6])};"
      f" additions measured 0 ms but predicted > 0: {len(fused_only_measured)} {' '.join(fused_only_measured[:6])}")
print()
print(f"the measurement against itself ({rounds} profiles per network, {cycles} cycles each): "
      f"{sum(agree)} of {len(agree)} single profiles within ±10 % of their network's median over rounds")
for net, lo, hi in spreads:
    print(f"  {net:32s} p50 over rounds {lo:8.3f} .. {hi:8.3f} ms (spread {(hi / lo - 1) * 100:5.1f} %)")
if probes:
    trained_p50 = {r["model"]: r["p50"] for r in query(
        cli, fitted, "SELECT model, median(latency_ms_p50) AS p50 FROM runs WHERE batch = 1 GROUP BY model")}
    print()
    print("the machine's drift since the training study: training networks profiled in every round"
          " (median over rounds of the p50) against their training run's p50")
    for net in probes:
        now = median([m["inferences"]["latency_ms"]["p50"] for m in measured_rounds[net]])
        print(f"  {net:32s} training {trained_p50[net]:8.3f} ms, now {now:8.3f} ms ({(now / trained_p50[net] - 1) * 100:+5.1f} %)")
