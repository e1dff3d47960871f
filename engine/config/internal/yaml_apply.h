// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Walks a parsed YAML tree against the schema's descriptors and sets the
// fields it names. Shared by documents and by --set values that are sections,
// lists or maps. yaml-cpp stays behind this header and its .cc.

#pragma once

#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <yaml-cpp/yaml.h>

#include "absl/strings/string_view.h"
#include "engine/config/field_error.h"

namespace sluice::config::internal {

/// Where errors go and what they are attributed to.
struct YamlContext {
  /// A file name, or a flag; errors get ":LINE" appended when `with_lines`.
  absl::string_view source;
  bool with_lines;
  std::vector<FieldError>* errors;
};

/// Applies `node`, which must be a map (or null: nothing), onto `message`,
/// whose own path is `path` ("" for the root). Catches nothing: callers wrap
/// yaml-cpp calls.
void ApplyYamlMap(const YAML::Node& node, google::protobuf::Message& message,
                  const std::string& path, const YamlContext& context);

/// Applies `node` onto one field of `message`: a section is overlaid, a list
/// or map is replaced, a scalar is set. `path` is the field's own path.
void ApplyYamlField(const YAML::Node& node, google::protobuf::Message& message,
                    const google::protobuf::FieldDescriptor& field, const std::string& path,
                    const YamlContext& context);

/// A node as it would be written, for an error's value: a scalar's text, a
/// collection in flow style.
std::string NodeText(const YAML::Node& node);

}  // namespace sluice::config::internal
