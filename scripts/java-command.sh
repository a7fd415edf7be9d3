# The one way to start the inferwatt jar: `java` with the jar's class-data archive (AppCDS) when
# there is one, so that the classes a command loads at its start come mapped from the archive instead
# of being read, parsed and verified from the jar, and with the JVM options of short commands for
# those the command tree marks short (docs/start-up.md). Used by ./inferwatt and the benchmarks.
#
# Sourced: `inferwatt_java JAR [JVM_OPTION...] [-- ARG...]` sets the array JAVA_CMD (java, its
#   options, $INFERWATT_JAVA_OPTS, the JVM_OPTIONs, -jar JAR), creating the archive first (JAR with
#   .jsa for .jar, beside it) when it is missing or older than the jar or than the java that runs it.
#   ARGs, the command line the jar will be given, are not added: they choose the options (a short
#   command gets INFERWATT_SHORT_JVM_OPTS); without them none are added. The options come before
#   $INFERWATT_JAVA_OPTS, so that the user's win (the JVM takes the last of a repeated option).
# Run:     scripts/java-command.sh JAR [JVM_OPTION...] [-- ARG...]   prints the same words, one per
#   line (for other languages).
#
# The archive is a cache: deleting it is harmless (it is made again), a stale one or one from
# another JVM is not used (the JVM checks; its messages about that are turned off), and a failure
# to make one only means a slower start. INFERWATT_CDS=off starts without it.

# The JVM options of a short command: C1 alone, without the profiling that feeds C2. A short command
# ends before C2's code pays for its compiling (it runs with C2 excluded anyway, cli.QuickJit), and
# C1's code without the profiling is quicker to make and to run: `predict densenet121 --format json`
# at one setting used about 0.1 s less CPU (0.60 -> 0.50 s) and `--sweep` about 0.2 s (1.18 -> 0.98
# s). The short commands are the ones cli.Commands marks quick (its one tree), listed beside the jar
# (JAR with .commands for .jar) once per build.
# (-Dinferwatt.jit=c1 tells cli.QuickJit that its directive is not needed.)
INFERWATT_SHORT_JVM_OPTS=(-XX:TieredStopAtLevel=1 -Dinferwatt.jit=c1)

# Makes ARCHIVE for JAR: the classes that representative commands load (version, help, a small
# recording analysed both ways, a two-configuration study on the virtual Nano into a fresh base, fit
# and predict on it, twice: deriving the layers and reading them from the cache), dumped into a static
# archive. A command that fails only leaves its classes
# out; each has 5 minutes at most. Quiet (INFERWATT_CDS_DEBUG=1 shows the log of a failure);
# returns non-zero when no archive was written.
inferwatt_cds_dump() {
  local jar="$1" archive="$2" java="$3" t rc=0 n=0
  t="$(mktemp -d "${TMPDIR:-/tmp}/inferwatt-cds.XXXXXX")" || return 1
  run() {
    n=$((n + 1))
    timeout 300 "$java" -XX:DumpLoadedClassList="$t/list.$n" -Xmx512m -jar "$jar" "$@" \
      >>"$t/log" 2>&1
  }
  cat >"$t/plan.yaml" <<'PLAN'
study: start-up-archive
board: sim:nano
engine: sim
seed: 1
protocol: {warmup: 1, cycles: 5, layer_cycles: 0, max_layer_cycles: 5, min_samples_per_layer: 2, idle: 0s}
baseline: {model: mobilenetv2, batch: 1, mode: sync, input: fixed-random, cpu.cores: 4, cpu.freq_khz: 1479000, gpu.freq_hz: 921600000}
sweeps:
  - name: g
    grid: {gpu.freq_hz: [153600000, 921600000]}
PLAN
  run --version
  run --help
  run bench --cycles 300 --layers 12 --save-samples "$t/s.csv" --save-events "$t/e.jsonl"
  run analyze --samples "$t/s.csv" --events "$t/e.jsonl" --mapping paper --format json
  run analyze --samples "$t/s.csv" --events "$t/e.jsonl" --mapping window
  INFERWATT_STATE_DIR="$t/state" run study run "$t/plan.yaml" --db "$t/base.duckdb"
  run runs --db "$t/base.duckdb"
  run fit --db "$t/base.duckdb" --skip-short --export "$t/models.json"
  # twice: the first derives the layers into a cache folder of its own, the second reads them back
  [[ ! -s "$t/models.json" ]] || XDG_CACHE_HOME="$t/cache" run predict densenet121 --model "$t/models.json" --format json
  [[ ! -s "$t/models.json" ]] || XDG_CACHE_HOME="$t/cache" run predict densenet121 --model "$t/models.json" --format json
  cat "$t"/list.* 2>/dev/null | sort -u >"$t/classes"
  if "$java" -Xshare:dump -XX:SharedClassListFile="$t/classes" -XX:SharedArchiveFile="$t/a.jsa" \
    -cp "$jar" >>"$t/log" 2>&1 && mv -f "$t/a.jsa" "$archive"; then
    rc=0
  else
    rc=1
    [[ -z "${INFERWATT_CDS_DEBUG:-}" ]] || cat "$t/log" >&2
  fi
  rm -rf "$t"
  return "$rc"
}

# Whether FILE is missing or older than the jar or than the java that runs it.
inferwatt_cds_stale() {
  [[ ! -f "$1" || "$2" -nt "$1" || "$(realpath "$3")" -nt "$1" ]]
}

# Writes LIST, the command paths JAR's command tree marks short (one a line: `predict`, `models
# list`), when it is missing or older than the jar and its folder can be written; a jar that cannot
# say gets an empty list (no command is short), not asked again until it changes.
inferwatt_short_list() {
  local jar="$1" list="$2" java="$3" t
  [[ ! -f "$list" || "$jar" -nt "$list" ]] && [[ -w "$(dirname "$list")" ]] || return 0
  t="$(mktemp "$list.XXXXXX")" || return 0
  timeout 60 "$java" -Xshare:auto -cp "$jar" io.inferwatt.cli.Commands >"$t" 2>/dev/null || : >"$t"
  mv -f "$t" "$list"
}

# Whether the command line ARG... runs a command of LIST: its words (less --verbose, the option
# every command takes anywhere, as cli.Commands reads them) begin with one of LIST's paths.
inferwatt_short() {
  local list="$1" line i
  shift
  local -a words=() path
  for i in "$@"; do
    [[ "$i" == --verbose ]] || words+=("$i")
  done
  [[ -f "$list" ]] || return 1
  while read -r -a path; do
    ((${#path[@]} > 0 && ${#path[@]} <= ${#words[@]})) || continue
    for ((i = 0; i < ${#path[@]}; i++)); do
      [[ "${words[i]}" == "${path[i]}" ]] || continue 2
    done
    return 0
  done <"$list"
  return 1
}

inferwatt_java() {
  local jar java archive list
  jar="$(realpath "$1")"
  shift
  local -a options=() args=()
  while (($# > 0)) && [[ "$1" != -- ]]; do
    options+=("$1")
    shift
  done
  (($# == 0)) || { shift; args=("$@"); }
  java="$(command -v java || echo java)"
  archive="${jar%.jar}.jsa"
  list="${jar%.jar}.commands"
  JAVA_CMD=("$java")
  if [[ "${INFERWATT_CDS:-on}" != off && -x "$java" ]]; then
    if inferwatt_cds_stale "$archive" "$jar" "$java" && inferwatt_cds_stale "$archive.failed" "$jar" "$java" \
      && [[ -w "$(dirname "$archive")" ]]; then
      echo "inferwatt: making the start-up archive $archive (once per build) ..." >&2
      rm -f "$archive" "$archive.failed"
      # a failure is not tried again until the jar or java changes (the .failed file says so)
      inferwatt_cds_dump "$jar" "$archive" "$java" || touch "$archive.failed"
    fi
    if ! inferwatt_cds_stale "$archive" "$jar" "$java"; then
      # a stale archive or one of another JVM is refused by the JVM, quietly with these
      JAVA_CMD+=(-XX:SharedArchiveFile="$archive" "-Xlog:cds*=off")
    fi
  fi
  if ((${#args[@]} > 0)) && [[ -x "$java" ]]; then
    inferwatt_short_list "$jar" "$list" "$java"
    if inferwatt_short "$list" "${args[@]}"; then
      JAVA_CMD+=("${INFERWATT_SHORT_JVM_OPTS[@]}")
    fi
  fi
  # shellcheck disable=SC2206 # word splitting of the user's options, as before
  JAVA_CMD+=(${INFERWATT_JAVA_OPTS:-} "${options[@]}" -jar "$jar")
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  inferwatt_java "$@"
  printf '%s\n' "${JAVA_CMD[@]}"
fi
