#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# Smoke test of the shipped binaries: sluiced on 127.0.0.1 port 0 and the
# sluice client, as a user runs them. Usage: sluiced_smoke_test.sh SLUICED SLUICE
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

# Start the server and block on its first line (no sleeping): it names the port.
mkfifo "$WORK/out"
"$SLUICED" --listen 127.0.0.1:0 --metrics_address 127.0.0.1:0 --tokens_per_second 0 >"$WORK/out" 2>"$WORK/err" &
SERVER_PID=$!
exec 3<"$WORK/out"
read -r first_line <&3
read -r second_line <&3
cat <&3 >/dev/null &  # Keep draining so the server never blocks on stdout.
[[ "$first_line" =~ listening\ on\ (127\.0\.0\.1:[0-9]+) ]] || fail "unexpected first line: $first_line"
TARGET="${BASH_REMATCH[1]}"
[[ "$second_line" =~ metrics\ on\ (http://127\.0\.0\.1:[0-9]+/metrics) ]] ||
  fail "unexpected second line: $second_line"
METRICS="${BASH_REMATCH[1]}"
echo "server at $TARGET, metrics at $METRICS"

# A token stream: five tokens for request 1, the last marked final.
"$SLUICE" stream --target "$TARGET" --model tokens --prompt hello --param max_tokens=5 --raw \
  >"$WORK/tokens" || fail "tokens stream exited $?"
[ "$(wc -l <"$WORK/tokens")" -eq 5 ] || fail "expected 5 tokens, got: $(cat "$WORK/tokens")"
grep -q '^seq=5 req=1 ts=0 final=1 ' "$WORK/tokens" || fail "no final token: $(cat "$WORK/tokens")"

# An interactive session fed from stdin: one echo per line, in order.
printf 'one\ntwo\nthree\n' | "$SLUICE" stream --target "$TARGET" --model echo >"$WORK/echo"
[ "$(cat "$WORK/echo")" = "$(printf 'one\ntwo\nthree')" ] || fail "echo: $(cat "$WORK/echo")"

# An unknown model: exit 1 and a message naming NOT_FOUND and the model.
if "$SLUICE" stream --target "$TARGET" --model nope --prompt x 2>"$WORK/nope"; then
  fail "unknown model exited 0"
fi
grep -q "NOT_FOUND: model 'nope'" "$WORK/nope" || fail "unknown model: $(cat "$WORK/nope")"

# The metrics endpoint counted those calls (the tokens stream and the echo
# session: two Stream calls ended OK; the unknown model one NotFound).
python3 - "$METRICS" >"$WORK/metrics" <<'PY' || fail "cannot scrape $METRICS"
import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())
PY
grep -q '^grpc_server_handled_total{grpc_code="OK",grpc_method="Stream",grpc_service="sluice.v1.Inference",grpc_type="bidi_stream"} 2$' \
  "$WORK/metrics" || fail "metrics: $(grep grpc_server_handled_total "$WORK/metrics" | grep -v ' 0$')"
grep -q '^grpc_server_handled_total{grpc_code="NotFound",grpc_method="Stream",.*} 1$' \
  "$WORK/metrics" || fail "metrics: no NotFound stream"

# A usage error exits 2.
set +e
"$SLUICE" stream --target "$TARGET" 2>/dev/null
status=$?
set -e
[ "$status" -eq 2 ] || fail "missing --model exited $status, want 2"

# SIGTERM drains and exits 0.
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "sluiced exited $? on SIGTERM"
SERVER_PID=""
grep -q "stopped after" "$WORK/err" || fail "no shutdown summary: $(cat "$WORK/err")"

# A server that is down: exit 1 and an actionable UNAVAILABLE.
if "$SLUICE" stream --target "$TARGET" --model echo --prompt x 2>"$WORK/down"; then
  fail "a down server exited 0"
fi
grep -q "UNAVAILABLE: cannot reach $TARGET" "$WORK/down" || fail "down: $(cat "$WORK/down")"
echo "sluiced smoke test passed"
