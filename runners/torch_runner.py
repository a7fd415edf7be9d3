#!/usr/bin/env python3
"""Reference PyTorch runner for inferwatt's external runner protocol (docs/runners.md).

Runs a torchvision model (by name, random weights) or a TorchScript file, and prints the events
JSONL on standard output: one line per inference, one per layer in the layer phase, one per phase.
Every time is time.monotonic_ns() (CLOCK_MONOTONIC), the program's one time base. Messages go to
standard error; standard output carries events only.

Per-layer times come from CUDA events recorded before and after every leaf module (a module
without children) in the layer phase; on CPU, from time.monotonic_ns() around each leaf module.

  torch_runner.py --model mobilenet_v2 --batch {batch} --mode {mode} --input {input} \
      --warmup {warmup} --latency {latency} --power {power} --layers {layers}

Modes: sync (one inference at a time, synchronised after each) or async (up to --in-flight
inferences queued on the CUDA stream before waiting for the oldest; layer times are then taken
one inference at a time, as a profiler needs).
"""
import argparse
import collections
import json
import os
import sys
import time


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def log(msg):
    print("torch_runner: " + msg, file=sys.stderr, flush=True)


def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="torchvision model name or a TorchScript .pt file")
    p.add_argument("--batch", type=int, default=int(env("INFERWATT_BATCH", "1")))
    p.add_argument("--mode", choices=["sync", "async"], default=env("INFERWATT_MODE", "sync"))
    p.add_argument("--input", choices=["black", "fixed-random", "varied"], default=env("INFERWATT_INPUT", "black"))
    p.add_argument("--size", type=int, default=224, help="input height and width")
    p.add_argument("--warmup", type=int, default=int(env("INFERWATT_WARMUP", "50")))
    p.add_argument("--latency", type=int, default=int(env("INFERWATT_LATENCY_CYCLES", "500")))
    p.add_argument("--power", type=int, default=int(env("INFERWATT_POWER_CYCLES", "500")))
    p.add_argument("--layers", type=int, default=int(env("INFERWATT_LAYER_CYCLES", "100")))
    p.add_argument("--in-flight", type=int, default=4, help="inferences queued in async mode")
    p.add_argument("--device", default=None, help="cuda or cpu (default: cuda when available)")
    p.add_argument("--half", action="store_true", help="run in float16")
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args(argv)


def load_model(torch, name, device):
    if name.endswith(".pt") or name.endswith(".pth") or os.path.isfile(name):
        model = torch.jit.load(name, map_location=device)
    else:
        import torchvision

        model = torchvision.models.get_model(name, weights=None)  # latency does not depend on trained values
    return model.eval().to(device)


def make_inputs(torch, kind, batch, size, seed, device, dtype):
    shape = (batch, 3, size, size)
    if kind == "black":
        return [torch.zeros(shape, device=device, dtype=dtype)]
    g = torch.Generator().manual_seed(seed)
    if kind == "fixed-random":
        return [torch.rand(shape, generator=g).to(device=device, dtype=dtype)]
    return [torch.rand(shape, generator=g).to(device=device, dtype=dtype) for _ in range(16)]


class Runner:
    def __init__(self, torch, model, inputs, device, batch, in_flight):
        self.torch = torch
        self.model = model
        self.inputs = inputs
        self.cuda = device.startswith("cuda")
        self.batch = batch
        self.in_flight = max(1, in_flight)
        self.seq = 0

    def sync(self):
        if self.cuda:
            self.torch.cuda.synchronize()

    def next_input(self):
        return self.inputs[self.seq % len(self.inputs)]

    def run_sync(self, n):
        for _ in range(n):
            x = self.next_input()
            start = time.monotonic_ns()
            self.model(x)
            self.sync()
            end = time.monotonic_ns()
            emit({"event": "inference", "seq": self.seq, "start_ns": start, "end_ns": end, "batch": self.batch})
            self.seq += 1

    def run_async(self, n):
        """Queue up to in_flight inferences; each ends when its CUDA event completes."""
        if not self.cuda:
            return self.run_sync(n)
        pending = collections.deque()
        done = 0
        while done < n:
            while len(pending) < self.in_flight and done + len(pending) < n:
                x = self.next_input()
                start = time.monotonic_ns()
                self.model(x)
                ev = self.torch.cuda.Event()
                ev.record()
                pending.append((self.seq, start, ev))
                self.seq += 1
            seq, start, ev = pending.popleft()
            ev.synchronize()
            emit({"event": "inference", "seq": seq, "start_ns": start, "end_ns": time.monotonic_ns(), "batch": self.batch})
            done += 1

    def run(self, n, mode):
        with self.torch.inference_mode():
            if mode == "async":
                self.run_async(n)
            else:
                self.run_sync(n)

    def run_layers(self, n):
        """One inference at a time with timers around every leaf module."""
        torch = self.torch
        leaves = [(name, m) for name, m in self.model.named_modules() if len(list(m.children())) == 0]
        timings = []  # (index, name, type, start marker, end marker) of the current inference
        handles = []
        for index, (name, module) in enumerate(leaves):
            kind = type(module).__name__

            def pre(_m, _args, index=index, name=name, kind=kind):
                if self.cuda:
                    ev = torch.cuda.Event(enable_timing=True)
                    ev.record()
                    timings.append([index, name, kind, ev, None])
                else:
                    timings.append([index, name, kind, time.monotonic_ns(), None])

            def post(_m, _args, _out):
                rec = timings[-1]
                if self.cuda:
                    ev = torch.cuda.Event(enable_timing=True)
                    ev.record()
                    rec[4] = ev
                else:
                    rec[4] = time.monotonic_ns()

            handles.append(module.register_forward_pre_hook(pre))
            handles.append(module.register_forward_hook(post))
        try:
            with torch.inference_mode():
                for _ in range(n):
                    timings.clear()
                    x = self.next_input()
                    start = time.monotonic_ns()
                    self.model(x)
                    self.sync()
                    end = time.monotonic_ns()
                    emit({"event": "inference", "seq": self.seq, "start_ns": start, "end_ns": end, "batch": self.batch})
                    # a module called twice (shared activation) gets one event per call, in order
                    for position, (index, name, kind, a, b) in enumerate(timings):
                        if b is None:
                            continue
                        if self.cuda:
                            dur = int(a.elapsed_time(b) * 1_000_000)  # ms -> ns
                        else:
                            dur = b - a
                        emit({"event": "layer", "seq": self.seq, "index": position,
                              "name": name or type(self.model).__name__, "type": kind, "duration_ns": max(0, dur)})
                    self.seq += 1
        finally:
            for h in handles:
                h.remove()


def phase(name, fn):
    start = time.monotonic_ns()
    fn()
    emit({"event": "phase", "name": name, "start_ns": start, "end_ns": time.monotonic_ns()})


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import torch
    except ImportError:
        log("PyTorch is not installed (pip install torch torchvision)")
        return 2
    torch.manual_seed(args.seed)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.float16 if args.half else torch.float32
    model = load_model(torch, args.model, device)
    if args.half:
        model = model.half()
    inputs = make_inputs(torch, args.input, args.batch, args.size, args.seed, device, dtype)
    emit({"event": "meta", "runner": "torch_runner.py", "framework": "pytorch " + torch.__version__,
          "model": args.model, "device": device, "mode": args.mode, "input": args.input})
    r = Runner(torch, model, inputs, device, args.batch, args.in_flight)
    phase("warmup", lambda: r.run(args.warmup, args.mode))
    phase("latency", lambda: r.run(args.latency, args.mode))
    if args.power > 0:
        phase("power", lambda: r.run(args.power, args.mode))
    if args.layers > 0:
        phase("layers", lambda: r.run_layers(args.layers))
    log("done: %d inferences" % r.seq)
    return 0


if __name__ == "__main__":
    sys.exit(main())
