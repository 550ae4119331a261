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

# The launcher's Redis requires its generated password: use it unless REDIS_URL says otherwise.
if [[ -z "${REDIS_URL:-}" && -s "$here/../.heliograph/redis.password" ]]; then
  export REDIS_URL="redis://default:$(tr -d '[:space:]' <"$here/../.heliograph/redis.password")@127.0.0.1:6379"
fi

# compare without --redis: the floor speaks no AUTH, so both servers get a private, passwordless
# Redis on a free loopback port for the run (also keeping the suite's channel state out of it).
if [[ "${1:-}" == compare && " $* " != *" --redis "* && " $* " != *" --redis="* ]]; then
  command -v redis-server >/dev/null 2>&1 || { echo "run.sh: compare needs redis-server on PATH (or --redis URL of a Redis without a password)" >&2; exit 2; }
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  dir="$(mktemp -d -t hg-compare-redis-XXXXXX)"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$dir" >"$dir/redis.log" 2>&1 &
  redis_pid=$!
  trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; rm -rf "$dir"' EXIT
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  echo "run.sh: compare uses a private Redis on 127.0.0.1:$port (pid $redis_pid)" >&2
  "${BENCH_JAVA:-java}" -Xms256m -Xmx1g -XX:+UseG1GC ${BENCH_JAVA_OPTS:-} -jar "$jar" "$@" --redis "redis://127.0.0.1:$port"
  exit $?
fi

exec "${BENCH_JAVA:-java}" -Xms256m -Xmx1g -XX:+UseG1GC ${BENCH_JAVA_OPTS:-} -jar "$jar" "$@"
