# Sourced by the fit/predict benchmarks: the repository ($here), the command-line jar ($jar, built
# when missing), the command that starts it as ./inferwatt does ($JAVA_CMD, scripts/java-command.sh),
# a new work folder ($work) and the load average (load).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/inferwatt-cli/target/inferwatt.jar"
[[ -f "$jar" ]] || (cd "$here" && mvn -q -B -Dfmt.skip -DskipTests package)
source "$here/scripts/java-command.sh"
inferwatt_java "$jar"
work="$(mktemp -d)"
load() { cut -d' ' -f1-3 /proc/loadavg; }
# The prefix that runs a latency measurement undisturbed by other work: real-time priority
# (`chrt -r 10`, needs root or CAP_SYS_NICE; the kernel's RT throttling leaves 5 % of each second
# to everything else), when this machine allows it and QUIET is not 0; else nothing. Only for the
# commands that measure, never for builds or fits.
measure_prefix() {
  if [[ "${QUIET:-1}" != 0 ]] && chrt -r 10 true 2>/dev/null; then echo "chrt -r 10"; fi
}
