#!/usr/bin/env python3
"""A fake trtexec for tests: takes trtexec's flags, prints its banner, writes exports.

  --help                       prints the banner and exits 0
  --onnx=M --saveEngine=E      "builds": writes E
  --loadEngine=E ...           "runs": sleeps 0.15 s (loading), then lays --iterations compute
                               windows of irregular length (after --warmUp ms), sleeps until they
                               are over, writes them to --exportTimes and copies the profile
                               fixture of its version to --exportProfile
Environment:
  FAKE_TRTEXEC_VERSION  banner version number (default 100300 = 10.3.0; 8201 = 8.2.1)
  FAKE_TRTEXEC_LOG      appends one JSON line per call: argv, and for runs the monotonic ns of
                        the run start and the compute windows in ms (the truth the tests check)
  FAKE_TRTEXEC_FIXTURES folder of profile-8.2.json and profile-10.3.json (default: its own)
  FAKE_TRTEXEC_FAIL     build | run:NAME (exit 3 when an export path contains NAME) |
                        garbage:NAME (write broken JSON there) | orphan:NAME (leave a `sleep 600`
                        behind, its pid in FAKE_TRTEXEC_ORPHAN) | longline:NAME (print 3 MiB
                        without a newline on stdout and on stderr, exit 3)
Like TensorRT before 11, it writes no --exportTimes when it profiles without --separateProfileRun.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import time

args = {}
for a in sys.argv[1:]:
    if a.startswith("--"):
        k, _, v = a[2:].partition("=")
        args[k] = v
version = os.environ.get("FAKE_TRTEXEC_VERSION", "100300")
fail = os.environ.get("FAKE_TRTEXEC_FAIL", "")
print(f"&&&& RUNNING TensorRT.trtexec [TensorRT v{version}] # trtexec {' '.join(sys.argv[1:])}", flush=True)


def log(entry):
    path = os.environ.get("FAKE_TRTEXEC_LOG")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(entry) + "\n")


def die(code, *lines):
    for line in lines:
        print(line, file=sys.stderr, flush=True)
    print(f"&&&& FAILED TensorRT.trtexec [TensorRT v{version}]", flush=True)
    sys.exit(code)


if "help" in args:
    print("=== Model Options ===\n  --onnx=<file>  ONNX model")
    sys.exit(0)

if "onnx" in args:
    log({"argv": sys.argv[1:]})
    if fail == "build":
        die(1, "[E] [TRT] ModelImporter.cpp:768: ERROR: unsupported operator", "[E] Engine could not be created")
    with open(args["saveEngine"], "wb") as f:
        f.write(b"fake engine for " + args["onnx"].encode())
    print("[I] Engine built in 0.01 sec.")
    sys.exit(0)

if not os.path.isfile(args.get("loadEngine", "")):
    die(1, f"[E] Error opening engine file: {args.get('loadEngine')}")
exports = [args.get("exportTimes", ""), args.get("exportProfile", "")]
for e in exports:
    if fail.startswith("run:") and e and fail[4:] in e:
        die(3, "[E] [TRT] 1: [defaultAllocator.cpp::allocate::20] Error Code 1: Cuda Runtime (out of memory)",
            "[E] Inference set up failed")

if fail.startswith("orphan:") and any(e and fail[7:] in e for e in exports):
    # a child that inherits stdout and outlives trtexec; its pid goes to FAKE_TRTEXEC_ORPHAN
    child = subprocess.Popen(["sleep", "600"])
    with open(os.environ["FAKE_TRTEXEC_ORPHAN"], "w") as f:
        f.write(str(child.pid))
if fail.startswith("longline:") and any(e and fail[9:] in e for e in exports):
    sys.stdout.write("x" * (3 << 20))  # 3 MiB without a newline, then a failure
    die(3, "y" * (3 << 20))

time.sleep(0.15)  # loading the engine: the run starts well after the launch
start = time.monotonic_ns()
n = int(args.get("iterations", "10"))
t = float(args.get("warmUp", "200"))
rnd = random.Random()
windows = []
for _ in range(n):
    compute = rnd.uniform(1.5, 4.0)
    windows.append((t, t + compute))
    t += compute + rnd.uniform(0.5, 6.0)
time.sleep(max(0.0, start / 1e9 + t / 1e3 - time.monotonic_ns() / 1e9))

major = int(version.split(".")[0]) if "." in version else (int(version) // 1000 if len(version) <= 4 else int(version) // 10000)
times = args.get("exportTimes")
if times and not (args.get("exportProfile") and major < 11 and "separateProfileRun" not in args):
    if fail.startswith("garbage:") and fail[8:] in times:
        with open(times, "w") as f:
            f.write('[\n  { "startEnqMs" : 1.0,\n    "endEnqMs" : oops }\n]\n')
    else:
        recs = []
        for (s, e) in windows:
            recs.append({"startEnqMs": s - 0.05, "endEnqMs": s, "startH2dMs": s, "endH2dMs": s,
                         "startComputeMs": s, "endComputeMs": e, "startD2hMs": e, "endD2hMs": e,
                         "h2dMs": 0, "computeMs": e - s, "d2hMs": 0, "latencyMs": e - s})
        with open(times, "w") as f:
            json.dump(recs, f, indent=1)
profile = args.get("exportProfile")
if profile:
    fixture = "profile-8.2.json" if major < 10 else "profile-10.3.json"
    fixtures = os.environ.get("FAKE_TRTEXEC_FIXTURES", os.path.dirname(os.path.abspath(__file__)))
    shutil.copy(os.path.join(fixtures, fixture), profile)
log({"argv": sys.argv[1:], "run_start_ns": start, "windows": windows})
print(f"&&&& PASSED TensorRT.trtexec [TensorRT v{version}]", flush=True)
