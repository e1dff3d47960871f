#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# CTest's entry to the Python client test: picks a Python that has Debian's
# grpcio and grpc_tools, generates the stubs from proto/ into a temporary
# directory, and runs test_client.py against SLUICED.
# Usage: run_test.sh SLUICED SOURCE_DIR [TEST_NAME...]
set -euo pipefail
SLUICED="$1"
SOURCE_DIR="$2"
shift 2

# `python3` on PATH may be another installation (pyenv, a venv) without
# Debian's python3-grpcio; fall back to the system interpreter that has it.
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

STUBS="$(mktemp -d)"
trap 'rm -rf "$STUBS"' EXIT
"$PYTHON" -m grpc_tools.protoc -I"$SOURCE_DIR/proto" --python_out="$STUBS" \
  --grpc_python_out="$STUBS" "$SOURCE_DIR/proto/sluice/v1/inference.proto"

export PYTHONPATH="$STUBS:$SOURCE_DIR/clients/python${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1  # No __pycache__ in the source tree.
exec "$PYTHON" "$SOURCE_DIR/clients/python/test_client.py" --sluiced "$SLUICED" "$@"
