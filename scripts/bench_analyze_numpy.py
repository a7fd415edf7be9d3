#!/usr/bin/env python3
"""The paper's layer mapping in plain numpy: the reference the analyze benchmark runs against.

Parses a samples CSV and an events JSONL (docs/formats.md), lays each inference's layers one
after the other from its start (the paper's section III.B), gives each sample to the layer running at
its timestamp and prints the mean power per layer and rail, and the mean power and latency of
the inferences. Needs numpy (pip install numpy).

usage: bench_analyze_numpy.py SAMPLES.csv EVENTS.jsonl
"""
import json
import sys

try:
    import numpy as np
except ImportError:
    sys.exit("bench_analyze_numpy.py needs numpy: pip install numpy")


def main(samples_path, events_path):
    with open(samples_path) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(samples_path, delimiter=",", skiprows=1, ndmin=2)
    t = data[:, header.index("t_ns")].astype(np.int64)
    rails = [c[:-3] for c in header if c.endswith("_mw")]
    power = data[:, [header.index(r + "_mw") for r in rails]]

    inf = {}
    layers = []  # (seq, index, duration_ns)
    names = {}
    with open(events_path) as f:
        for line in f:
            e = json.loads(line)
            kind = e["event"]
            if kind == "layer":
                layers.append((e["seq"], e["index"], e["duration_ns"]))
                names.setdefault(e["index"], e["name"])
            elif kind == "inference":
                inf[e["seq"]] = (e["start_ns"], e["end_ns"])

    lay = np.array(layers, dtype=np.int64)
    order = np.lexsort((lay[:, 1], np.array([inf[s][0] for s in lay[:, 0]])))
    lay = lay[order]
    inf_start = np.array([inf[s][0] for s in lay[:, 0]], dtype=np.int64)
    # each layer starts where the previous one of its inference ended
    cum = np.cumsum(lay[:, 2])
    first = np.r_[True, lay[1:, 0] != lay[:-1, 0]]
    base = np.maximum.accumulate(np.where(first, cum - lay[:, 2], 0))
    starts = inf_start + (cum - lay[:, 2] - base)
    ends = starts + lay[:, 2]

    k = np.searchsorted(starts, t, side="right") - 1
    ok = (k >= 0) & (t < ends[np.maximum(k, 0)])
    slot = lay[k[ok], 1]
    n_slots = int(lay[:, 1].max()) + 1
    counts = np.bincount(slot, minlength=n_slots)
    means = np.stack(
        [np.bincount(slot, weights=power[ok, r], minlength=n_slots) for r in range(len(rails))],
        axis=1,
    ) / np.maximum(counts, 1)[:, None]

    s_arr = np.array(sorted(v[0] for v in inf.values()), dtype=np.int64)
    e_arr = np.array(sorted(v[1] for v in inf.values()), dtype=np.int64)
    j = np.searchsorted(s_arr, t, side="right") - 1
    inside = (j >= 0) & (t <= e_arr[np.maximum(j, 0)])
    latency_ms = (e_arr - s_arr).mean() / 1e6
    print(f"{len(inf)} inferences, latency {latency_ms:.4f} ms, {len(t)} samples")
    for r, name in enumerate(rails):
        print(f"rail {name}: {power[inside, r].mean():.1f} mW inside inferences")
    for s in range(n_slots):
        print(f"layer {s} {names.get(s, '')}: {counts[s]} samples, "
              + ", ".join(f"{rails[r]} {means[s, r]:.1f}" for r in range(len(rails))))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
