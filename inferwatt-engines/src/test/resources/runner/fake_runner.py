#!/usr/bin/env python3
"""A small external runner for tests: prints the events JSONL of docs/runners.md.

Usage: fake_runner.py MODE [BATCH]
  ok       warm-up, latency and layer phases, with per-layer events
  garbage  two good lines, then a line that is not JSON
  crash    three inferences, a message on stderr, exit status 3
  hang     one inference, then sleeps for a long time
It busy-waits instead of running a network, so it needs nothing but Python 3.
"""
import json
import os
import sys
import time

LAYERS = [("conv_0", "Conv", 200_000), ("relu_1", "Relu", 50_000), ("fc_2", "Gemm", 100_000)]


def emit(obj):
    print(json.dumps(obj, separators=(",", ":")), flush=True)


def busy(ns):
    end = time.monotonic_ns() + ns
    while time.monotonic_ns() < end:
        pass


def inference(seq, batch, with_layers):
    start = time.monotonic_ns()
    durations = []
    for _, _, d in LAYERS:
        t0 = time.monotonic_ns()
        busy(d)
        durations.append(time.monotonic_ns() - t0)
    end = time.monotonic_ns()
    emit({"event": "inference", "seq": seq, "start_ns": start, "end_ns": end, "batch": batch})
    if with_layers:
        for i, ((name, kind, _), d) in enumerate(zip(LAYERS, durations)):
            emit({"event": "layer", "seq": seq, "index": i, "name": name, "type": kind, "duration_ns": d})


def phase(name, cycles, seq, batch, with_layers=False):
    start = time.monotonic_ns()
    for _ in range(cycles):
        inference(seq, batch, with_layers)
        seq += 1
    emit({"event": "phase", "name": name, "start_ns": start, "end_ns": time.monotonic_ns()})
    return seq


def main():
    mode = sys.argv[1]
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get("INFERWATT_BATCH", "1"))
    emit({"event": "meta", "runner": "fake_runner.py", "mode": os.environ.get("INFERWATT_MODE", "")})
    if mode == "ok":
        seq = phase("warmup", int(os.environ.get("INFERWATT_WARMUP", "2")), 0, batch)
        seq = phase("latency", int(os.environ.get("INFERWATT_LATENCY_CYCLES", "3")), seq, batch)
        phase("layers", int(os.environ.get("INFERWATT_LAYER_CYCLES", "2")), seq, batch, True)
    elif mode == "garbage":
        inference(0, batch, False)
        print("Warning: this line is not an event", flush=True)
        inference(1, batch, False)
    elif mode == "crash":
        for seq in range(3):
            inference(seq, batch, False)
        print("Traceback (most recent call last): boom", file=sys.stderr, flush=True)
        sys.exit(3)
    elif mode == "hang":
        inference(0, batch, False)
        time.sleep(600)
    else:
        print("unknown mode " + mode, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
