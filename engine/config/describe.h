// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// DescribeFields: every configurable field with its type, unit, default,
// range, live/restart and documentation, all read from the schema (for
// docs/config.md, --help style listings and the admin service).

#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sluice::config {

/// One field of the schema. A plain value; any thread.
struct FieldInfo {
  /// "streams.credits_per_stream"; a list entry's fields as "models[].name".
  std::string path;
  /// "uint32", "uint64", "double", "bool", "string",
  /// "enum: debug|info|warning|error", "list", "map<string, string>".
  std::string type;
  /// "seconds", "bytes", ...; empty when the value has none.
  std::string unit;
  /// As a file would write it; for strings "" means the empty string.
  std::string default_text;
  std::optional<double> min;
  std::optional<double> max;
  bool live = false;
  /// An empty string is an error (a model's name and kind).
  bool required = false;
  /// The field's leading comment in config.proto, as one paragraph.
  std::string doc;
  /// The SLUICE_* variable that sets it; empty for list entries and maps.
  std::string environment_variable;
};

/// Every field in schema order: scalars, lists ("models") and the fields of a
/// list entry ("models[].name"), maps ("models[].parameters"). Sections
/// themselves are not listed. Thread-safe.
std::vector<FieldInfo> DescribeFields();

}  // namespace sluice::config
