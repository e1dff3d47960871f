// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// StreamGaugesCollector: the gauges that describe the streams open right now
// (active streams, credits, outbound windows, mailbox depth), computed at
// scrape time from the live streams, so serving pays nothing for them.

#pragma once

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "actors/live_streams.h"

namespace sluice {

/// sluice_streams_active{grpc_method,model}, sluice_credits_in_use{model},
/// sluice_credits_available{model}, sluice_outbound_window_occupancy{model},
/// sluice_outbound_window_capacity{model}, sluice_mailbox_depth and
/// sluice_mailbox_depth_max.
///
/// Ownership: owned by the engine, shared with the exposer (held weakly).
/// Threads: Collect() from any thread; it holds the live-stream lock for one
/// pass over the streams (streams cannot start or end meanwhile).
class StreamGaugesCollector final : public prometheus::Collectable {
 public:
  explicit StreamGaugesCollector(const actors::LiveStreams& live_streams)
      : live_streams_(live_streams) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const actors::LiveStreams& live_streams_;
};

}  // namespace sluice
