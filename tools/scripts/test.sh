#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# The README's second command, and exactly what CI runs (.ci/run): install
# what is missing, build, run every test; then build again with
# AddressSanitizer + UndefinedBehaviorSanitizer and run every test again; then
# run the actor runtime's tests under ThreadSanitizer (only there: TSan cannot
# see inside Debian's uninstrumented gRPC and abseil, so end-to-end tests
# would give false reports).
set -euo pipefail
cd "$(dirname "$0")/../.."

JOBS="$(nproc)"
tools/scripts/install-deps.sh

echo "== build (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$JOBS"
echo "== test (RelWithDebInfo)"
ctest --test-dir build --output-on-failure --no-tests=error -j"$JOBS"

echo "== build (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSLUICE_SANITIZE=address,undefined \
  -DSLUICE_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j"$JOBS"
echo "== test (ASan + UBSan)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
ctest --test-dir build-asan --output-on-failure --no-tests=error -j"$JOBS"

echo "== build (TSan, actor runtime)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DSLUICE_SANITIZE=thread \
  -DSLUICE_BUILD_BENCH=OFF >/dev/null
cmake --build build-tsan -j"$JOBS" --target sluice_actors_test sluice_metrics_test
echo "== test (TSan, actor runtime and sharded metrics)"
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" build-tsan/tests/sluice_actors_test
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" build-tsan/tests/sluice_metrics_test
