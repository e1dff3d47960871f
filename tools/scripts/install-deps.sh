#!/usr/bin/env bash
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
#
# Installs the Debian 12 packages Sluice builds and tests with, if any is
# missing. Idempotent: does nothing (and needs no network) when all are there.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  protobuf-compiler libprotobuf-dev
  libgrpc++-dev protobuf-compiler-grpc
  libabsl-dev libboost-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev
  libssl-dev
  # yaml-cpp: sluiced's configuration files (engine/config/).
  libyaml-cpp-dev
  python3-grpcio python3-grpc-tools
  python3-matplotlib  # bench/plot_results.py: charts of sluice_stream_bench --json output.
  # Debian's grpc_tools imports pkg_resources without depending on it.
  python3-pkg-resources
  # prometheus and promtool: tests/prometheus scrapes sluiced and checks deploy/.
  prometheus
)
# The Node client (clients/node) needs node >= 18 and npm. A node or npm
# already on PATH (say from nodesource or nvm) is used as it is: Debian's
# packages would conflict with it or shadow it.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
