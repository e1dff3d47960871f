// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Sensor readings for `sluice ingest`: parsing them from CSV or JSON-lines input, with errors that
// say what is wrong with a line, and encoding one reading as a request to the `sensors` model.

#pragma once

#include <array>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sluice/v1/inference.pb.h"

namespace sluice::cli {

// The fields of a reading, in the order of the `sensors` model's wire format.
inline constexpr std::array<absl::string_view, 6> kSensorFields = {
    "sensor_id", "time", "temperature", "humidity", "pressure", "vibration"};

// One reading, each field as text, indexed like kSensorFields. `time` and the measurements are
// decimal numbers (checked by ReadingParser); sensor_id is non-empty and has no comma.
struct SensorReading {
  std::array<std::string, kSensorFields.size()> fields;
};

// Makes `request` carry `reading` the way the `sensors` model reads it (engine/models/
// sensors_model.cc, docs/models.md): the payload is the CSV line
// "sensor_id,time,temperature,humidity,pressure,vibration". The one place that knows the encoding.
void EncodeReading(const SensorReading& reading, v1::InferRequest* request);

enum class ReadingFormat { kCsv, kJsonLines };

// "csv" or "jsonl" (also "ndjson"); nullopt for anything else.
std::optional<ReadingFormat> ReadingFormatFromName(absl::string_view name);

// The format a file's extension implies (.csv; .jsonl, .ndjson, .json), or nullopt.
std::optional<ReadingFormat> ReadingFormatFromPath(absl::string_view path);

// Turns the lines of a readings file, in order, into readings. CSV input may start with a header
// naming the six columns in any order (then every row needs all six); without one, rows have the
// six fields in kSensorFields order. JSON-lines input has one object per line with the six fields
// as strings or numbers. Blank lines, and CSV lines starting with '#', are skipped. `time` may
// also be an RFC 3339 timestamp ("2026-11-21T06:00:00.5Z"), sent as decimal seconds since the
// Unix epoch. Owned by the command; one thread.
class ReadingParser {
 public:
  // With no format, the first non-blank line decides: '{' starts JSON lines, anything else CSV.
  explicit ReadingParser(std::optional<ReadingFormat> format) : format_(format) {}

  // Parses the next line (without its newline). Returns true with `*reading` filled, false for a
  // line that holds no reading (blank, comment, header), or InvalidArgumentError saying what is
  // wrong (the caller adds where).
  absl::StatusOr<bool> Parse(absl::string_view line, SensorReading* reading);

 private:
  absl::StatusOr<bool> ParseCsv(absl::string_view line, SensorReading* reading);
  absl::StatusOr<bool> ParseJson(absl::string_view line, SensorReading* reading);

  std::optional<ReadingFormat> format_;
  // CSV: which reading field each column holds; the default order until a header says otherwise.
  std::array<size_t, kSensorFields.size()> column_field_ = {0, 1, 2, 3, 4, 5};
  bool first_row_ = true;
};

}  // namespace sluice::cli
