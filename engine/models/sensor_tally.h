// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// SensorTally: the application work of the `sensors` model, apart from the
// engine: parse one CSV reading, add it to its sensor's summary, and print the
// summaries. The model runs it for each stream; the bare gRPC servers of
// bench/ run the same code, so that the ingest benchmarks compare the engine's
// cost and not the parsing's (as their Generate hashes what `blob` hashes).

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sluice::models {

/// The count, time range and min, max and sum of each measured quantity of
/// one sensor: constant size, however many readings.
struct SensorSummary {
  static constexpr size_t kQuantities = 4;  // temperature, humidity, pressure, vibration

  uint64_t count = 0;
  double time_min = 0;
  double time_max = 0;
  struct Quantity {
    double min = 0;
    double max = 0;
    double sum = 0;
  };
  std::array<Quantity, kQuantities> quantities;
};

/// The readings of one stream, summarized per sensor.
///
/// A reading is "sensor_id,time,temperature,humidity,pressure,vibration"
/// (docs/models.md). Ownership: one stream's. Threads: one at a time.
class SensorTally {
 public:
  /// At most this many sensors per stream: the summary fits in one message.
  static constexpr size_t kMaxSensors = 1024;

  /// Parses `payload` and adds it to its sensor's summary. INVALID_ARGUMENT
  /// names the bad field; RESOURCE_EXHAUSTED when the reading would be the
  /// (kMaxSensors + 1)th sensor. On an error nothing is added.
  absl::Status Add(absl::string_view payload);

  /// Readings added.
  uint64_t count() const { return count_; }
  /// Distinct sensors among them.
  size_t sensors() const { return sensors_.size(); }

  /// Appends one JSON object per line per sensor, sorted by sensor id, so the
  /// same readings always give the same bytes.
  void AppendSummaries(std::string* out) const;

 private:
  absl::flat_hash_map<std::string, SensorSummary> sensors_;
  uint64_t count_ = 0;
};

}  // namespace sluice::models
