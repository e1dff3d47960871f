// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of sensor reading parsing and encoding (see sensor_readings.h).

#include "tools/sensor_readings.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "tools/json_text.h"

namespace sluice::cli {
namespace {

constexpr size_t kFieldCount = kSensorFields.size();
constexpr size_t kSensorIdField = 0;
constexpr size_t kTimeField = 1;

std::string FieldList() { return absl::StrJoin(kSensorFields, ","); }

std::optional<size_t> FieldIndex(absl::string_view name) {
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (absl::EqualsIgnoreCase(kSensorFields[i], name)) return i;
  }
  return std::nullopt;
}

// `value` for an error message: quoted, and cut if long.
std::string Quote(absl::string_view value) {
  constexpr size_t kMax = 40;
  if (value.size() <= kMax) return absl::StrCat("'", value, "'");
  return absl::StrCat("'", value.substr(0, kMax), "...'");
}

// An RFC 3339 time as decimal seconds since the Unix epoch, without trailing zeros.
std::optional<std::string> Rfc3339ToEpochSeconds(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return std::nullopt;
  // Whole seconds toward the past, so the fraction is in [0, 1) even before 1970.
  int64_t seconds = absl::ToUnixSeconds(time);
  int64_t nanos = absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds));
  if (nanos == 0) return absl::StrCat(seconds);
  // Before 1970 the text is "-" and the magnitude: -1 s + 0.25 s is "-0.75".
  const bool negative = seconds < 0;
  if (negative) {
    seconds = -(seconds + 1);
    nanos = 1'000'000'000 - nanos;
  }
  std::string fraction = absl::StrFormat("%09d", nanos);
  while (fraction.back() == '0') fraction.pop_back();
  return absl::StrCat(negative ? "-" : "", seconds, ".", fraction);
}

// Checks a reading's fields and brings `time` to decimal seconds.
absl::Status Validate(SensorReading* reading) {
  const std::string& sensor_id = reading->fields[kSensorIdField];
  if (sensor_id.empty()) return absl::InvalidArgumentError("sensor_id is empty");
  if (sensor_id.find_first_of(",\r\n") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("sensor_id ", Quote(sensor_id), " contains a comma or line break"));
  }
  for (size_t i = kTimeField; i < kFieldCount; ++i) {
    std::string& value = reading->fields[i];
    double number = 0;
    if (absl::SimpleAtod(value, &number) && std::isfinite(number)) continue;
    if (i == kTimeField) {
      if (std::optional<std::string> seconds = Rfc3339ToEpochSeconds(value)) {
        value = *std::move(seconds);
        continue;
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "time ", Quote(value),
          " is neither a number (seconds) nor an RFC 3339 time like 2026-11-21T06:00:00Z"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        kSensorFields[i], " ", value.empty() ? "is empty" : Quote(value) + " is not a number"));
  }
  return absl::OkStatus();
}

// Splits one CSV record: fields separated by commas, each optionally in double quotes (a quote
// inside written twice); whitespace around a field is dropped.
absl::StatusOr<std::vector<std::string>> SplitCsv(absl::string_view line) {
  std::vector<std::string> cells;
  size_t pos = 0;
  while (true) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    std::string cell;
    if (pos < line.size() && line[pos] == '"') {
      const size_t open = pos++;
      while (true) {
        if (pos >= line.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat("unterminated quote starting at column ", open + 1));
        }
        if (line[pos] == '"') {
          if (pos + 1 < line.size() && line[pos + 1] == '"') {
            cell.push_back('"');
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        cell.push_back(line[pos++]);
      }
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
      if (pos < line.size() && line[pos] != ',') {
        return absl::InvalidArgumentError(
            absl::StrCat("unexpected text after a quoted field at column ", pos + 1));
      }
    } else {
      const size_t comma = std::min(line.find(',', pos), line.size());
      cell = std::string(absl::StripAsciiWhitespace(line.substr(pos, comma - pos)));
      pos = comma;
    }
    cells.push_back(std::move(cell));
    if (pos >= line.size()) return cells;
    ++pos;  // The comma.
  }
}

}  // namespace

void EncodeReading(const SensorReading& reading, v1::InferRequest* request) {
  request->set_payload(absl::StrJoin(reading.fields, ","));
}

std::optional<ReadingFormat> ReadingFormatFromName(absl::string_view name) {
  if (name == "csv") return ReadingFormat::kCsv;
  if (name == "jsonl" || name == "ndjson") return ReadingFormat::kJsonLines;
  return std::nullopt;
}

std::optional<ReadingFormat> ReadingFormatFromPath(absl::string_view path) {
  const std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".csv")) return ReadingFormat::kCsv;
  for (absl::string_view extension : {".jsonl", ".ndjson", ".json"}) {
    if (absl::EndsWith(lower, extension)) return ReadingFormat::kJsonLines;
  }
  return std::nullopt;
}

absl::StatusOr<bool> ReadingParser::Parse(absl::string_view line, SensorReading* reading) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
  if (trimmed.empty()) return false;
  if (!format_.has_value()) {
    format_ = absl::StartsWith(trimmed, "{") ? ReadingFormat::kJsonLines : ReadingFormat::kCsv;
  }
  if (*format_ == ReadingFormat::kJsonLines) return ParseJson(trimmed, reading);
  if (absl::StartsWith(trimmed, "#")) return false;
  return ParseCsv(trimmed, reading);
}

absl::StatusOr<bool> ReadingParser::ParseCsv(absl::string_view line, SensorReading* reading) {
  absl::StatusOr<std::vector<std::string>> cells = SplitCsv(line);
  if (!cells.ok()) return cells.status();
  const bool first_row = std::exchange(first_row_, false);
  // A first row naming any known column is a header.
  if (first_row && std::any_of(cells->begin(), cells->end(), [](const std::string& cell) {
        return FieldIndex(cell).has_value();
      })) {
    std::array<bool, kFieldCount> seen{};
    if (cells->size() != kFieldCount) {
      return absl::InvalidArgumentError(absl::StrCat("the header has ", cells->size(),
                                                     " columns; it needs exactly ", FieldList()));
    }
    for (size_t column = 0; column < cells->size(); ++column) {
      std::optional<size_t> field = FieldIndex((*cells)[column]);
      if (!field.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat("unknown column ", Quote((*cells)[column]),
                                                       " in the header; columns are ",
                                                       FieldList()));
      }
      if (seen[*field]) {
        return absl::InvalidArgumentError(
            absl::StrCat("column ", kSensorFields[*field], " appears twice in the header"));
      }
      seen[*field] = true;
      column_field_[column] = *field;
    }
    return false;
  }
  if (cells->size() != kFieldCount) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected ", kFieldCount, " fields (", FieldList(), "), got ", cells->size()));
  }
  for (size_t column = 0; column < kFieldCount; ++column) {
    reading->fields[column_field_[column]] = std::move((*cells)[column]);
  }
  if (absl::Status status = Validate(reading); !status.ok()) return status;
  return true;
}

absl::StatusOr<bool> ReadingParser::ParseJson(absl::string_view line, SensorReading* reading) {
  absl::StatusOr<std::vector<JsonField>> fields = ParseFlatJsonObject(line);
  if (!fields.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object: ", fields.status().message()));
  }
  std::array<bool, kFieldCount> seen{};
  for (JsonField& json : *fields) {
    std::optional<size_t> field = FieldIndex(json.key);
    if (!field.has_value() || json.key != kSensorFields[*field]) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", json.key, "\"; fields are ", FieldList()));
    }
    if (!json.is_string &&
        (json.value == "true" || json.value == "false" || json.value == "null")) {
      return absl::InvalidArgumentError(absl::StrCat("field \"", json.key, "\" is ", json.value,
                                                     "; it must be a string or a number"));
    }
    reading->fields[*field] = std::move(json.value);
    seen[*field] = true;
  }
  for (size_t i = 0; i < kFieldCount; ++i) {
    if (!seen[i]) {
      return absl::InvalidArgumentError(absl::StrCat("missing field \"", kSensorFields[i], "\""));
    }
  }
  if (absl::Status status = Validate(reading); !status.ok()) return status;
  return true;
}

}  // namespace sluice::cli
