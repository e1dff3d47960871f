// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ApplyEnvironment: SLUICE_<PATH> variables onto a config.

#include "engine/config/sources.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/config/internal/schema.h"

extern char** environ;  // POSIX; no header declares it.

namespace sluice::config {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Variable name -> field path, for every scalar reachable through sections
// (not through lists or maps, which have no fixed path).
void AddNames(const Descriptor& type, const std::string& prefix,
              std::map<std::string, std::string>* names) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    const std::string path =
        prefix.empty() ? field.name() : absl::StrCat(prefix, ".", field.name());
    if (internal::IsScalar(field)) {
      names->emplace(internal::EnvironmentName(path), path);
    } else if (!field.is_repeated()) {
      AddNames(*field.message_type(), path, names);
    }
  }
}

}  // namespace

std::vector<std::string> IgnoredEnvironmentVariables() {
  return {"SLUICE_PROTO_DIR", "SLUICE_PYTHON"};
}

void ApplyEnvironment(const Environment& environment, v1::SluiceConfig* config,
                      std::vector<FieldError>* errors) {
  std::map<std::string, std::string> names;
  AddNames(*v1::SluiceConfig::descriptor(), "", &names);
  const std::vector<std::string> ignored = IgnoredEnvironmentVariables();
  for (const auto& [name, value] : environment) {
    if (!absl::StartsWith(name, "SLUICE_")) continue;
    if (std::find(ignored.begin(), ignored.end(), name) != ignored.end()) continue;
    const auto found = names.find(name);
    if (found == names.end()) {
      errors->push_back({.path = name,
                         .value = value,
                         .reason = "unknown variable: no configuration field has this name",
                         .source = "environment"});
      continue;
    }
    ApplyOverride(found->second, value, absl::StrCat("$", name), config, errors);
  }
}

Environment ProcessEnvironment() {
  Environment environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const absl::string_view text(*entry);
    const size_t equals = text.find('=');
    if (equals == absl::string_view::npos) continue;
    environment.emplace_back(std::string(text.substr(0, equals)),
                             std::string(text.substr(equals + 1)));
  }
  return environment;
}

}  // namespace sluice::config
