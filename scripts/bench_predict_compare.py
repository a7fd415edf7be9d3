#!/usr/bin/env python3
"""`predict` of one network, builds side by side: each build's commands run in turn, round after
round, so that every build sees the same load. Per build and command: the median and best wall time
and CPU time (user + system of the process) over the rounds, and the same for `--version` (the JVM's
start with the command line), subtracted to give the time beyond the start. The outputs of every
build must be the same bytes (checked; a difference is printed and ends it with status 1). Each build
starts as ./inferwatt starts it (scripts/java-command.sh: with its start-up archive, a short command with
its JVM options); the user's cache
folder is a fresh one per build in WORK (XDG_CACHE_HOME), warmed by one untimed run per build and command (the
cold run's time is printed too).
Usage: bench_predict_compare.py WORK MODELS.json NETWORK ROUNDS JAR...
"""
import os, resource, statistics, subprocess, sys, time

from bench_cli import java_command

work, models, net, rounds, jars = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
# a cache folder per build: the cache keeps one entry per network, which another build would replace
envs = {jar: dict(os.environ, XDG_CACHE_HOME=os.path.join(work, f"cache{i}")) for i, jar in enumerate(jars)}
commands = {
    "--version": ["--version"],
    "one setting, json": ["predict", net, "--model", models, "--format", "json"],
    "one setting, text": ["predict", net, "--model", models],
    "sweep, json": ["predict", net, "--model", models, "--sweep", "--format", "json"],
}
starts = {(jar, c): java_command(jar, tuple(args)) for jar in jars for c, args in commands.items()}


def run(jar, c):
    args = commands[c]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run([*starts[(jar, c)], *args], capture_output=True, env=envs[jar])
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise SystemExit(f"{jar}: inferwatt {' '.join(args)} failed ({r.returncode}): {r.stderr.decode().strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, r.stdout


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


print(f"{rounds} rounds, builds in turn; {os.cpu_count()} cpus; load before: {load()}")
times = {(j, c): [] for j in jars for c in commands}
outputs = {}
for c, args in commands.items():  # the cold runs: the layers derived into the fresh cache
    for j in jars:
        wall, cpu, out = run(j, c)
        if c != "--version":
            print(f"  first run (layers not cached yet) {c:<18} {wall * 1000:6.0f} ms wall {cpu * 1000:6.0f} ms CPU  {j}")
        outputs.setdefault(c, {})[j] = out
for _ in range(rounds):
    for c, args in commands.items():
        for j in jars:
            wall, cpu, out = run(j, c)
            times[(j, c)].append((wall, cpu))
            if c != "--version" and out != outputs[c][j]:
                raise SystemExit(f"{j}: {c} printed something else on another run")
print(f"load after: {load()}")
ms = lambda v: f"{v * 1000:5.0f}"
print(f"{'command':<20} {'wall med':>8} {'best':>5} {'CPU med':>8} {'best':>5}   beyond the start (medians: wall, CPU)  build")
for c in commands:
    for j in jars:
        w = [x[0] for x in times[(j, c)]]
        u = [x[1] for x in times[(j, c)]]
        v = times[(j, "--version")]
        beyond = "" if c == "--version" else (
            f"{ms(statistics.median(w) - statistics.median(x[0] for x in v))} ms, "
            f"{ms(statistics.median(u) - statistics.median(x[1] for x in v))} ms")
        print(f"{c:<20} {ms(statistics.median(w)):>8} {ms(min(w)):>5} {ms(statistics.median(u)):>8} {ms(min(u)):>5}   {beyond:<38} {j}")
same = True
for c, by_jar in outputs.items():
    if c != "--version" and len(set(by_jar.values())) > 1:
        same = False
        print(f"DIFFERENT OUTPUT: {c}")
print("outputs: the same bytes from every build" if same else "outputs differ between builds")
sys.exit(0 if same else 1)
