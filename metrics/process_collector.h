// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ProcessCollector: the standard process_* metrics of this process, read from
// Linux /proc at each scrape (the names client_golang and client_python use).

#pragma once

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace sluice::metrics {

/// process_cpu_seconds_total, process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_open_fds, process_max_fds,
/// process_start_time_seconds and process_threads.
///
/// Ownership: shared with the exposer (which holds it weakly).
/// Threads: Collect() from any thread; it only reads /proc.
class ProcessCollector final : public prometheus::Collectable {
 public:
  /// Series it cannot read (a /proc entry missing) are left out, not faked.
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace sluice::metrics
