#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# Smoke test of `sluice bench`: every RPC kind against a sluiced on 127.0.0.1 port 0, with --json
# counts checked exactly; then a usage error (exit 2) and a server that is down (exit 1).
# Usage: sluice_bench_smoke_test.sh SLUICED SLUICE
set -euo pipefail
SLUICED="$1"
SLUICE="$2"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Start the server and block on its first line (no sleeping): it names the port. Unpaced tokens,
# so generate runs at full speed.
mkfifo "$WORK/out"
"$SLUICED" --listen 127.0.0.1:0 --metrics_address= --tokens_per_second 0 >"$WORK/out" 2>"$WORK/err" &
SERVER_PID=$!
exec 3<"$WORK/out"
read -r first_line <&3
cat <&3 >/dev/null &  # Keep draining so the server never blocks on stdout.
[[ "$first_line" =~ listening\ on\ (127\.0\.0\.1:[0-9]+) ]] || fail "unexpected first line: $first_line"
TARGET="${BASH_REMATCH[1]}"
echo "server at $TARGET"

# check NAME JSON_FILE REQUESTS RESPONSES CALLS_OK [TTFR]: exact counts, no errors, sane figures.
check() {
  python3 - "$@" <<'PY' || fail "$1: $(cat "$2")"
import json, sys
name, path, requests, responses, calls = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
ttfr = len(sys.argv) > 6
report = json.load(open(path))
def expect(key, want):
    if report[key] != want:
        sys.exit(f"{name}: {key} = {report[key]!r}, want {want!r}")
expect("requests_sent", requests)
expect("responses_received", responses)
expect("calls_ok", calls)
expect("calls_failed", 0)
expect("errors_by_code", {})
latency = report["latency_us"]
if latency["count"] == 0 or not 0 < latency["p50"] <= latency["p99"] <= latency["max"]:
    sys.exit(f"{name}: bad latency {latency}")
if ttfr != (report["ttfr_us"] is not None):
    sys.exit(f"{name}: ttfr_us = {report['ttfr_us']!r}")
if report["client_cpu_seconds"] < 0 or report["elapsed_seconds"] <= 0:
    sys.exit(f"{name}: bad cpu or elapsed")
print(f"{name}: ok ({report['requests_per_second']} requests/s, p50 {latency['p50']} us)")
PY
}

bench() { "$SLUICE" bench --target "$TARGET" --json "$@"; }

# Bidi: 4 streams with 4 outstanding each, one stream per slot for the whole run.
bench --rpc stream --model echo --count 400 --streams 4 --window 4 >"$WORK/stream.json" ||
  fail "stream exited $?"
check stream "$WORK/stream.json" 400 400 4 ttfr

# Unary: a call per request.
bench --rpc infer --model echo --count 300 --streams 4 >"$WORK/infer.json" || fail "infer exited $?"
check infer "$WORK/infer.json" 300 300 300

# Server streaming: five tokens per call.
bench --rpc generate --model tokens --param max_tokens=5 --count 200 --streams 4 \
  >"$WORK/generate.json" || fail "generate exited $?"
check generate "$WORK/generate.json" 200 1000 200 ttfr

# Client streaming: 300 readings in calls of 50, one answer each. One stream, so that every call
# is whole (with several, the last calls would split the remaining readings between them).
bench --rpc ingest --model sensors --count 300 --messages-per-stream 50 --streams 1 \
  >"$WORK/ingest.json" || fail "ingest exited $?"
check ingest "$WORK/ingest.json" 300 6 6

# The open loop: 200 requests at 2000/s, all answered.
bench --rpc infer --model echo --count 200 --rate 2000 --streams 2 >"$WORK/open.json" ||
  fail "open loop exited $?"
check open-loop "$WORK/open.json" 200 200 200

# The text table names the figures users look for.
"$SLUICE" bench --target "$TARGET" --rpc stream --model echo --count 100 >"$WORK/table" ||
  fail "text exited $?"
for want in "latency" "p99.9" "msgs/s" "MB/s" "client CPU:" "errors           none"; do
  grep -q -- "$want" "$WORK/table" || fail "no '$want' in: $(cat "$WORK/table")"
done

# A usage error exits 2 and says what is wrong.
set +e
"$SLUICE" bench --target "$TARGET" --model echo --streams 0 2>"$WORK/usage"
status=$?
set -e
[ "$status" -eq 2 ] || fail "--streams 0 exited $status, want 2"
grep -q -- "--streams wants a whole number" "$WORK/usage" || fail "usage: $(cat "$WORK/usage")"

# SIGTERM drains and exits 0; then the port is closed.
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "sluiced exited $? on SIGTERM"
SERVER_PID=""

# A server that is down: exit 1 at once with an actionable UNAVAILABLE.
set +e
"$SLUICE" bench --target "$TARGET" --model echo --rpc infer --duration 60 2>"$WORK/down"
status=$?
set -e
[ "$status" -eq 1 ] || fail "a down server exited $status, want 1"
grep -q "UNAVAILABLE: cannot reach $TARGET" "$WORK/down" || fail "down: $(cat "$WORK/down")"
echo "sluice bench smoke test passed"
