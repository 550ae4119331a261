#!/usr/bin/env bash
# Tests of the browser client and the dashboards:
#   1. npm ci, 2. unit tests of heliograph.js (node --test),
#   3. Chromium from apt when missing, 4. end-to-end tests in headless Chromium against the
#   suite that is already running (./heliograph up: gateways on :8080 and :8090), and the npm
#   package of web/client/ packed, installed offline into a temporary project, type-checked and run.
# Screenshots of every page are written to docs/screenshots/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

echo "==> npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "==> unit tests (node --test)"
npm test

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "==> installing Chromium (apt-get install -y chromium)"
  if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq chromium >/dev/null
fi
"$CHROMIUM" --version

echo "==> end-to-end tests (headless Chromium against ${HG_GATEWAY_1:-http://localhost:8080} and ${HG_GATEWAY_2:-http://localhost:8090})"
CHROMIUM="$CHROMIUM" npm run test:e2e
