// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/sensor_tally.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/models/parameters.h"

namespace sluice::models {
namespace {

using internal::Quoted;

constexpr char kFormat[] = "sensor_id,time,temperature,humidity,pressure,vibration";
constexpr size_t kFields = 6;
constexpr std::array<const char*, SensorSummary::kQuantities> kQuantityNames = {
    "temperature", "humidity", "pressure", "vibration"};
// Bounds that keep every sum finite (so every mean is valid JSON) and the
// summary within one message: about 500 bytes per sensor.
constexpr double kMaxQuantity = 1e12;
constexpr double kMaxTime = 1e15;
constexpr size_t kMaxSensorIdBytes = 64;

// One parsed reading. sensor_id points into the payload.
struct Reading {
  absl::string_view sensor_id;
  double time = 0;
  std::array<double, SensorSummary::kQuantities> values{};
};

absl::Status WrongFieldCount(absl::string_view line) {
  const auto commas = static_cast<size_t>(std::count(line.begin(), line.end(), ','));
  return absl::InvalidArgumentError(absl::StrCat("a reading is '", kFormat, "' (", kFields,
                                                 " comma-separated fields), got ", commas + 1,
                                                 " fields in ", Quoted(line)));
}

absl::Status ParseReading(absl::string_view payload, Reading* reading) {
  const absl::string_view line = absl::StripTrailingAsciiWhitespace(payload);
  // Split in one pass over the line; the fields are counted only to say
  // how many there were.
  std::array<absl::string_view, kFields> fields;
  size_t start = 0;
  for (size_t i = 0; i + 1 < kFields; ++i) {
    const size_t comma = line.find(',', start);
    if (comma == absl::string_view::npos) return WrongFieldCount(line);
    fields[i] = line.substr(start, comma - start);
    start = comma + 1;
  }
  fields.back() = line.substr(start);
  if (fields.back().find(',') != absl::string_view::npos) return WrongFieldCount(line);
  reading->sensor_id = absl::StripAsciiWhitespace(fields[0]);
  if (!internal::IsSimpleName(reading->sensor_id, kMaxSensorIdBytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("reading field 'sensor_id' must be 1 to ", kMaxSensorIdBytes,
                     " characters of [A-Za-z0-9._:/-], got ", Quoted(fields[0])));
  }
  if (!internal::ParseDecimal(fields[1], kMaxTime, &reading->time)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "reading field 'time' must be a decimal number within +-1e15, got ", Quoted(fields[1])));
  }
  for (size_t q = 0; q < kQuantityNames.size(); ++q) {
    if (!internal::ParseDecimal(fields[q + 2], kMaxQuantity, &reading->values[q])) {
      return absl::InvalidArgumentError(
          absl::StrCat("reading field '", kQuantityNames[q],
                       "' must be a decimal number within +-1e12, got ", Quoted(fields[q + 2])));
    }
  }
  return absl::OkStatus();
}

void AddTo(SensorSummary& summary, const Reading& reading) {
  if (summary.count++ == 0) {
    summary.time_min = summary.time_max = reading.time;
    for (size_t q = 0; q < summary.quantities.size(); ++q) {
      summary.quantities[q] = {reading.values[q], reading.values[q], reading.values[q]};
    }
    return;
  }
  summary.time_min = std::min(summary.time_min, reading.time);
  summary.time_max = std::max(summary.time_max, reading.time);
  for (size_t q = 0; q < summary.quantities.size(); ++q) {
    SensorSummary::Quantity& quantity = summary.quantities[q];
    quantity.min = std::min(quantity.min, reading.values[q]);
    quantity.max = std::max(quantity.max, reading.values[q]);
    quantity.sum += reading.values[q];
  }
}

// One JSON object on one line (docs/models.md).
void AppendJsonLine(const std::string& sensor_id, const SensorSummary& summary, std::string* out) {
  absl::StrAppend(out, "{\"sensor_id\":\"", sensor_id, "\",\"count\":", summary.count,
                  ",\"time_min\":");
  internal::AppendDouble(out, summary.time_min);
  out->append(",\"time_max\":");
  internal::AppendDouble(out, summary.time_max);
  for (size_t q = 0; q < summary.quantities.size(); ++q) {
    const SensorSummary::Quantity& quantity = summary.quantities[q];
    absl::StrAppend(out, ",\"", kQuantityNames[q], "\":{\"min\":");
    internal::AppendDouble(out, quantity.min);
    out->append(",\"max\":");
    internal::AppendDouble(out, quantity.max);
    out->append(",\"mean\":");
    internal::AppendDouble(out, quantity.sum / static_cast<double>(summary.count));
    out->append("}");
  }
  out->append("}\n");
}

}  // namespace

absl::Status SensorTally::Add(absl::string_view payload) {
  Reading reading;
  if (absl::Status status = ParseReading(payload, &reading); !status.ok()) return status;
  // Heterogeneous lookup: a known sensor costs no allocation.
  auto it = sensors_.find(reading.sensor_id);
  if (it == sensors_.end()) {
    if (sensors_.size() == kMaxSensors) {
      return absl::ResourceExhaustedError(
          absl::StrCat("a stream may report at most ", kMaxSensors, " sensors; sensor ",
                       Quoted(reading.sensor_id), " would be one more; use another stream"));
    }
    it = sensors_.try_emplace(std::string(reading.sensor_id)).first;
  }
  AddTo(it->second, reading);
  ++count_;
  return absl::OkStatus();
}

void SensorTally::AppendSummaries(std::string* out) const {
  std::vector<const std::pair<const std::string, SensorSummary>*> sorted;
  sorted.reserve(sensors_.size());
  for (const auto& entry : sensors_) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : sorted) AppendJsonLine(entry->first, entry->second, out);
}

}  // namespace sluice::models
