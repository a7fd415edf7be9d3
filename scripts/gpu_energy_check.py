#!/usr/bin/env python3
"""NVML on a real NVIDIA GPU under PyTorch, the readings sim:gpu simulates (docs/virtual-gpu.md).

1. A window of ResNet18 inferences run back to back while a thread reads NVML as fast as it can
   (power field 186 and the energy counter in turn) and drains the driver's power sample buffer:
   the energy between the first and the last counter update seen, against the sample buffer and
   the polled power integrated over the same span; the update periods seen; the read rate.
2. Energy per inference from the counter over that window, with the bound from its update
   brackets (the rule of inferwatt's CounterEnergy; refused below 10 updates).
3. Per-layer energy by differential prefix profiling: the network cut after each fused layer
   (conv + batch norm + activation as one), each prefix run for a window with only the counter
   read, rounds alternating forward and backward order; layer k = E(k) - E(k-1), 95 % intervals
   from the rounds.

Prints a short table and writes every number to --out as JSON. Needs torch, torchvision and
libnvidia-ml.so.1; nothing else.
"""
import argparse
import ctypes
import json
import math
import statistics
import sys
import threading
import time

NVML_FI_DEV_POWER_INSTANT = 186
NVML_TOTAL_POWER_SAMPLES = 0
NVML_ERROR_NOT_FOUND = 6
MIN_UPDATES = 10
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]


class Value(ctypes.Union):
    _fields_ = [("d", ctypes.c_double), ("ui", ctypes.c_uint), ("ul", ctypes.c_ulong),
                ("ull", ctypes.c_ulonglong), ("sll", ctypes.c_longlong), ("si", ctypes.c_int),
                ("us", ctypes.c_ushort)]


def value_of(v, kind):
    return {0: v.d, 1: v.ui, 2: v.ul, 3: v.ull, 4: v.sll, 5: v.si, 6: v.us}.get(kind, v.ull)


class FieldValue(ctypes.Structure):  # nvmlFieldValue_t, 40 bytes
    _fields_ = [("fieldId", ctypes.c_uint), ("scopeId", ctypes.c_uint),
                ("timestamp", ctypes.c_longlong), ("latencyUsec", ctypes.c_longlong),
                ("valueType", ctypes.c_int), ("nvmlReturn", ctypes.c_int), ("value", Value)]


class Sample(ctypes.Structure):  # nvmlSample_t, 16 bytes
    _fields_ = [("timeStamp", ctypes.c_ulonglong), ("sampleValue", Value)]


class Nvml:
    def __init__(self, index):
        self.lib = ctypes.CDLL("libnvidia-ml.so.1")
        self.lib.nvmlErrorString.restype = ctypes.c_char_p
        self.check("nvmlInit_v2", self.lib.nvmlInit_v2())
        self.dev = ctypes.c_void_p()
        self.check("nvmlDeviceGetHandleByIndex_v2",
                   self.lib.nvmlDeviceGetHandleByIndex_v2(index, ctypes.byref(self.dev)))
        name = ctypes.create_string_buffer(96)
        self.check("nvmlDeviceGetName", self.lib.nvmlDeviceGetName(self.dev, name, 96))
        self.name = name.value.decode()
        self.field = FieldValue()
        self.energy_ref = ctypes.c_ulonglong()
        self.power_ref = ctypes.c_uint()
        self.instant = self._try_instant()

    def check(self, call, rc):
        if rc != 0:
            raise RuntimeError("%s failed: %s (NVML error %d)" % (call, self.lib.nvmlErrorString(rc).decode(), rc))

    def _try_instant(self):
        self.field.fieldId = NVML_FI_DEV_POWER_INSTANT
        self.field.scopeId = 0
        rc = self.lib.nvmlDeviceGetFieldValues(self.dev, 1, ctypes.byref(self.field))
        return rc == 0 and self.field.nvmlReturn == 0

    def power_mw(self):
        """Field 186 where supported, else nvmlDeviceGetPowerUsage (a 1 s average on Ampere+)."""
        if self.instant:
            self.field.fieldId = NVML_FI_DEV_POWER_INSTANT
            self.field.scopeId = 0
            self.check("nvmlDeviceGetFieldValues", self.lib.nvmlDeviceGetFieldValues(self.dev, 1, ctypes.byref(self.field)))
            if self.field.nvmlReturn != 0:
                raise RuntimeError("field 186 returned NVML error %d" % self.field.nvmlReturn)
            return float(value_of(self.field.value, self.field.valueType))
        self.check("nvmlDeviceGetPowerUsage", self.lib.nvmlDeviceGetPowerUsage(self.dev, ctypes.byref(self.power_ref)))
        return float(self.power_ref.value)

    def energy_mj(self):
        self.check("nvmlDeviceGetTotalEnergyConsumption",
                   self.lib.nvmlDeviceGetTotalEnergyConsumption(self.dev, ctypes.byref(self.energy_ref)))
        return int(self.energy_ref.value)

    def samples(self, last_seen_us):
        kind = ctypes.c_int()
        count = ctypes.c_uint(0)
        rc = self.lib.nvmlDeviceGetSamples(self.dev, NVML_TOTAL_POWER_SAMPLES, ctypes.c_ulonglong(last_seen_us),
                                           ctypes.byref(kind), ctypes.byref(count), None)
        if rc == NVML_ERROR_NOT_FOUND or count.value == 0:
            return []
        self.check("nvmlDeviceGetSamples(count)", rc)
        buf = (Sample * count.value)()
        rc = self.lib.nvmlDeviceGetSamples(self.dev, NVML_TOTAL_POWER_SAMPLES, ctypes.c_ulonglong(last_seen_us),
                                           ctypes.byref(kind), ctypes.byref(count), buf)
        if rc == NVML_ERROR_NOT_FOUND:
            return []
        self.check("nvmlDeviceGetSamples", rc)
        return [(buf[i].timeStamp, float(value_of(buf[i].sampleValue, kind.value))) for i in range(count.value)]

    def close(self):
        self.lib.nvmlShutdown()


def epoch_offset_ns():
    """Epoch ns minus monotonic ns, from the tightest of 16 brackets."""
    best = None
    for _ in range(16):
        a = time.monotonic_ns()
        e = time.time_ns()
        b = time.monotonic_ns()
        if best is None or b - a < best[0]:
            best = (b - a, e - (a + (b - a) // 2))
    return best[1]


class Poller(threading.Thread):
    """Reads NVML as fast as the calls allow: 'pairs' (power field, then counter) or 'counter'."""

    def __init__(self, nvml, mode, offset_ns):
        super().__init__(daemon=True)
        self.nvml, self.mode, self.offset_ns = nvml, mode, offset_ns
        self.power, self.counter, self.buffer = [], [], []
        self.stop = threading.Event()
        self.error = None

    def run(self):
        try:
            last_seen = 0
            if self.mode == "pairs":
                old = self.nvml.samples(0)
                last_seen = old[-1][0] if old else 0
            next_drain = time.monotonic_ns() + 400_000_000
            while not self.stop.is_set():
                if self.mode == "pairs":
                    a = time.monotonic_ns()
                    p = self.nvml.power_mw()
                    b = time.monotonic_ns()
                    self.power.append((a, b, p))
                a = time.monotonic_ns()
                e = self.nvml.energy_mj()
                b = time.monotonic_ns()
                self.counter.append((a, b, e))
                if self.mode == "pairs" and b >= next_drain:
                    for ts, mw in self.nvml.samples(last_seen):
                        self.buffer.append((ts * 1000 - self.offset_ns, mw))
                        last_seen = max(last_seen, ts)
                    next_drain = b + 400_000_000
            if self.mode == "pairs":
                for ts, mw in self.nvml.samples(last_seen):
                    self.buffer.append((ts * 1000 - self.offset_ns, mw))
        except Exception as e:  # reported by the caller
            self.error = e


def run_window(torch, nvml, module, x, seconds, mode, offset_ns, warmup=20):
    with torch.no_grad():
        for _ in range(warmup):
            module(x)
        torch.cuda.synchronize()
        poller = Poller(nvml, mode, offset_ns)
        poller.start()
        time.sleep(0.01)
        starts, ends = [], []
        stop_at = time.monotonic_ns() + int(seconds * 1e9)
        while True:
            s = time.monotonic_ns()
            module(x)
            torch.cuda.synchronize()
            e = time.monotonic_ns()
            starts.append(s)
            ends.append(e)
            if e >= stop_at:
                break
        poller.stop.set()
        poller.join()
    if poller.error:
        raise poller.error
    return poller, starts, ends


def counter_energy(reads, starts, ends, update_ns=100_000_000):
    """inferwatt's CounterEnergy: energy per inference (gap included) with its bracket bound."""
    n = len(starts)
    if n < 2:
        return {"refused": "fewer than 2 inferences in the window", "updates": 0}
    first, last = starts[0], ends[-1]
    cycle = (starts[-1] - first) / (n - 1)
    inside = [r for r in reads if r[0] >= first and r[1] <= last]
    changes = [i for i in range(1, len(inside)) if inside[i][2] != inside[i - 1][2]]
    if len(changes) < MIN_UPDATES:
        need = (MIN_UPDATES + 1) * update_ns
        return {"refused": "the window of %.0f ms holds %d counter updates; at least %d are needed (run %.1f s)"
                % ((last - first) / 1e6, len(changes), MIN_UPDATES, need / 1e9), "updates": len(changes)}
    i, j = changes[0], changes[-1]
    ua = (inside[i - 1][0] + inside[i][1]) / 2
    ub = (inside[j - 1][0] + inside[j][1]) / 2
    half = (inside[i][1] - inside[i - 1][0]) / 2 + (inside[j][1] - inside[j - 1][0]) / 2
    span = ub - ua
    energy = inside[j][2] - inside[i][2]
    per = energy * cycle / span
    mids = [(inside[k - 1][0] + inside[k][1]) / 2 for k in changes]
    gaps = [b - a for a, b in zip(mids, mids[1:])]
    return {"energy_mj": per, "bound_mj": per * half / span + cycle / span, "span_ns": span, "ua": ua, "ub": ub,
            "window_mj": energy, "mean_power_mw": energy / span * 1e9, "updates": len(changes),
            "inferences": n, "cycle_ms": cycle / 1e6,
            "update_period_ms_median": statistics.median(gaps) / 1e6 if gaps else float("nan")}


def step_integral_mj(points, a, b):
    """Integral over [a, b] of a step function given as (t_ns, mW) points (value holds until the next)."""
    pts = sorted(points)
    total = 0.0
    for k, (t, v) in enumerate(pts):
        t1 = pts[k + 1][0] if k + 1 < len(pts) else b
        lo, hi = max(t, a), min(t1, b)
        if hi > lo:
            total += v * (hi - lo)
    return total / 1e9


def buffer_integral_mj(buffer, a, b):
    """Each buffered sample is a mean of the window before it: hold it back to the previous sample."""
    pts = sorted(buffer)
    total = 0.0
    for k in range(1, len(pts)):
        t0, t1, v = pts[k - 1][0], pts[k][0], pts[k][1]
        lo, hi = max(t0, a), min(t1, b)
        if hi > lo:
            total += v * (hi - lo)
    return total / 1e9


def fused_prefixes(torch, model):
    """The fx graph cut after each fused layer; returns (names, [prefix modules, index 0 = identity])."""
    import torch.fx as fx
    nn = torch.nn
    gm = fx.symbolic_trace(model)
    mods = dict(gm.named_modules())
    compute = [n for n in gm.graph.nodes if n.op in ("call_module", "call_function", "call_method")]

    def follows(n):
        if n.op == "call_module":
            return isinstance(mods[n.target], (nn.BatchNorm2d, nn.ReLU, nn.ReLU6))
        return n.op in ("call_function", "call_method") and getattr(n.target, "__name__", str(n.target)) in ("relu", "relu_")

    cuts = [i for i in range(len(compute)) if i + 1 == len(compute) or not follows(compute[i + 1])]
    names, first = [], 0
    for c in cuts:
        names.append("+".join(n.name for n in compute[first:c + 1]))
        first = c + 1

    def cut(upto):
        g = fx.Graph()
        env = {}
        last = None
        for n in gm.graph.nodes:
            if n.op == "placeholder":
                env[n] = g.placeholder(n.name)
                last = env[n]
                continue
            if n.op == "output" or upto < 0:
                break
            env[n] = g.node_copy(n, lambda m: env[m])
            last = env[n]
            if n is compute[upto]:
                break
        g.output(last)
        return fx.GraphModule(gm, g)

    modules = [cut(-1)] + [cut(c) for c in cuts]
    return names, modules


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="resnet18")
    ap.add_argument("--gpu", type=int, default=0)
    ap.add_argument("--window", type=float, default=10.0, help="seconds of the comparison window")
    ap.add_argument("--prefix-window", type=float, default=1.2, help="seconds per prefix per round")
    ap.add_argument("--rounds", type=int, default=2, help="prefix rounds (forward, backward, ...)")
    ap.add_argument("--java-energy-mj", type=float, default=float("nan"),
                    help="inferwatt profile's per-inference energy from polled NVML, for the table")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    import torch
    import torchvision
    torch.manual_seed(1)
    model = torchvision.models.get_model(a.model, weights=None).eval().cuda()
    x = torch.rand((1, 3, 224, 224), generator=torch.Generator().manual_seed(1)).cuda()
    nvml = Nvml(a.gpu)
    offset = epoch_offset_ns()
    result = {"gpu": nvml.name, "power_reading": "field 186" if nvml.instant else "nvmlDeviceGetPowerUsage"}
    print("GPU %d: %s; power read as %s" % (a.gpu, nvml.name, result["power_reading"]), flush=True)

    # 1 + 2: the comparison window
    poller, starts, ends = run_window(torch, nvml, model, x, a.window, "pairs", offset)
    ce = counter_energy(poller.counter, starts, ends)
    result["counter"] = ce
    calls = len(poller.power) + len(poller.counter)
    dur = (poller.counter[-1][1] - poller.counter[0][0]) / 1e9
    result["read_pairs_per_s"] = calls / 2 / dur
    power_changes = [(p[0] + p[1]) / 2 for k, p in enumerate(poller.power) if k and p[2] != poller.power[k - 1][2]]
    pc_gaps = [b - a2 for a2, b in zip(power_changes, power_changes[1:])]
    result["power_field_update_ms_median"] = statistics.median(pc_gaps) / 1e6 if pc_gaps else None
    buf_gaps = [b[0] - a2[0] for a2, b in zip(poller.buffer, poller.buffer[1:])]
    result["buffer_period_ms_median"] = statistics.median(buf_gaps) / 1e6 if buf_gaps else None
    result["buffer_samples"] = len(poller.buffer)
    if "refused" not in ce:
        ua, ub = ce["ua"], ce["ub"]
        polled = [((p[0] + p[1]) / 2, p[2]) for p in poller.power]
        result["window_mj"] = {"counter": ce["window_mj"],
                               "buffer": buffer_integral_mj(poller.buffer, ua, ub) if poller.buffer else None,
                               "polled": step_integral_mj(polled, ua, ub)}
        cycles = (ub - ua) / (ce["cycle_ms"] * 1e6)
        result["per_inference_mj"] = {"counter": ce["energy_mj"], "counter_bound": ce["bound_mj"],
                                      "polled": result["window_mj"]["polled"] / cycles,
                                      "buffer": (result["window_mj"]["buffer"] / cycles) if result["window_mj"]["buffer"] else None,
                                      "inferwatt_java_polled": a.java_energy_mj}

    # 3: prefix profiling
    names, prefixes = fused_prefixes(torch, model)
    L = len(names)
    print("prefix profiling: %d layers, %d prefixes, %.1f s windows, %d rounds (about %.0f s)"
          % (L, L + 1, a.prefix_window, a.rounds, (L + 1) * a.prefix_window * a.rounds * 1.05), flush=True)
    rounds = []
    for r in range(a.rounds):
        e = [None] * (L + 1)
        order = range(L + 1) if r % 2 == 0 else range(L, -1, -1)
        for k in order:
            p, s, en = run_window(torch, nvml, prefixes[k], x, a.prefix_window, "counter", offset)
            c = counter_energy(p.counter, s, en)
            if "refused" in c:
                sys.exit("prefix %d: %s" % (k, c["refused"]))
            e[k] = c["energy_mj"]
        rounds.append(e)
    layers = []
    for k in range(1, L + 1):
        d = [rr[k] - rr[k - 1] for rr in rounds]
        m = statistics.mean(d)
        hw = T975[min(len(d) - 2, len(T975) - 1)] * statistics.stdev(d) / math.sqrt(len(d)) if len(d) > 1 else float("nan")
        layers.append({"index": k - 1, "name": names[k - 1], "energy_mj": m, "ci95_half_mj": hw})
    net = statistics.mean(rr[L] - rr[0] for rr in rounds)
    result["prefix"] = {"layers": layers, "network_mj": net,
                        "overhead_mj": statistics.mean(rr[0] for rr in rounds), "rounds": a.rounds,
                        "window_s": a.prefix_window}
    nvml.close()
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)

    # the table
    print("\n%-44s %14s" % ("reading (%s, %s)" % (a.model, nvml.name), "value"))
    print("%-44s %14.1f" % ("NVML read pairs per second (power+counter)", result["read_pairs_per_s"]))
    print("%-44s %14s" % ("power field update period, median ms", "%.1f" % result["power_field_update_ms_median"] if result["power_field_update_ms_median"] else "n/a"))
    print("%-44s %14s" % ("energy counter update period, median ms", "%.1f" % ce.get("update_period_ms_median", float("nan"))))
    print("%-44s %14s" % ("sample buffer period, median ms", "%.1f" % result["buffer_period_ms_median"] if result["buffer_period_ms_median"] else "n/a"))
    if "refused" in ce:
        print("energy counter: refused: " + ce["refused"])
    else:
        w = result["window_mj"]
        span = ce["span_ns"] / 1e9
        print("%-44s %14.1f" % ("window energy J, counter (%.2f s)" % span, w["counter"] / 1e3))
        if w["buffer"]:
            print("%-44s %14.1f   (%+.2f %%)" % ("window energy J, integrated sample buffer", w["buffer"] / 1e3, (w["buffer"] / w["counter"] - 1) * 100))
        print("%-44s %14.1f   (%+.2f %%)" % ("window energy J, integrated polled power", w["polled"] / 1e3, (w["polled"] / w["counter"] - 1) * 100))
        pi = result["per_inference_mj"]
        print("%-44s %14s" % ("per inference mJ, counter (gap included)", "%.3f +/- %.3f" % (pi["counter"], pi["counter_bound"])))
        print("%-44s %14.3f" % ("per inference mJ, polled power", pi["polled"]))
        if not math.isnan(a.java_energy_mj):
            print("%-44s %14.3f" % ("per inference mJ, inferwatt profile (Java)", a.java_energy_mj))
    print("\nper-layer energy by prefix profiling (%d rounds of %.1f s windows); network %.3f mJ over %.3f mJ overhead"
          % (a.rounds, a.prefix_window, net, result["prefix"]["overhead_mj"]))
    print("%4s %-40s %10s %10s %7s" % ("#", "layer", "mJ", "95% +/-", "share"))
    for l in layers:
        print("%4d %-40s %10.4f %10.4f %6.1f%%" % (l["index"], l["name"][:40], l["energy_mj"], l["ci95_half_mj"], 100 * l["energy_mj"] / net))
    return 0


if __name__ == "__main__":
    sys.exit(main())
