"""What the fit/predict benchmarks share: inferwatt's command line, each call in its own JVM started
as ./inferwatt starts it (scripts/java-command.sh), and quantiles."""
import functools
import json
import os
import subprocess


@functools.lru_cache(maxsize=None)
def java_command(jar, args=()):
    """The words that start `jar` for the command line `args` (a tuple) as ./inferwatt does (with its
    start-up archive, and the JVM options of a short command when `args` run one)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "java-command.sh")
    return subprocess.run(["bash", script, jar, "--", *args], check=True, capture_output=True,
                          text=True).stdout.splitlines()


def runner(jar, prefix=()):
    """A function that runs `inferwatt ARGS...` (behind `prefix`, such as `chrt -r 10`) and returns
    its standard output; a failure ends the benchmark with the command's error."""
    def cli(*args):
        # the options depend on the command's path alone: its first two words (less --verbose)
        java = java_command(jar, tuple(a for a in args if a != "--verbose")[:2])
        r = subprocess.run([*prefix, *java, *args], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"inferwatt {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
        return r.stdout

    return cli


def query(cli, db, sql):
    """The rows of `inferwatt query --db DB --format json SQL`, run through `cli` (see runner), as
    dicts by column name (also from the older columns-and-rows form)."""
    res = json.loads(cli("query", "--db", db, "--format", "json", sql))
    if isinstance(res, dict) and "rows" in res:
        return [dict(zip(res["columns"], r)) for r in res["rows"]]
    return res


def q(v, f):
    """The f-quantile of v (nearest rank); NaN when v is empty."""
    v = sorted(v)
    return v[min(len(v) - 1, int(round(f * (len(v) - 1))))] if v else float("nan")
