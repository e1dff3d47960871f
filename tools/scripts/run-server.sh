#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# The README's first command: install what is missing, build in Release, and
# start sluiced on its built-in defaults (gRPC on 127.0.0.1:50051). Extra
# arguments go to sluiced, e.g. --listen 127.0.0.1:0.
set -euo pipefail
cd "$(dirname "$0")/../.."

tools/scripts/install-deps.sh
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DSLUICE_BUILD_TESTS=OFF >/dev/null
cmake --build build-release -j"$(nproc)" --target sluiced sluice
echo "Client: $(pwd)/build-release/tools/sluice (see README: Try it)"
exec build-release/engine/sluiced "$@"
