#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# CTest's entry to the Node client test: installs the pinned dependencies
# (package-lock.json) with `npm ci` into BUILD_DIR, never into the source tree,
# and runs test_client.js against SLUICED with them on NODE_PATH.
# Usage: run_test.sh SLUICED SOURCE_DIR BUILD_DIR
set -euo pipefail
SLUICED="$1"
SOURCE_DIR="$2"
BUILD_DIR="$3"
CLIENT_DIR="$SOURCE_DIR/clients/node"

for tool in node npm; do
  command -v "$tool" >/dev/null ||
    { echo "FAIL: no $tool on PATH (see tools/scripts/install-deps.sh)" >&2; exit 1; }
done
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
  { echo "FAIL: node $(node --version) is older than 18" >&2; exit 1; }

mkdir -p "$BUILD_DIR"
cp "$CLIENT_DIR/package.json" "$CLIENT_DIR/package-lock.json" "$BUILD_DIR/"
(cd "$BUILD_DIR" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)

export NODE_PATH="$BUILD_DIR/node_modules"
exec node "$CLIENT_DIR/test_client.js" --sluiced "$SLUICED"
