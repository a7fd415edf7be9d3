#!/usr/bin/env python3
"""Writes the distribution for one platform: the built tarball (inferwatt-cli/target/inferwatt-VERSION.tar.gz)
with the jar's native libraries of every other platform left out (ONNX Runtime, DuckDB, XGBoost, JNA). The
distribution of every platform is about 184 MB, one platform's 40-43 MB: what a Jetson's SD card, or a
machine that must be sent the tool, is spared.

Usage: scripts/dist_for.py PLATFORM [TARBALL] [OUT]
  PLATFORM  linux-x64 or linux-aarch64 (a Jetson)
  TARBALL   the full distribution (default: the newest inferwatt-cli/target/inferwatt-*.tar.gz)
  OUT       the file to write (default: beside TARBALL, named inferwatt-VERSION-PLATFORM.tar.gz);
            never the TARBALL itself
Prints what was left out. Exit status 2 on bad input, with one line saying why.
"""
import glob, io, os, re, sys, tarfile, zipfile

# Per platform: the one native folder or file each library keeps. Every other platform's is left out.
KEEP = {
    "linux-x64": {"ort": "linux-x64", "duckdb": "linux_amd64", "xgboost": "linux/x86_64", "jna": "linux-x86-64"},
    "linux-aarch64": {"ort": "linux-aarch64", "duckdb": "linux_arm64", "xgboost": "linux/aarch64", "jna": "linux-aarch64"},
}
NATIVE = re.compile(r"\.(so|dll|dylib|jnilib|a)$")
# The largest file of a distribution or entry of its jar read (the jar is about 186 MB, its largest
# entry about 110 MB): a bound on memory against a damaged or hostile archive.
MAX_MEMBER_BYTES = 1 << 30


def other_platform(name, keep):
    """Whether jar entry NAME is a native part of a platform other than KEEP's."""
    m = re.match(r"ai/onnxruntime/native/([^/]+)/", name)
    if m:
        return m.group(1) != keep["ort"]
    m = re.match(r"libduckdb_java\.so_(.+)$", name)
    if m:
        return m.group(1) != keep["duckdb"]
    m = re.match(r"lib/((?:linux|macos|windows)/[^/]+)/", name)
    if m:
        return m.group(1) != keep["xgboost"]
    m = re.match(r"com/sun/jna/([^/]+)/[^/]+$", name)
    if m and NATIVE.search(name):  # com/sun/jna/win32/ is also a package of classes: natives only
        return m.group(1) != keep["jna"]
    return False


def slim_jar(data, keep):
    """The jar in DATA without other platforms' natives, and the names left out."""
    out, dropped = io.BytesIO(), []
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.file_size > MAX_MEMBER_BYTES:
                raise SystemExit(f"lib/inferwatt.jar: {info.filename} is {info.file_size / 1e9:.1f} GB unpacked,"
                                 " larger than any part of a distribution")
            if other_platform(info.filename, keep):
                dropped.append(info.filename)
                continue
            dst.writestr(info, src.read(info.filename))  # info keeps the entry's compression
    return out.getvalue(), dropped


def main(argv):
    if len(argv) < 1 or argv[0] not in KEEP:
        raise SystemExit(f"usage: dist_for.py {'|'.join(KEEP)} [TARBALL] [OUT]")
    platform = argv[0]
    if len(argv) > 1:
        tarball = argv[1]
    else:
        found = sorted(glob.glob("inferwatt-cli/target/inferwatt-*.tar.gz"), key=os.path.getmtime)
        found = [f for f in found if not re.search(r"-linux-(x64|aarch64)\.tar\.gz$", f)]
        if not found:
            raise SystemExit("no inferwatt-cli/target/inferwatt-*.tar.gz: build it first (mvn -B package -DskipTests)")
        tarball = found[-1]
    if not os.path.exists(tarball):
        raise SystemExit(f"{tarball}: no such file")
    if not os.path.isfile(tarball):
        raise SystemExit(f"{tarball}: not a regular file (a folder, a pipe?): give the distribution's .tar.gz")
    out = argv[2] if len(argv) > 2 else re.sub(r"\.tar\.gz$", "", tarball) + f"-{platform}.tar.gz"
    if os.path.abspath(out) == os.path.abspath(tarball) or (os.path.exists(out) and os.path.samefile(out, tarball)):
        raise SystemExit(f"{out} is the input: give another file to write")
    if os.path.exists(out) and not os.path.isfile(out):
        raise SystemExit(f"{out}: exists and is not a regular file: give a file to write")
    if not os.path.isdir(os.path.dirname(os.path.abspath(out))):
        raise SystemExit(f"{out}: its folder does not exist")
    dropped = []
    tmp = out + ".part"
    try:
        with tarfile.open(tarball, "r:gz") as src, tarfile.open(tmp, "w:gz") as dst:
            jars = 0
            for m in src:
                if m.isfile() and m.size > MAX_MEMBER_BYTES:
                    raise SystemExit(f"{tarball}: {m.name} is {m.size / 1e9:.1f} GB, larger than any part of a distribution")
                data = src.extractfile(m).read() if m.isfile() else None
                if m.isfile() and m.name.endswith("/lib/inferwatt.jar"):
                    data, dropped = slim_jar(data, KEEP[platform])
                    m.size = len(data)
                    jars += 1
                dst.addfile(m, io.BytesIO(data) if data is not None else None)
            if jars != 1:
                raise SystemExit(f"{tarball}: {jars} lib/inferwatt.jar found, not one: is it an inferwatt distribution?")
        os.replace(tmp, out)
    except OSError as e:
        if getattr(e, "filename", None) in (tmp, out):  # the output, not the input
            raise SystemExit(f"cannot write {out}: {e.strerror or e}")
        raise SystemExit(f"{tarball}: cannot be read as an inferwatt distribution ({e})")
    except (tarfile.TarError, zipfile.BadZipFile, EOFError) as e:
        raise SystemExit(f"{tarball}: cannot be read as an inferwatt distribution ({e})")
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    print(f"wrote {out} ({os.path.getsize(out) / 1e6:.1f} MB, from {os.path.getsize(tarball) / 1e6:.1f} MB):"
          f" {platform} only; {len(dropped)} native entries of other platforms left out")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except SystemExit as e:
        if isinstance(e.code, str):
            print(f"dist_for: {e.code}", file=sys.stderr)
            sys.exit(2)
        raise
