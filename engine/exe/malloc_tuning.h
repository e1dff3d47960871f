// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// How sluiced asks glibc's malloc to keep the memory of large messages
// instead of returning it to the kernel after every one.

#pragma once

#include <cstddef>
#include <string_view>

namespace sluice::server {

/// Allocations up to this size come from malloc's heaps, not from an mmap of
/// their own. Above the largest gRPC message sluiced accepts or sends by
/// default (4 MiB), so a 1 MiB chunk is never mapped and unmapped.
inline constexpr size_t kMallocMmapThresholdBytes = size_t{8} << 20;
/// Free memory at the top of a heap is returned to the kernel only beyond
/// this much, so a steady stream of large messages reuses pages instead of
/// faulting them in again.
inline constexpr size_t kMallocTrimThresholdBytes = size_t{32} << 20;

/// True when `glibc_tunables` (the GLIBC_TUNABLES environment variable, or
/// empty) already sets malloc's mmap or trim threshold: the operator's
/// choice wins over ours.
bool OperatorTunedMalloc(std::string_view glibc_tunables);

/// Sets the two thresholds above unless the operator set either. Returns
/// whether it did. Call once, early in main(), before threads start. The
/// engine library never does this: its embedder owns the process's malloc.
bool TuneMallocForLargeMessages();

}  // namespace sluice::server
