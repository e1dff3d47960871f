#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# sluiced's configuration sources as an operator uses them: precedence
# (defaults < file < SLUICE_* < flags) seen through --print-config, and
# --check-config's verdicts and exit codes. Usage: sluiced_config_test.sh SLUICED SOURCE_DIR
set -euo pipefail
SLUICED="$1"
SOURCE_DIR="$2"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# The value --print-config shows for streams.credits_per_stream.
credits() { "$@" --print-config | sed -n 's/^  credits_per_stream: \([0-9]*\).*/\1/p'; }
# Strip SLUICE_ variables the caller's environment may carry.
for name in $(env | sed -n 's/^\(SLUICE_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done

printf 'streams:\n  credits_per_stream: 4\n' >"$WORK/four.yaml"

[ "$(credits "$SLUICED")" = 64 ] || fail "default credits: $(credits "$SLUICED")"
[ "$(credits "$SLUICED" --config "$WORK/four.yaml")" = 4 ] || fail "file does not set credits"
[ "$(SLUICE_STREAMS_CREDITS_PER_STREAM=5 credits "$SLUICED" --config "$WORK/four.yaml")" = 5 ] ||
  fail "environment does not win over the file"
[ "$(SLUICE_STREAMS_CREDITS_PER_STREAM=5 credits "$SLUICED" --config "$WORK/four.yaml" --credits 6)" = 6 ] ||
  fail "--credits does not win over the environment"
[ "$(SLUICE_STREAMS_CREDITS_PER_STREAM=5 credits "$SLUICED" --config "$WORK/four.yaml" \
      --set streams.credits_per_stream=7)" = 7 ] || fail "--set does not win over the environment"
# A classic flag left at its default changes nothing.
[ "$(credits "$SLUICED" --config "$WORK/four.yaml" --window 16)" = 4 ] ||
  fail "an unrelated flag reset credits"

# The printed config is itself a valid config that says the same.
"$SLUICED" --config "$WORK/four.yaml" --print-config >"$WORK/printed.yaml"
"$SLUICED" --check-config "$WORK/printed.yaml" >/dev/null || fail "--print-config output is invalid"
[ "$(credits "$SLUICED" --config "$WORK/printed.yaml")" = 4 ] || fail "printed config differs"

# --check-config: 0 for a valid file (the shipped example too), 1 for an
# invalid one, with every error named by path.
"$SLUICED" --check-config "$SOURCE_DIR/deploy/sluiced.example.yaml" >/dev/null ||
  fail "deploy/sluiced.example.yaml does not validate"
cat >"$WORK/bad.yaml" <<'YAML'
streams:
  credits_per_stream: 0
  outbound_window: "many"
  no_such_field: 1
limits:
  max_concurrent_streams: -3
YAML
set +e
"$SLUICED" --check-config "$WORK/bad.yaml" >/dev/null 2>"$WORK/bad.err"
status=$?
set -e
[ "$status" -eq 1 ] || fail "--check-config of an invalid file exited $status, want 1"
for path in streams.outbound_window streams.no_such_field limits.max_concurrent_streams; do
  grep -q "$path" "$WORK/bad.err" || fail "no error for $path in: $(cat "$WORK/bad.err")"
done
set +e
"$SLUICED" --check-config "$WORK/missing.yaml" >/dev/null 2>"$WORK/missing.err"
status=$?
set -e
[ "$status" -eq 1 ] || fail "--check-config of a missing file exited $status, want 1"
grep -q "cannot open" "$WORK/missing.err" || fail "missing file: $(cat "$WORK/missing.err")"

# A bad environment variable or flag value stops sluiced before it serves.
set +e
SLUICE_STREAMS_CREDITS=3 "$SLUICED" --listen 127.0.0.1:0 --metrics_address= 2>"$WORK/env.err" </dev/null
status=$?
set -e
[ "$status" -eq 2 ] || fail "an unknown SLUICE_ variable exited $status, want 2"
grep -q "SLUICE_STREAMS_CREDITS" "$WORK/env.err" || fail "env error: $(cat "$WORK/env.err")"
echo "sluiced config test passed"
