// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/internal/schema.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "engine/config/internal/scalar.h"

namespace sluice::config::internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// "LogLevel" -> "LOG_LEVEL_": the prefix the style guide puts on enum values.
std::string EnumValuePrefix(const EnumDescriptor& type) {
  std::string prefix;
  for (char c : type.name()) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix += '_';
    prefix += absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  return prefix + "_";
}

bool IsUnspecified(const EnumValueDescriptor& value) {
  return absl::EndsWith(value.name(), "_UNSPECIFIED");
}

// Edit distance, for "did you mean": field names are short, so the quadratic
// table is nothing.
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t substitute =
          diagonal + (absl::ascii_tolower(static_cast<unsigned char>(a[i - 1])) ==
                              absl::ascii_tolower(static_cast<unsigned char>(b[j - 1]))
                          ? 0
                          : 1);
      row[j] = std::min({row[j - 1] + 1, above + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

const v1::FieldSpec& SpecOf(const FieldDescriptor& field) {
  return field.options().GetExtension(v1::field);
}

bool IsScalar(const FieldDescriptor& field) {
  return !field.is_repeated() && field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE;
}

const FieldDescriptor* FindFieldByKey(const Descriptor& type, absl::string_view key) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (field->name() == key || field->json_name() == key) return field;
  }
  return nullptr;
}

std::string UnknownFieldReason(const Descriptor& type, absl::string_view key) {
  const FieldDescriptor* nearest = nullptr;
  size_t best = 3;  // More than two edits away is not a typo of that name.
  std::vector<std::string> names;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    names.push_back(field->name());
    const size_t distance = EditDistance(key, field->name());
    if (distance < best) {
      best = distance;
      nearest = field;
    }
  }
  if (nearest != nullptr) return absl::StrCat("unknown field; did you mean ", nearest->name(), "?");
  return absl::StrCat("unknown field; the fields here are ", absl::StrJoin(names, ", "));
}

std::string EnumValueText(const EnumValueDescriptor& value) {
  absl::string_view name = value.name();
  const std::string prefix = EnumValuePrefix(*value.type());
  if (absl::StartsWith(name, prefix)) name.remove_prefix(prefix.size());
  return absl::AsciiStrToLower(name);
}

const EnumValueDescriptor* FindEnumValue(const EnumDescriptor& type, absl::string_view text) {
  for (int i = 0; i < type.value_count(); ++i) {
    const EnumValueDescriptor* value = type.value(i);
    if (IsUnspecified(*value)) continue;
    if (absl::EqualsIgnoreCase(text, EnumValueText(*value)) ||
        absl::EqualsIgnoreCase(text, value->name())) {
      return value;
    }
  }
  return nullptr;
}

std::string EnumChoices(const EnumDescriptor& type, absl::string_view separator) {
  std::vector<std::string> choices;
  for (int i = 0; i < type.value_count(); ++i) {
    if (!IsUnspecified(*type.value(i))) choices.push_back(EnumValueText(*type.value(i)));
  }
  return absl::StrJoin(choices, separator);
}

std::string TypeName(const FieldDescriptor& field) {
  if (field.is_map()) return "map<string, string>";
  if (field.is_repeated()) return "list";
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_ENUM:
      return absl::StrCat("enum: ", EnumChoices(*field.enum_type(), "|"));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return "section";
    default:
      return field.type_name();
  }
}

std::string EnvironmentName(absl::string_view path) {
  return absl::StrCat("SLUICE_", absl::AsciiStrToUpper(absl::StrReplaceAll(path, {{".", "_"}})));
}

std::string FillFieldDefaults(Message& message) {
  std::vector<std::string> problems;
  const Descriptor& type = *message.GetDescriptor();
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (field.is_repeated()) {
      reflection.ClearField(&message, &field);
    } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      std::string inner = FillFieldDefaults(*reflection.MutableMessage(&message, &field));
      if (!inner.empty()) problems.push_back(std::move(inner));
    } else {
      std::string reason =
          SetScalar(message, field, SpecOf(field).default_text(), TextStyle::kPlain);
      if (!reason.empty()) problems.push_back(absl::StrCat(field.full_name(), ": ", reason));
    }
  }
  return absl::StrJoin(problems, "; ");
}

}  // namespace sluice::config::internal
