// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ToYaml is written by hand rather than with yaml-cpp's emitter so that each
// field gets its trailing comment and strings are always quoted (a version
// "1" must stay a string when read back).

#include "engine/config/to_yaml.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/config/internal/scalar.h"
#include "engine/config/internal/schema.h"

namespace sluice::config {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// A YAML double-quoted scalar. Bytes from 0x80 up pass through: strings are
// UTF-8, and YAML's \x escape would turn each byte into a character.
std::string Quoted(const std::string& text) {
  return absl::StrCat("\"", internal::EscapeOneLine(text, /*quote=*/true), "\"");
}

std::string Comment(const FieldDescriptor& field) {
  const v1::FieldSpec& spec = internal::SpecOf(field);
  const char* when = spec.live() ? "live" : "restart";
  if (spec.unit().empty()) return absl::StrCat("  # ", when);
  return absl::StrCat("  # ", spec.unit(), ", ", when);
}

std::string ValueText(const Message& message, const FieldDescriptor& field) {
  std::string text = internal::ScalarText(message, field);
  return field.cpp_type() == FieldDescriptor::CPPTYPE_STRING ? Quoted(text) : text;
}

void WriteMap(const Message& message, const FieldDescriptor& field, const std::string& indent,
              std::string* out) {
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  std::vector<std::pair<std::string, std::string>> entries;
  for (int i = 0; i < reflection.FieldSize(message, &field); ++i) {
    const Message& entry = reflection.GetRepeatedMessage(message, &field, i);
    const google::protobuf::Descriptor& entry_type = *entry.GetDescriptor();
    entries.emplace_back(internal::ScalarText(entry, *entry_type.map_key()),
                         ValueText(entry, *entry_type.map_value()));
  }
  std::sort(entries.begin(), entries.end());
  if (entries.empty()) {
    absl::StrAppend(out, field.name(), ": {}", Comment(field), "\n");
    return;
  }
  absl::StrAppend(out, field.name(), ":", Comment(field), "\n");
  for (const auto& [key, value] : entries) {
    absl::StrAppend(out, indent, "  ", Quoted(key), ": ", value, "\n");
  }
}

// Writes `message`'s fields at `indent`. The first line gets `first_prefix`
// instead of the indent, which is how a list entry's "- " is placed.
void WriteMessage(const Message& message, const std::string& indent,
                  const std::string& first_prefix, std::string* out) {
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  const google::protobuf::Descriptor& type = *message.GetDescriptor();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    *out += i == 0 ? first_prefix : indent;
    if (field.is_map()) {
      WriteMap(message, field, indent, out);
    } else if (field.is_repeated()) {
      const int size = reflection.FieldSize(message, &field);
      absl::StrAppend(out, field.name(), size == 0 ? ": []" : ":", Comment(field), "\n");
      for (int j = 0; j < size; ++j) {
        WriteMessage(reflection.GetRepeatedMessage(message, &field, j), indent + "    ",
                     indent + "  - ", out);
      }
    } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      absl::StrAppend(out, field.name(), ":\n");
      WriteMessage(reflection.GetMessage(message, &field), indent + "  ", indent + "  ", out);
    } else {
      absl::StrAppend(out, field.name(), ": ", ValueText(message, field), Comment(field), "\n");
    }
  }
}

}  // namespace

std::string ToYaml(const v1::SluiceConfig& config) {
  std::string out =
      "# The effective Sluice configuration (sluice.config.v1). After each field: its\n"
      "# unit, and whether a reload applies a change (live) or it takes a restart.\n";
  WriteMessage(config, "", "", &out);
  return out;
}

}  // namespace sluice::config
