// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/sensors_model.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/models/parameters.h"

namespace sluice::models {
namespace {

using internal::Quoted;

constexpr char kFormat[] = "sensor_id,time,temperature,humidity,pressure,vibration";
constexpr size_t kFields = 6;
constexpr std::array<const char*, 4> kQuantities = {"temperature", "humidity", "pressure",
                                                    "vibration"};
// Bounds that keep every sum finite (so every mean is valid JSON) and the
// summary within one message: about 500 bytes per sensor.
constexpr double kMaxQuantity = 1e12;
constexpr double kMaxTime = 1e15;
constexpr size_t kMaxSensorIdBytes = 64;
constexpr size_t kMaxSensors = 1024;
constexpr uint64_t kDefaultAckEvery = 100;

// One parsed reading. sensor_id points into the request's payload.
struct Reading {
  absl::string_view sensor_id;
  double time = 0;
  std::array<double, 4> values{};
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
  for (size_t q = 0; q < kQuantities.size(); ++q) {
    if (!internal::ParseDecimal(fields[q + 2], kMaxQuantity, &reading->values[q])) {
      return absl::InvalidArgumentError(
          absl::StrCat("reading field '", kQuantities[q],
                       "' must be a decimal number within +-1e12, got ", Quoted(fields[q + 2])));
    }
  }
  return absl::OkStatus();
}

struct Quantity {
  double min = 0;
  double max = 0;
  double sum = 0;
};

// The accumulators of one sensor: constant size, however many readings.
struct SensorSummary {
  uint64_t count = 0;
  double time_min = 0;
  double time_max = 0;
  std::array<Quantity, 4> quantities;

  void Add(const Reading& reading) {
    if (count++ == 0) {
      time_min = time_max = reading.time;
      for (size_t q = 0; q < quantities.size(); ++q) {
        quantities[q] = {reading.values[q], reading.values[q], reading.values[q]};
      }
      return;
    }
    time_min = std::min(time_min, reading.time);
    time_max = std::max(time_max, reading.time);
    for (size_t q = 0; q < quantities.size(); ++q) {
      Quantity& quantity = quantities[q];
      quantity.min = std::min(quantity.min, reading.values[q]);
      quantity.max = std::max(quantity.max, reading.values[q]);
      quantity.sum += reading.values[q];
    }
  }

  // One JSON object on one line (docs/models.md).
  void AppendJsonLine(const std::string& sensor_id, std::string* out) const {
    absl::StrAppend(out, "{\"sensor_id\":\"", sensor_id, "\",\"count\":", count, ",\"time_min\":");
    internal::AppendDouble(out, time_min);
    out->append(",\"time_max\":");
    internal::AppendDouble(out, time_max);
    for (size_t q = 0; q < quantities.size(); ++q) {
      absl::StrAppend(out, ",\"", kQuantities[q], "\":{\"min\":");
      internal::AppendDouble(out, quantities[q].min);
      out->append(",\"max\":");
      internal::AppendDouble(out, quantities[q].max);
      out->append(",\"mean\":");
      internal::AppendDouble(out, quantities[q].sum / static_cast<double>(count));
      out->append("}");
    }
    out->append("}\n");
  }
};

// The readings of one stream. Owned by the engine, called one call at a time
// (ModelSession); shares nothing with other streams, so it needs no lock.
class SensorsSession final : public ModelSession {
 public:
  explicit SensorsSession(std::shared_ptr<const SessionContext> context)
      : context_(std::move(context)) {}

  Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
    const bool bidi = context_->rpc_kind() == RpcKind::kBidiStreaming;
    if (bidi && internal::FindParameter(request, "ack_every") != nullptr) {
      absl::StatusOr<uint64_t> ack_every =
          internal::UintParameter(request, "ack_every", kDefaultAckEvery, 1, 1'000'000);
      if (!ack_every.ok()) return internal::RejectRequest(*context_, sink, ack_every.status());
      ack_every_ = *ack_every;
    }
    Reading reading;
    if (absl::Status status = ParseReading(request.payload(), &reading); !status.ok()) {
      return internal::RejectRequest(*context_, sink, status);
    }
    // Heterogeneous lookup: a known sensor costs no allocation.
    auto it = sensors_.find(reading.sensor_id);
    if (it == sensors_.end()) {
      if (sensors_.size() == kMaxSensors) {
        return internal::RejectRequest(
            *context_, sink,
            absl::ResourceExhaustedError(
                absl::StrCat("a stream may report at most ", kMaxSensors, " sensors; sensor ",
                             Quoted(reading.sensor_id), " would be one more; use another stream")));
      }
      it = sensors_.try_emplace(std::string(reading.sensor_id)).first;
    }
    it->second.Add(reading);
    ++count_;
    acked_sequence_ = std::max(acked_sequence_, request.sequence());
    if (bidi && count_ % ack_every_ == 0) {
      v1::InferResponse ack;
      auto& parameters = *ack.mutable_parameters();
      parameters["acked_sequence"] = absl::StrCat(acked_sequence_);
      parameters["count"] = absl::StrCat(count_);
      (void)sink.Emit(std::move(ack));  // The call's only response: room >= 1.
    }
    return Step::Done();
  }

  Step OnHalfClose(ResponseSink& sink) override {
    // Sorted by sensor id, so the same readings always give the same bytes.
    std::vector<const std::pair<const std::string, SensorSummary>*> sorted;
    sorted.reserve(sensors_.size());
    for (const auto& entry : sensors_) sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    v1::InferResponse summary;
    std::string* payload = summary.mutable_payload();
    for (const auto* entry : sorted) entry->second.AppendJsonLine(entry->first, payload);
    auto& parameters = *summary.mutable_parameters();
    parameters["content_type"] = "application/x-ndjson";
    parameters["count"] = absl::StrCat(count_);
    parameters["sensors"] = absl::StrCat(sensors_.size());
    parameters["acked_sequence"] = absl::StrCat(acked_sequence_);
    (void)sink.Emit(std::move(summary));  // The call's only response: room >= 1.
    return Step::Done();
  }

 private:
  const std::shared_ptr<const SessionContext> context_;
  absl::flat_hash_map<std::string, SensorSummary> sensors_;
  uint64_t count_ = 0;
  uint64_t acked_sequence_ = 0;
  uint64_t ack_every_ = kDefaultAckEvery;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ModelSession>> SensorsModel::NewSession(
    const std::shared_ptr<const SessionContext>& context) {
  if (absl::Status status =
          internal::CheckRpcKind(*context, {RpcKind::kClientStreaming, RpcKind::kBidiStreaming});
      !status.ok()) {
    return status;
  }
  return std::make_unique<SensorsSession>(context);
}

}  // namespace sluice::models
