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
