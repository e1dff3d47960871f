#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# Instructions and heap allocations per unit of work, counted by Valgrind's
# callgrind, for sluiced and the bare gRPC server side by side. Unlike a timed
# run, the counts do not move with the machine's noise, so a change of a few
# percent shows. Each server runs the same `sluice bench` load twice, with
# SMALL and LARGE units; the difference of the two totals over LARGE - SMALL
# cancels start-up and shut-down.
#
# Usage: bench/count_instructions.sh BUILD_DIR unary|ingest [SLUICED]
#   BUILD_DIR  a build with the bench targets (bare_echo_server, sluiced, sluice)
#   unary      Infer on echo, 64 calls in flight (the unary x64 workload)
#   ingest     Ingest on sensors, one stream of 100-byte readings (ingest x1)
#   SLUICED    another sluiced binary to count instead of BUILD_DIR's
# Needs: valgrind (Debian package `valgrind`). Takes about a minute per server.
set -euo pipefail

build="${1:?usage: $0 BUILD_DIR unary|ingest [SLUICED]}"
workload="${2:?usage: $0 BUILD_DIR unary|ingest [SLUICED]}"
sluiced="${3:-$build/engine/sluiced}"
bare="$build/bench/bare_echo_server"
client="$build/tools/sluice"

case "$workload" in
  unary)
    small=1000 large=21000 unit=call
    load=(--model echo --rpc infer --streams 64)
    ;;
  ingest)
    small=1000 large=51000 unit=reading
    load=(--model sensors --rpc ingest --streams 1 --messages-per-stream 100000)
    ;;
  *)
    echo "unknown workload '$workload' (unary or ingest)" >&2
    exit 2
    ;;
esac

command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Runs server "$@" under callgrind, drives COUNT units at it, and prints
# "instructions operator-new-calls" of the whole run.
count_run() {
  local count="$1"
  shift
  local out="$work/callgrind.out"
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >"$work/server.log" 2>"$work/valgrind.log" &
  local pid=$!
  local target=""
  for _ in $(seq 1 600); do
    target="$(sed -n 's/.* listening on \([0-9.:]*\).*/\1/p' "$work/server.log" | head -1)"
    [[ -n "$target" ]] && break
    sleep 0.1
  done
  [[ -n "$target" ]] || { echo "server did not start: $*" >&2; cat "$work/valgrind.log" >&2; exit 1; }
  "$client" bench --target "$target" "${load[@]}" --count "$count" --json >"$work/bench.json"
  kill -TERM "$pid"
  wait "$pid" || true
  local total news
  total="$(sed -n 's/^summary: //p' "$out")"
  news="$(callgrind_annotate --tree=caller "$out" 2>/dev/null |
    sed -n 's/.*< [^ ]*:operator new(unsigned long) (\([0-9,]*\)x).*/\1/p' | head -1 | tr -d ,)"
  echo "$total ${news:-0}"
}

report() {
  local name="$1"
  shift
  read -r small_total small_news < <(count_run "$small" "$@")
  read -r large_total large_news < <(count_run "$large" "$@")
  # A failed run (it reports on stderr) leaves its figures empty.
  [[ -n "${small_total:-}" && -n "${large_total:-}" ]] || { echo "$name: a run failed" >&2; exit 1; }
  awk -v name="$name" -v unit="$unit" -v n="$((large - small))" \
    -v i0="$small_total" -v i1="$large_total" -v a0="$small_news" -v a1="$large_news" \
    'BEGIN { printf "%-8s %9.0f instructions/%s  %6.2f operator new/%s\n", name, (i1 - i0) / n, unit, (a1 - a0) / n, unit }'
}

echo "$workload: $((large - small)) ${unit}s counted (LARGE $large - SMALL $small)"
report bare "$bare" --listen 127.0.0.1:0
report sluiced "$sluiced" --listen 127.0.0.1:0 --metrics_address=127.0.0.1:0
