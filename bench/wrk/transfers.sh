#!/usr/bin/env bash
# Single-transfer requests measured by wrk (a C load generator in its own process), against a node started here on
# its defaults with --read-model none: POST /v1/transfers, one transfer per request, unique ids.
# Usage: bench/wrk/transfers.sh [connections (64)] [seconds (10)] [port (7491)]
# Needs wrk (Debian: apt-get install wrk) and curl. Prints wrk's report of a measured run after a warm-up run.
set -euo pipefail
connections="${1:-64}"; seconds="${2:-10}"; port="${3:-7491}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
command -v wrk >/dev/null || { echo "bench/wrk/transfers.sh: wrk is not installed (Debian: apt-get install wrk)" >&2; exit 2; }
data="$(mktemp -d)"
trap 'kill -TERM "$node" 2>/dev/null; wait "$node" 2>/dev/null; rm -rf "$data"' EXIT
"$root/corridor" run -d "$data" --read-model none -p "$port" --log-level error > "$data/node.log" 2>&1 &
node=$!
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break
  kill -0 "$node" 2>/dev/null || { cat "$data/node.log" >&2; exit 1; }
  sleep 0.5
done
export CORRIDOR_TOKEN="$(cat "$data/secrets/operator.token")"
for id in 1 2; do
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/v1/accounts" -H "Authorization: Bearer $CORRIDOR_TOKEN" \
    -H "Content-Type: application/json" -d "{\"id\":\"$id\",\"ledger\":1,\"code\":1,\"participant\":$id}"
done
echo "warm-up ($seconds s, not counted)…" >&2
wrk -t1 -c"$connections" -d"${seconds}s" -s "$here/transfers.lua" "http://127.0.0.1:$port/v1/transfers" > /dev/null
wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$here/transfers.lua" "http://127.0.0.1:$port/v1/transfers"
