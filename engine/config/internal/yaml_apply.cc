// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/internal/yaml_apply.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "engine/config/internal/scalar.h"
#include "engine/config/internal/schema.h"

namespace sluice::config::internal {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::string Join(const std::string& path, absl::string_view name) {
  return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
}

std::string KindOf(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "null";
    default:
      return "a single value";
  }
}

void AddError(const YAML::Node& at, std::string path, std::string value, std::string reason,
              const YamlContext& context) {
  std::string source(context.source);
  // yaml-cpp counts lines from 0; editors count from 1.
  if (context.with_lines && at.Mark().line >= 0) absl::StrAppend(&source, ":", at.Mark().line + 1);
  context.errors->push_back({.path = std::move(path),
                             .value = std::move(value),
                             .reason = std::move(reason),
                             .source = std::move(source)});
}

// What `field` takes, for "expected ..., not ..." errors.
std::string Expected(const FieldDescriptor& field) {
  if (field.is_map()) return "a map of names to values";
  if (field.is_repeated()) return "a list";
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) return "a map of fields";
  return ExpectedValue(field);
}

// A quoted scalar has the non-specific tag "!", a plain one "?"; `!!str 8`
// is a string too.
TextStyle StyleOf(const YAML::Node& node) {
  return node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str" ? TextStyle::kQuoted
                                                                    : TextStyle::kPlain;
}

void ApplyYamlList(const YAML::Node& node, Message& message, const FieldDescriptor& field,
                   const std::string& path, const YamlContext& context) {
  if (!node.IsSequence()) {
    AddError(node, path, NodeText(node),
             absl::StrCat("expected ", Expected(field), ", not ", KindOf(node)), context);
    return;
  }
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  reflection.ClearField(&message, &field);
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    Message& element = *reflection.AddMessage(&message, &field);
    (void)FillFieldDefaults(element);
    if (!item.IsMap()) {
      AddError(item, item_path, NodeText(item),
               absl::StrCat("expected a map of fields, not ", KindOf(item)), context);
      continue;
    }
    ApplyYamlMap(item, element, item_path, context);
  }
}

void ApplyYamlDictionary(const YAML::Node& node, Message& message, const FieldDescriptor& field,
                         const std::string& path, const YamlContext& context) {
  if (!node.IsMap()) {
    AddError(node, path, NodeText(node),
             absl::StrCat("expected ", Expected(field), ", not ", KindOf(node)), context);
    return;
  }
  message.GetReflection()->ClearField(&message, &field);
  std::set<std::string> seen;
  // By value: yaml-cpp's iterator hands out a temporary proxy, so a reference
  // to it->first would dangle. Nodes are handles; copies are cheap.
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      AddError(key, path, NodeText(key), "a key must be a single value", context);
      continue;
    }
    const std::string entry_path = Join(path, key.Scalar());
    if (!seen.insert(key.Scalar()).second) {
      AddError(key, entry_path, NodeText(value), "given twice", context);
      continue;
    }
    const FieldDescriptor& value_field = *field.message_type()->map_value();
    if (!value.IsScalar()) {
      AddError(value, entry_path, NodeText(value),
               absl::StrCat("expected ", ExpectedValue(value_field), ", not ", KindOf(value)),
               context);
      continue;
    }
    // Model parameters are strings, but `max_tokens: 16` means "16": the
    // model parses it, so a plain number is taken as its text.
    std::string reason = SetMapEntry(message, field, key.Scalar(), value.Scalar(), StyleOf(value));
    if (!reason.empty()) AddError(value, entry_path, value.Scalar(), std::move(reason), context);
  }
}

void ApplyYamlScalar(const YAML::Node& node, Message& message, const FieldDescriptor& field,
                     const std::string& path, const YamlContext& context) {
  if (!node.IsScalar()) {
    AddError(node, path, NodeText(node),
             absl::StrCat("expected ", ExpectedValue(field), ", not ", KindOf(node)), context);
    return;
  }
  std::string reason = SetScalar(message, field, node.Scalar(), StyleOf(node));
  if (!reason.empty()) AddError(node, path, node.Scalar(), std::move(reason), context);
}

}  // namespace

void ApplyYamlMap(const YAML::Node& node, Message& message, const std::string& path,
                  const YamlContext& context) {
  if (node.IsNull()) return;  // A section whose fields are all commented out.
  if (!node.IsMap()) {
    AddError(node, path.empty() ? "(document)" : path, NodeText(node),
             absl::StrCat("expected a map of fields, not ", KindOf(node)), context);
    return;
  }
  std::set<int> seen;
  // By value: yaml-cpp's iterator hands out a temporary proxy, so a reference
  // to it->first would dangle. Nodes are handles; copies are cheap.
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      AddError(key, path.empty() ? "(document)" : path, NodeText(key), "a key must be a field name",
               context);
      continue;
    }
    const FieldDescriptor* field = FindFieldByKey(*message.GetDescriptor(), key.Scalar());
    if (field == nullptr) {
      AddError(key, Join(path, key.Scalar()), NodeText(value),
               UnknownFieldReason(*message.GetDescriptor(), key.Scalar()), context);
      continue;
    }
    const std::string field_path = Join(path, field->name());
    if (!seen.insert(field->number()).second) {
      AddError(key, field_path, NodeText(value), "given twice (by its proto or its JSON name)",
               context);
      continue;
    }
    // A null value's position is where the next line starts; the key's is
    // where the reader looks.
    if (value.IsNull() &&
        (field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE)) {
      std::string reason = absl::StrCat("expected ", Expected(*field), ", not null");
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        reason += " (write \"\" for an empty string)";
      }
      AddError(key, field_path, "", std::move(reason), context);
      continue;
    }
    ApplyYamlField(value, message, *field, field_path, context);
  }
}

void ApplyYamlField(const YAML::Node& node, Message& message, const FieldDescriptor& field,
                    const std::string& path, const YamlContext& context) {
  if (field.is_map()) {
    ApplyYamlDictionary(node, message, field, path, context);
  } else if (field.is_repeated() && field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    ApplyYamlList(node, message, field, path, context);
  } else if (field.is_repeated()) {
    // The schema has no list of plain values; refuse rather than guess.
    AddError(node, path, NodeText(node), "the config library cannot set a list of values", context);
  } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    ApplyYamlMap(node, *message.GetReflection()->MutableMessage(&message, &field), path, context);
  } else {
    ApplyYamlScalar(node, message, field, path, context);
  }
}

std::string NodeText(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  if (node.IsNull()) return "";
  // One line however the document wrote it: a flow collection's children
  // are flow too.
  YAML::Node copy = YAML::Clone(node);
  copy.SetStyle(YAML::EmitterStyle::Flow);
  YAML::Emitter out;
  out << copy;
  return out.good() ? std::string(out.c_str()) : std::string();
}

}  // namespace sluice::config::internal
