#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# CTest's entry to the Prometheus end-to-end test: picks a Python that has
# Debian's grpcio and grpc_tools, generates the stubs from proto/ into a
# temporary directory (as clients/python/run_test.sh does), and runs
# prometheus_end2end_test.py against SLUICED with the prometheus and promtool
# on PATH (Debian package prometheus; override with $PROMETHEUS, $PROMTOOL).
# Usage: run_test.sh SLUICED [SOURCE_DIR] [CHECK...]
set -euo pipefail
SLUICED="$1"
SOURCE_DIR="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
shift $(($# >= 2 ? 2 : 1))

PYTHON=""
for candidate in ${SLUICE_PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null &&
     "$candidate" -c 'import grpc, grpc_tools.protoc' 2>/dev/null; then
    PYTHON="$candidate"
    break
  fi
done
if [ -z "$PYTHON" ]; then
  echo "FAIL: no python3 with grpc and grpc_tools (install python3-grpcio python3-grpc-tools," \
       "see tools/scripts/install-deps.sh)" >&2
  exit 1
fi
PROMETHEUS="${PROMETHEUS:-prometheus}"
PROMTOOL="${PROMTOOL:-promtool}"
for tool in "$PROMETHEUS" "$PROMTOOL"; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool not found (install the Debian package prometheus," \
         "see tools/scripts/install-deps.sh)" >&2
    exit 1
  fi
done

STUBS="$(mktemp -d)"
trap 'rm -rf "$STUBS"' EXIT
"$PYTHON" -m grpc_tools.protoc -I"$SOURCE_DIR/proto" --python_out="$STUBS" \
  --grpc_python_out="$STUBS" "$SOURCE_DIR/proto/sluice/v1/inference.proto"

export PYTHONPATH="$STUBS:$SOURCE_DIR/clients/python${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1  # No __pycache__ in the source tree.
"$PYTHON" "$SOURCE_DIR/tests/prometheus/prometheus_end2end_test.py" --sluiced "$SLUICED" \
  --prometheus "$PROMETHEUS" --promtool "$PROMTOOL" "$@"
