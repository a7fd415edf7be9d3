"""What the fit/predict benchmarks share: inferwatt's command line, each call in its own JVM started
as ./inferwatt starts it (scripts/java-command.sh), and quantiles."""
import os
import subprocess


def java_command(jar):
    """The words that start `jar` as ./inferwatt does (with its start-up archive)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "java-command.sh")
    return subprocess.run(["bash", script, jar], check=True, capture_output=True, text=True).stdout.splitlines()


def runner(jar, prefix=()):
    """A function that runs `inferwatt ARGS...` (behind `prefix`, such as `chrt -r 10`) and returns
    its standard output; a failure ends the benchmark with the command's error."""
    java = java_command(jar)

    def cli(*args):
        r = subprocess.run([*prefix, *java, *args], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"inferwatt {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
        return r.stdout

    return cli


def q(v, f):
    """The f-quantile of v (nearest rank); NaN when v is empty."""
    v = sorted(v)
    return v[min(len(v) - 1, int(round(f * (len(v) - 1))))] if v else float("nan")
