#!/usr/bin/env python3
"""Speed of `inferwatt fit` and `predict` against the issue's targets. Each command runs in its own JVM: the
JVM's start with the command line (`inferwatt --version`, best of 5) is printed and subtracted.
Usage: bench_predict_speed.py JAR BASE WORKDIR
"""
import json, os, shutil, statistics, sys, time

from bench_cli import query, runner

jar, base, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)


cli = runner(jar)


def timed(*args, reps=5):
    walls, out = [], ""
    for _ in range(reps):
        t = time.perf_counter(); out = cli(*args); walls.append(time.perf_counter() - t)
    return min(walls), statistics.median(walls), out


n_rows = query(cli, base, "SELECT count(*) AS n FROM layer_results WHERE duration_ms_mean > 0")[0]["n"]
jvm, _, _ = timed("--version")
print(f"JVM start and command line (inferwatt --version): {jvm * 1000:.0f} ms (best of 5)")
copy = os.path.join(work, "fit.duckdb")
shutil.copy(base, copy)
fit_s, _, _ = timed("fit", "--db", copy, "--skip-short", reps=1)
print(f"fit on {n_rows} layer rows: {fit_s:.1f} s wall, {fit_s - jvm:.1f} s without the JVM start (target <= 30 s for 10 000 rows)")
models = os.path.join(work, "models.json")
cli("fit", "--db", copy, "--skip-short", "--export", models)
for net in ("densenet121", "resnet101"):
    best, med, out = timed("predict", net, "--model", models, "--format", "json")
    p = json.loads(out)
    print(f"predict {net} ({len(p['layers'])} layers{', partial' if p['partial'] else ''}) at one setting: best {best * 1000:.0f} ms, median {med * 1000:.0f} ms wall; best {(best - jvm) * 1000:.0f} ms without the JVM start (target <= 200 ms)")
    best, med, out = timed("predict", net, "--model", models, "--sweep", "--format", "json")
    n = json.loads(out)["settings_predicted"]
    print(f"predict {net} --sweep ({n} settings): best {best:.2f} s, median {med:.2f} s wall; best {best - jvm:.2f} s without the JVM start (target <= 2 s)")
