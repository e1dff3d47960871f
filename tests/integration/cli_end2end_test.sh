#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# End-to-end test of every `sluice` subcommand against a real sluiced on
# 127.0.0.1 port 0: outputs, exit codes and error messages, and a 64 MiB
# download + upload with checksum verification. Sections for a demo model the
# server does not serve are skipped, loudly.
# Usage: cli_end2end_test.sh SLUICED SLUICE
set -euo pipefail
SLUICED="$1"
SLUICE="$2"
WORK="$(mktemp -d)"
SERVER_PID=""
SUBSCRIBER_PID=""
cleanup() {
  for pid in "$SUBSCRIBER_PID" "$SERVER_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# run WANT_EXIT ARGS...: runs sluice with ARGS, stdout to $WORK/out and stderr
# to $WORK/err, and fails unless it exits with WANT_EXIT.
run() {
  local want="$1"
  shift
  local status=0
  "$SLUICE" "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
  [ "$status" -eq "$want" ] ||
    fail "sluice $* exited $status, want $want; stdout: $(cat "$WORK/out"); stderr: $(cat "$WORK/err")"
}
# expect FILE TEXT: fails unless FILE is exactly TEXT (plus the final newline).
expect() { [ "$(cat "$1")" = "$2" ] || fail "$1 is '$(cat "$1")', want '$2'"; }
# expect_grep FILE PATTERN: fails unless FILE has a line matching PATTERN.
expect_grep() { grep -q -e "$2" "$1" || fail "no '$2' in $1: $(cat "$1")"; }

# Start the server and block on its first line (no sleeping): it names the port.
mkfifo "$WORK/server_out"
"$SLUICED" --listen 127.0.0.1:0 --metrics_address 127.0.0.1:0 --tokens_per_second 0 >"$WORK/server_out" 2>"$WORK/server_err" &
SERVER_PID=$!
exec 3<"$WORK/server_out"
read -r first_line <&3
cat <&3 >/dev/null &  # Keep draining so the server never blocks on stdout.
[[ "$first_line" =~ listening\ on\ (127\.0\.0\.1:[0-9]+) ]] || fail "unexpected first line: $first_line"
TARGET="${BASH_REMATCH[1]}"
echo "server at $TARGET"

# Which demo models the server has: its NOT_FOUND message lists them.
run 1 infer --target "$TARGET" --model no-such-model
expect_grep "$WORK/err" "NOT_FOUND: model 'no-such-model' is not served here; available models: "
MODELS=" $(sed -n 's/.*available models: //p' "$WORK/err" | tr -d ',') "
echo "models:$MODELS"
serves() {
  if [[ "$MODELS" == *" $1 "* ]]; then return 0; fi
  echo "SKIP: the server has no '$1' model, so $2 is not tested" >&2
  return 1
}

echo "== help and usage errors"
run 0 help
for command in infer generate ingest stream session subscribe publish upload download; do
  expect_grep "$WORK/out" "^  $command "
done
run 0 help download
expect_grep "$WORK/out" "^Usage: sluice download --output FILE"
run 2 infer --target "$TARGET"
expect_grep "$WORK/err" "^sluice infer: --model is required"
run 2 infer --target "$TARGET" --model echo --raw --json
expect_grep "$WORK/err" "exclude each other"
run 2 ingest --target "$TARGET" --format xml
expect_grep "$WORK/err" "^sluice ingest: --format wants csv or jsonl, got 'xml'"
run 2 download --target "$TARGET"
expect_grep "$WORK/err" "^sluice download: --output FILE is required"
run 2 download --target "$TARGET" --output x --size 12Q
expect_grep "$WORK/err" "^sluice download: --size wants a size"
run 2 subscribe --target "$TARGET"
expect_grep "$WORK/err" "^sluice subscribe: --topic is required"

echo "== infer"
run 0 infer --target "$TARGET" --model echo --payload hello --param lang=en --param a=1
expect "$WORK/out" "$(printf 'hello\na=1\nlang=en')"
run 0 infer --target "$TARGET" --model echo --payload "two words" --param k=v --raw
expect "$WORK/out" "seq=1 req=1 ts=0 final=1 param.k=v payload=two words"
run 0 infer --target "$TARGET" --model echo --payload 'say "hi"' --json
expect_grep "$WORK/out" '"model":"echo",'
expect_grep "$WORK/out" '"final":true,"parameters":{},"payload":"say \\"hi\\""}$'
printf 'from a file' >"$WORK/payload"
run 0 infer --target "$TARGET" --model echo --payload-file "$WORK/payload"
expect "$WORK/out" "from a file"
run 1 infer --target "$TARGET" --model echo --payload-file "$WORK/missing"
expect_grep "$WORK/err" "^sluice: cannot open '$WORK/missing': "
if serves predict "infer on predict"; then
  run 0 infer --target "$TARGET" --model predict --param vdd_mean=1.02 --param idd_mean=0.31
  expect_grep "$WORK/out" "^label=\(positive\|negative\)$"
  expect_grep "$WORK/out" "^features=2$"
  run 1 infer --target "$TARGET" --model predict
  expect_grep "$WORK/err" "^sluice: INVALID_ARGUMENT: "
fi

echo "== generate"
run 0 generate --target "$TARGET" --model tokens --prompt hello --param max_tokens=5 --raw
[ "$(wc -l <"$WORK/out")" -eq 5 ] || fail "expected 5 tokens: $(cat "$WORK/out")"
expect_grep "$WORK/out" "^seq=5 req=1 ts=0 final=1 "
run 0 generate --target "$TARGET" --model tokens --prompt hello --param max_tokens=5
[ "$(wc -l <"$WORK/out")" -eq 1 ] || fail "expected one line of text: $(cat "$WORK/out")"
run 0 generate --target "$TARGET" --model tokens --prompt hello --param max_tokens=2 --json
[ "$(grep -c '^{"stream_id":' "$WORK/out")" -eq 2 ] || fail "expected 2 JSON lines: $(cat "$WORK/out")"
run 1 generate --target "$TARGET" --model nope
expect_grep "$WORK/err" "^sluice: NOT_FOUND: model 'nope'"

echo "== session"
printf 'one\ntwo\nthree\n' | run 0 session --target "$TARGET" --model echo
expect "$WORK/out" "$(printf 'one\ntwo\nthree')"
# No terminal on stdin, so no prompt marker.
[ ! -s "$WORK/err" ] || fail "session wrote to stderr: $(cat "$WORK/err")"
printf 'a b\n' | run 0 stream --target "$TARGET" --model echo --json
expect_grep "$WORK/out" '"payload":"a b"}$'

# A resumable session with nothing lost looks like a plain call: the same
# output, nothing on stderr. (Cut connections: sluice_cli_resume_test.)
echo "== --resume"
run 0 help generate
expect_grep "$WORK/out" "^  --resume "
expect_grep "$WORK/out" "^  --retry-backoff-ms MS "
run 0 help session
expect_grep "$WORK/out" "^  --max-retries N "
run 0 generate --target "$TARGET" --model tokens --prompt hello --param max_tokens=5 --raw --resume
[ "$(wc -l <"$WORK/out")" -eq 5 ] || fail "expected 5 tokens: $(cat "$WORK/out")"
expect_grep "$WORK/out" "^seq=5 req=1 ts=0 final=1 "
[ ! -s "$WORK/err" ] || fail "generate --resume wrote to stderr: $(cat "$WORK/err")"
printf 'one\ntwo\nthree\n' | run 0 session --target "$TARGET" --model echo --resume --session cli-e2e
expect "$WORK/out" "$(printf 'one\ntwo\nthree')"
[ ! -s "$WORK/err" ] || fail "session --resume wrote to stderr: $(cat "$WORK/err")"
# Not retried: the server's answer, not a lost connection.
run 1 generate --target "$TARGET" --model nope --resume
expect_grep "$WORK/err" "^sluice: NOT_FOUND: model 'nope'"
run 2 generate --target "$TARGET" --model tokens --session s
expect_grep "$WORK/err" "^sluice generate: --session needs --resume"
run 2 session --target "$TARGET" --model echo --retry-backoff-ms 10
expect_grep "$WORK/err" "^sluice session: --retry-backoff-ms needs --resume"
run 2 session --target "$TARGET" --model echo --resume --max-retries lots
expect_grep "$WORK/err" "^sluice session: --max-retries wants a whole number from 0 to 1000, got 'lots'"
run 2 generate --target "$TARGET" --model tokens --resume --session "two words"
expect_grep "$WORK/err" "^sluice generate: --session wants 1 to 256 printable ASCII characters"
run 2 stream --target "$TARGET" --model echo --resume
expect_grep "$WORK/err" "^sluice stream: unknown flag '--resume'"

if serves sensors "ingest"; then
  echo "== ingest"
  cat >"$WORK/readings.csv" <<'EOF'
sensor_id,time,temperature,humidity,pressure,vibration
s1,1700000000,21.5,40,1013.25,0.01

# a comment, then columns quoted and spaced
"s2", 1700000001 ,19.0,55,1012.5,0.02
s1,2026-11-21T06:00:00Z,22.5,42,1013.0,0.03
EOF
  run 0 ingest --target "$TARGET" "$WORK/readings.csv"
  expect_grep "$WORK/out" "^count=3$"
  expect_grep "$WORK/out" "^sensors=2$"
  expect_grep "$WORK/out" '^{"sensor_id":"s1","count":2,.*"temperature":{"min":21.5,"max":22.5,"mean":22}'
  expect_grep "$WORK/out" '^{"sensor_id":"s2","count":1,'
  cat >"$WORK/readings.jsonl" <<'EOF'
{"sensor_id":"s1","time":1.5,"temperature":21.5,"humidity":40,"pressure":1013,"vibration":0.2}
{"vibration":"0.1","pressure":1010,"humidity":41,"temperature":"20","time":"2","sensor_id":"s3"}
EOF
  run 0 ingest --target "$TARGET" --file "$WORK/readings.jsonl" --json
  expect_grep "$WORK/out" '"parameters":{.*"count":"2",.*"sensors":"2"}'
  # stdin, format from the first line; a generated file of 20000 readings, nothing lost.
  awk 'BEGIN { for (i = 0; i < 20000; i++) printf "dev%d,%d,%d.5,50,1000,0.1\n", i % 7, i, i % 30 }' \
    >"$WORK/many.txt"
  run 0 ingest --target "$TARGET" --progress <"$WORK/many.txt"
  expect_grep "$WORK/out" "^count=20000$"
  expect_grep "$WORK/out" "^sensors=7$"
  expect_grep "$WORK/err" "^ingest: 20000 readings sent in .* s, .*/s$"
  # Bad files: where and what.
  printf 's1,1,2,3,4,5\ns1,1,2,x,4,5\n' >"$WORK/bad.csv"
  run 1 ingest --target "$TARGET" "$WORK/bad.csv"
  expect "$WORK/err" "sluice: $WORK/bad.csv:2: humidity 'x' is not a number"
  printf 'sensor_id,time,temp,humidity,pressure,vibration\n' >"$WORK/bad_header.csv"
  run 1 ingest --target "$TARGET" "$WORK/bad_header.csv"
  expect_grep "$WORK/err" "bad_header.csv:1: unknown column 'temp' in the header"
  printf '{"sensor_id":"s1","time":1,"temperature":2,"humidity":3,"pressure":4}\n' >"$WORK/bad.jsonl"
  run 1 ingest --target "$TARGET" "$WORK/bad.jsonl"
  expect_grep "$WORK/err" 'bad.jsonl:1: missing field "vibration"'
  printf '{"sensor_id":"s1",\n' | run 1 ingest --target "$TARGET" --format jsonl
  expect_grep "$WORK/err" "^sluice: stdin:1: not a JSON object: column [0-9]*: expected a quoted key"
  run 1 ingest --target "$TARGET" "$WORK/no-such.csv"
  expect_grep "$WORK/err" "^sluice: cannot open '$WORK/no-such.csv': "
  run 1 ingest --target "$TARGET" --model nope "$WORK/readings.csv"
  expect_grep "$WORK/err" "^sluice: NOT_FOUND: model 'nope'"
fi

if serves feed "subscribe and publish"; then
  echo "== subscribe and publish"
  # The subscriber says on stderr when it is live; publish only after that.
  mkfifo "$WORK/sub_err"
  "$SLUICE" subscribe --target "$TARGET" --topic news --count 3 --timeout 60 \
    >"$WORK/sub_out" 2>"$WORK/sub_err" &
  SUBSCRIBER_PID=$!
  exec 4<"$WORK/sub_err"
  read -r live <&4 || true
  [[ "$live" == "sluice: subscribed to 'news' from sequence "* ]] || fail "subscriber: $live"
  cat <&4 >"$WORK/sub_err_rest" &
  run 0 publish --target "$TARGET" --topic news --message "first item"
  expect_grep "$WORK/out" "^event=published$"
  expect_grep "$WORK/out" "^subscribers=1$"
  printf 'second\nthird\n' | run 0 publish --target "$TARGET" --topic news
  expect_grep "$WORK/out" "^count=2$"
  expect_grep "$WORK/out" "^deliveries=2$"
  wait "$SUBSCRIBER_PID" || fail "subscriber exited $?: $(cat "$WORK/sub_err_rest")"
  SUBSCRIBER_PID=""
  expect "$WORK/sub_out" "$(printf 'first item\nsecond\nthird')"
  run 1 subscribe --target "$TARGET" --topic news --policy sometimes
  expect_grep "$WORK/err" "^sluice: INVALID_ARGUMENT: parameter 'policy'"
  run 1 publish --target "$TARGET" --topic news </dev/null
  expect "$WORK/err" "sluice: stdin has no lines to publish"
fi

if serves blob "upload and download"; then
  echo "== download and upload (64 MiB)"
  run 0 download --target "$TARGET" --size 64M --output "$WORK/blob.ppm" --progress
  [ "$(stat -c %s "$WORK/blob.ppm")" -eq 67108864 ] || fail "downloaded $(stat -c %s "$WORK/blob.ppm") bytes"
  [ ! -e "$WORK/blob.ppm.part" ] || fail "the partial file was left behind"
  SHA="$(sha256sum "$WORK/blob.ppm" | cut -d' ' -f1)"
  expect_grep "$WORK/err" "^\[#\{20\}\] 100%  67.1 / 67.1 MB  .* MB/s$"
  expect_grep "$WORK/err" "^downloaded $WORK/blob.ppm: 67108864 bytes in 64 chunks in .* s (.* MB/s); sha256 $SHA verified$"
  head -c 2 "$WORK/blob.ppm" | grep -q P6 || fail "not a PPM image"
  run 0 upload --target "$TARGET" "$WORK/blob.ppm" --progress
  expect "$WORK/out" "$(printf 'chunks=64\nsha256=%s\nsize_bytes=67108864' "$SHA")"
  expect_grep "$WORK/err" "^uploaded $WORK/blob.ppm: 67108864 bytes in 64 chunks in .* s (.* MB/s); sha256 $SHA verified$"
  # Another chunk size, the same bytes and digest.
  run 0 download --target "$TARGET" --size 64M --chunk-size 3M --output "$WORK/blob2.ppm"
  cmp -s "$WORK/blob.ppm" "$WORK/blob2.ppm" || fail "downloads with other chunk sizes differ"
  run 0 upload --target "$TARGET" --chunk-size 512K --json "$WORK/blob2.ppm"
  expect_grep "$WORK/out" "\"chunks\":\"128\",\"sha256\":\"$SHA\",\"size_bytes\":\"67108864\""
  # A rejected download leaves no file behind.
  run 1 download --target "$TARGET" --size 10 --output "$WORK/tiny.ppm"
  expect_grep "$WORK/err" "^sluice: INVALID_ARGUMENT: parameter 'size_bytes'"
  [ ! -e "$WORK/tiny.ppm" ] && [ ! -e "$WORK/tiny.ppm.part" ] || fail "a failed download left a file"
  : >"$WORK/empty"
  run 0 upload --target "$TARGET" "$WORK/empty"
  expect_grep "$WORK/out" "^size_bytes=0$"
  run 1 upload --target "$TARGET" "$WORK/no-such-file"
  expect_grep "$WORK/err" "^sluice: cannot open '$WORK/no-such-file': "
fi

echo "== a server that is down"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "sluiced exited $? on SIGTERM"
SERVER_PID=""
run 1 infer --target "$TARGET" --model echo --payload x
expect_grep "$WORK/err" "^sluice: UNAVAILABLE: cannot reach $TARGET (is sluiced running?)"
run 1 generate --target "$TARGET" --model tokens
expect_grep "$WORK/err" "^sluice: UNAVAILABLE: cannot reach $TARGET (is sluiced running?)"
printf 's1,1,2,3,4,5\n' | run 1 ingest --target "$TARGET"
expect_grep "$WORK/err" "^sluice: UNAVAILABLE: cannot reach $TARGET (is sluiced running?)"
run 1 download --target "$TARGET" --output "$WORK/down.ppm"
expect_grep "$WORK/err" "^sluice: UNAVAILABLE: cannot reach $TARGET"
[ ! -e "$WORK/down.ppm" ] && [ ! -e "$WORK/down.ppm.part" ] || fail "a failed download left a file"
echo "cli end2end test passed"
