#!/usr/bin/env bash
# Runs the Heliograph load generator (see docs/benchmarks.md).
#   bench/run.sh w0|w1|w2|w3|kafka|compare [--option value ...]
# Each WebSocket connection is one open file, so the open-file limit is raised to the hard limit
# first (W3 opens 10,000). The jar is built on first use; BENCH_JAVA picks another JDK for the
# bench itself and BENCH_JAVA_OPTS adds JVM options.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# BENCH_JAR runs another copy of the jar (a long run then survives a rebuild of target/).
jar="${BENCH_JAR:-$here/target/heliograph-bench.jar}"

hard="$(ulimit -Hn)"
if [[ "$hard" == unlimited ]]; then hard=1048576; fi
ulimit -n "$hard" 2>/dev/null || echo "run.sh: could not raise ulimit -n to $hard (now $(ulimit -n))" >&2
if (( $(ulimit -n) < 12000 )); then
  echo "run.sh: open-file limit is $(ulimit -n); W3 needs about 10,300 (raise the hard limit: /etc/security/limits.conf or systemd LimitNOFILE)" >&2
fi

if [[ ! -f "$jar" ]]; then
  (cd "$here/.." && mvn -B -q -pl bench -am package -DskipTests)
fi

exec "${BENCH_JAVA:-java}" -Xms256m -Xmx1g -XX:+UseG1GC ${BENCH_JAVA_OPTS:-} -jar "$jar" "$@"
