#!/usr/bin/env python3
"""TensorRT runner for inferwatt's external runner protocol (docs/runners.md).

Builds a TensorRT engine from an ONNX file with the TensorRT Python API (as JetPack ships it, or
`pip install tensorrt` on a GPU server) and reports every layer's time of every inference of the
layer phase through TensorRT's own IProfiler, the paper's method: the per-layer times of each
cycle, not trtexec's averages. Prints the events JSONL on standard output; every time is
time.monotonic_ns() (CLOCK_MONOTONIC). Messages go to standard error.

  tensorrt_runner.py --onnx model.onnx --batch {batch} --mode {mode} \
      --warmup {warmup} --latency {latency} --power {power} --layers {layers}

IProfiler reports each layer's time in ms after each synchronous execution (execute_v2), so the
layer phase runs one inference at a time; a layer event carries the time IProfiler reported
(duration only: TensorRT does not say when a layer began; inferwatt lays the layers back to back
from the inference's start, and what remains is the unattributed tail).

--record-trace FILE also writes the IProfiler reports of the layer phase as JSON ({"tensorrt":
version, "device": name, "latency_ms": [...], "cycles": [[{"name": layer, "ms": time}, ...],
...]}); --replay FILE prints the events of such a trace instead of running TensorRT (each
inference sleeps its recorded time), so that the event output can be checked where TensorRT is
absent.
"""
import argparse
import json
import os
import sys
import time


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def log(msg):
    print("tensorrt_runner: " + msg, file=sys.stderr, flush=True)


def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--onnx", help="the ONNX model to build an engine from")
    src.add_argument("--replay", help="a recorded IProfiler trace (JSON) to print instead of running")
    p.add_argument("--batch", type=int, default=int(env("INFERWATT_BATCH", "1")))
    p.add_argument("--mode", choices=["sync", "async"], default=env("INFERWATT_MODE", "sync"))
    p.add_argument("--warmup", type=int, default=int(env("INFERWATT_WARMUP", "50")))
    p.add_argument("--latency", type=int, default=int(env("INFERWATT_LATENCY_CYCLES", "500")))
    p.add_argument("--power", type=int, default=int(env("INFERWATT_POWER_CYCLES", "500")))
    p.add_argument("--layers", type=int, default=int(env("INFERWATT_LAYER_CYCLES", "100")))
    p.add_argument("--fp16", action="store_true", help="let TensorRT use float16 kernels")
    p.add_argument("--workspace-mib", type=int, default=1024)
    p.add_argument("--record-trace", help="also write the layer phase's IProfiler reports here")
    return p.parse_args(argv)


def phase(name, fn):
    start = time.monotonic_ns()
    fn()
    emit({"event": "phase", "name": name, "start_ns": start, "end_ns": time.monotonic_ns()})


class Events:
    """Numbers inferences and prints them with their layers."""

    def __init__(self, batch):
        self.seq = 0
        self.batch = batch

    def inference(self, start, end):
        emit({"event": "inference", "seq": self.seq, "start_ns": start, "end_ns": end, "batch": self.batch})
        self.seq += 1
        return self.seq - 1

    def layers(self, seq, reports):
        for index, (name, ms) in enumerate(reports):
            emit({"event": "layer", "seq": seq, "index": index, "name": name, "type": layer_type(name),
                  "duration_ns": int(round(ms * 1e6))})


def layer_type(name):
    """TensorRT names fused layers after their parts; the type is the first ONNX op named in it."""
    for op in ("Reformat", "Conv", "Gemm", "MatMul", "Pool", "Relu", "Clip", "Add", "Concat",
               "Reshape", "Softmax", "BatchNormalization", "Resize", "Transpose"):
        if op.lower() in name.lower():
            return op
    return "TensorRT"


# ---- replay --------------------------------------------------------------------------------------

def replay(args):
    with open(args.replay) as f:
        trace = json.load(f)
    cycles = trace.get("cycles") or []
    if not cycles or not all(isinstance(c, list) and c for c in cycles):
        log("%s has no cycles of layer reports" % args.replay)
        return 2
    latency = [float(x) for x in trace.get("latency_ms") or []] or [sum(l["ms"] for l in c) for c in cycles]
    emit({"event": "meta", "runner": "tensorrt_runner.py", "framework": "tensorrt " + str(trace.get("tensorrt", "?")),
          "device": trace.get("device", "?"), "replay": os.path.basename(args.replay)})
    ev = Events(args.batch)

    def run(n):
        for i in range(n):
            start = time.monotonic_ns()
            time.sleep(latency[i % len(latency)] / 1e3)
            ev.inference(start, time.monotonic_ns())

    def run_layers(n):
        for i in range(n):
            reports = [(l["name"], float(l["ms"])) for l in cycles[i % len(cycles)]]
            start = time.monotonic_ns()
            time.sleep(sum(ms for _, ms in reports) / 1e3)
            seq = ev.inference(start, time.monotonic_ns())
            ev.layers(seq, reports)

    phase("warmup", lambda: run(args.warmup))
    phase("latency", lambda: run(args.latency))
    if args.power > 0:
        phase("power", lambda: run(args.power))
    if args.layers > 0:
        phase("layers", lambda: run_layers(args.layers))
    log("replayed %d inferences" % ev.seq)
    return 0


# ---- TensorRT ------------------------------------------------------------------------------------

def build(trt, args, logger):
    builder = trt.Builder(logger)
    flags = 0
    if hasattr(trt.NetworkDefinitionCreationFlag, "EXPLICIT_BATCH") and int(trt.__version__.split(".")[0]) < 10:
        flags = 1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH)
    network = builder.create_network(flags)
    parser = trt.OnnxParser(network, logger)
    with open(args.onnx, "rb") as f:
        if not parser.parse(f.read()):
            for i in range(parser.num_errors):
                log("ONNX parser: %s" % parser.get_error(i))
            return None
    config = builder.create_builder_config()
    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, args.workspace_mib << 20)
    config.profiling_verbosity = trt.ProfilingVerbosity.DETAILED
    if args.fp16:
        config.set_flag(trt.BuilderFlag.FP16)
    profile = builder.create_optimization_profile()
    for i in range(network.num_inputs):
        t = network.get_input(i)
        shape = [args.batch if d < 0 else d for d in t.shape]
        profile.set_shape(t.name, shape, shape, shape)
    config.add_optimization_profile(profile)
    plan = builder.build_serialized_network(network, config)
    if plan is None:
        log("TensorRT could not build an engine from %s" % args.onnx)
        return None
    return trt.Runtime(logger).deserialize_cuda_engine(plan)


def run_tensorrt(args):
    try:
        import tensorrt as trt
    except ImportError:
        log("TensorRT's Python API is not installed (JetPack ships it; elsewhere pip install tensorrt)")
        return 2
    try:
        import torch
    except ImportError:
        log("the buffers are allocated with PyTorch (pip install torch), which is not installed")
        return 2
    logger = trt.Logger(trt.Logger.WARNING)
    engine = build(trt, args, logger)
    if engine is None:
        return 1
    context = engine.create_execution_context()
    buffers = []
    dtypes = {trt.float32: torch.float32, trt.float16: torch.float16, trt.int32: torch.int32,
              trt.int8: torch.int8, trt.bool: torch.bool}
    for i in range(engine.num_io_tensors):
        name = engine.get_tensor_name(i)
        shape = [args.batch if d < 0 else d for d in engine.get_tensor_shape(name)]
        if engine.get_tensor_mode(name) == trt.TensorIOMode.INPUT:
            context.set_input_shape(name, shape)
        t = torch.zeros(shape, dtype=dtypes.get(engine.get_tensor_dtype(name), torch.float32), device="cuda")
        buffers.append(t)
        context.set_tensor_address(name, t.data_ptr())
    bindings = [t.data_ptr() for t in buffers]

    class Profiler(trt.IProfiler):
        def __init__(self):
            trt.IProfiler.__init__(self)
            self.reports = []

        def report_layer_time(self, layer_name, ms):
            self.reports.append((layer_name, ms))

    emit({"event": "meta", "runner": "tensorrt_runner.py", "framework": "tensorrt " + trt.__version__,
          "device": torch.cuda.get_device_name(0), "model": os.path.basename(args.onnx),
          "precision": "fp16" if args.fp16 else "fp32"})
    ev = Events(args.batch)
    stream = torch.cuda.Stream()
    recorded = {"tensorrt": trt.__version__, "device": torch.cuda.get_device_name(0),
                "latency_ms": [], "cycles": []}

    def run(n):
        if args.mode == "sync":
            for _ in range(n):
                start = time.monotonic_ns()
                context.execute_async_v3(stream.cuda_stream)
                stream.synchronize()
                end = time.monotonic_ns()
                ev.inference(start, end)
                recorded["latency_ms"].append((end - start) / 1e6)
            return
        # async: inferences queued back to back; each ends when its event completes
        pending = []
        for _ in range(n):
            start = time.monotonic_ns()
            context.execute_async_v3(stream.cuda_stream)
            done = torch.cuda.Event()
            done.record(stream)
            pending.append((start, done))
            if len(pending) >= 4:
                s, d = pending.pop(0)
                d.synchronize()
                ev.inference(s, time.monotonic_ns())
        for s, d in pending:
            d.synchronize()
            ev.inference(s, time.monotonic_ns())

    def run_layers(n):
        prof = Profiler()
        context.profiler = prof
        for _ in range(n):
            prof.reports = []
            start = time.monotonic_ns()
            context.execute_v2(bindings)  # synchronous: IProfiler reports when it returns
            end = time.monotonic_ns()
            seq = ev.inference(start, end)
            ev.layers(seq, prof.reports)
            recorded["cycles"].append([{"name": name, "ms": ms} for name, ms in prof.reports])

    recorded["latency_ms"] = []
    phase("warmup", lambda: run(args.warmup))
    recorded["latency_ms"] = []
    phase("latency", lambda: run(args.latency))
    if args.power > 0:
        phase("power", lambda: run(args.power))
    if args.layers > 0:
        phase("layers", lambda: run_layers(args.layers))
    if args.record_trace:
        with open(args.record_trace, "w") as f:
            json.dump(recorded, f)
    log("done: %d inferences" % ev.seq)
    return 0


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return replay(args) if args.replay else run_tensorrt(args)


if __name__ == "__main__":
    sys.exit(main())
