// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/exe/malloc_tuning.h"

#include <malloc.h>

#include <cstdlib>

namespace sluice::server {

bool OperatorTunedMalloc(std::string_view glibc_tunables) {
  return glibc_tunables.find("glibc.malloc.mmap_threshold") != std::string_view::npos ||
         glibc_tunables.find("glibc.malloc.trim_threshold") != std::string_view::npos;
}

bool TuneMallocForLargeMessages() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && OperatorTunedMalloc(tunables)) return false;
  // Without this, glibc maps each chunk of a large message (say a 1 MiB
  // `blob` chunk) afresh or trims its heap after it, and the server pays a
  // page fault per 4 KiB of every chunk: about 13% of its CPU time when
  // streaming 1 MiB chunks (docs/benchmarks.md).
  return mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMallocMmapThresholdBytes)) == 1 &&
         mallopt(M_TRIM_THRESHOLD, static_cast<int>(kMallocTrimThresholdBytes)) == 1;
}

}  // namespace sluice::server
