// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/src/stream_gauges_collector.h"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "actors/stream_actor.h"

namespace sluice {
namespace {

// Indexed like RpcKind (the grpc_method label of grpc_server_*).
constexpr std::array<const char*, 4> kMethodNames = {"Infer", "Generate", "Ingest", "Stream"};

struct ModelTotals {
  double credits_in_use = 0;
  double credits_available = 0;
  double outbound_occupancy = 0;
  double outbound_capacity = 0;
};

prometheus::ClientMetric Gauge(std::vector<prometheus::ClientMetric::Label> labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  return metric;
}

prometheus::MetricFamily GaugeFamily(const char* name, const char* help) {
  return prometheus::MetricFamily{name, help, prometheus::MetricType::Gauge, {}};
}

}  // namespace

std::vector<prometheus::MetricFamily> StreamGaugesCollector::Collect() const {
  // Model "" holds streams that have not named their model yet.
  std::map<std::pair<size_t, std::string>, double> active;
  std::map<std::string, ModelTotals> by_model;
  double mailbox_total = 0;
  double mailbox_max = 0;
  // Every method appears, so a dashboard sees 0 rather than no data.
  for (size_t kind = 0; kind < kMethodNames.size(); ++kind) active[{kind, ""}] = 0;

  // Under the live-stream lock only copy the readings: starting and ending
  // streams wait on that lock. Aggregate after it is released.
  std::vector<actors::StreamActor::GaugeReading> readings;
  live_streams_.ForEach(
      [&readings](const actors::StreamActor& stream) { readings.push_back(stream.ReadGauges()); });
  for (const actors::StreamActor::GaugeReading& reading : readings) {
    const std::string model = reading.model != nullptr ? reading.model->name : std::string();
    active[{static_cast<size_t>(reading.kind), model}] += 1;
    const double depth = static_cast<double>(std::max<int64_t>(reading.mailbox_depth, 0));
    mailbox_total += depth;
    mailbox_max = std::max(mailbox_max, depth);
    if (reading.model == nullptr) continue;
    ModelTotals& totals = by_model[model];
    totals.credits_in_use += reading.credits_in_use;
    totals.credits_available +=
        reading.credits_limit > reading.credits_in_use
            ? static_cast<double>(reading.credits_limit - reading.credits_in_use)
            : 0.0;
    totals.outbound_occupancy += reading.outbound_occupancy;
    totals.outbound_capacity += reading.outbound_window;
  }

  std::vector<prometheus::MetricFamily> families;
  auto streams = GaugeFamily("sluice_streams_active",
                             "Streams open now, by method and model (model is empty until the "
                             "stream's first request names one).");
  for (const auto& [key, count] : active) {
    streams.metric.push_back(
        Gauge({{"grpc_method", kMethodNames[key.first]}, {"model", key.second}}, count));
  }
  families.push_back(std::move(streams));

  auto in_use = GaugeFamily("sluice_credits_in_use",
                            "Requests in flight toward the model, summed over open streams.");
  auto available = GaugeFamily("sluice_credits_available",
                               "Request credits not in use, summed over open streams.");
  auto occupancy = GaugeFamily(
      "sluice_outbound_window_occupancy",
      "Responses held in outbound windows (queued or being written), summed over open streams.");
  auto capacity = GaugeFamily("sluice_outbound_window_capacity",
                              "Outbound window sizes, summed over open streams.");
  for (const auto& [model, totals] : by_model) {
    in_use.metric.push_back(Gauge({{"model", model}}, totals.credits_in_use));
    available.metric.push_back(Gauge({{"model", model}}, totals.credits_available));
    occupancy.metric.push_back(Gauge({{"model", model}}, totals.outbound_occupancy));
    capacity.metric.push_back(Gauge({{"model", model}}, totals.outbound_capacity));
  }
  families.push_back(std::move(in_use));
  families.push_back(std::move(available));
  families.push_back(std::move(occupancy));
  families.push_back(std::move(capacity));

  auto depth =
      GaugeFamily("sluice_mailbox_depth", "Messages waiting in stream actors' mailboxes, summed.");
  depth.metric.push_back(Gauge({}, mailbox_total));
  families.push_back(std::move(depth));
  auto depth_max =
      GaugeFamily("sluice_mailbox_depth_max", "The deepest stream actor mailbox right now.");
  depth_max.metric.push_back(Gauge({}, mailbox_max));
  families.push_back(std::move(depth_max));
  return families;
}

}  // namespace sluice
