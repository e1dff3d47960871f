// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ApplyOverride: one PATH=VALUE onto a config (--set, the classic flags and,
// through ApplyEnvironment, SLUICE_* variables).

#include "engine/config/sources.h"

#include <algorithm>
#include <exception>
#include <optional>

#include <yaml-cpp/yaml.h>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/config/internal/scalar.h"
#include "engine/config/internal/schema.h"
#include "engine/config/internal/yaml_apply.h"

namespace sluice::config {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

struct OverrideContext {
  absl::string_view value;
  absl::string_view source;
  std::vector<FieldError>* errors;
};

void AddError(std::string path, std::string reason, const OverrideContext& context) {
  context.errors->push_back({.path = std::move(path),
                             .value = std::string(context.value),
                             .reason = std::move(reason),
                             .source = std::string(context.source)});
}

std::string Join(const std::string& path, absl::string_view name) {
  return path.empty() ? std::string(name) : absl::StrCat(path, ".", name);
}

// Applies the override's value, read as YAML, to a whole section, list entry,
// list or map.
void ApplyYamlValue(Message& message, const FieldDescriptor* field, const std::string& path,
                    const OverrideContext& context) {
  YAML::Node node;
  try {
    node = YAML::Load(std::string(context.value));
  } catch (const YAML::ParserException& e) {
    AddError(path, absl::StrCat("YAML syntax error: ", e.msg), context);
    return;
  }
  const internal::YamlContext yaml{
      .source = context.source, .with_lines = false, .errors = context.errors};
  if (field == nullptr) {
    if (!node.IsMap()) {
      AddError(path, "expected a map of fields, e.g. {credits_per_stream: 4}", context);
      return;
    }
    internal::ApplyYamlMap(node, message, path, yaml);
  } else {
    internal::ApplyYamlField(node, message, *field, path, yaml);
  }
}

// The indices of the entries of list `field` that `selector` ("2" or
// "name=tokens") picks; empty after reporting an error.
std::vector<int> SelectEntries(const Message& message, const FieldDescriptor& field,
                               absl::string_view selector, const std::string& path,
                               const OverrideContext& context) {
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  const int size = reflection.FieldSize(message, &field);
  std::vector<int> selected;
  if (const size_t equals = selector.find('='); equals != absl::string_view::npos) {
    const absl::string_view key = selector.substr(0, equals);
    const absl::string_view wanted = selector.substr(equals + 1);
    const FieldDescriptor* key_field = internal::FindFieldByKey(*field.message_type(), key);
    if (key_field == nullptr || !internal::IsScalar(*key_field)) {
      AddError(absl::StrCat(path, "[", selector, "]"),
               absl::StrCat("cannot pick entries by '", key, "': not a field of an entry"),
               context);
      return {};
    }
    for (int i = 0; i < size; ++i) {
      if (internal::ScalarText(reflection.GetRepeatedMessage(message, &field, i), *key_field) ==
          wanted) {
        selected.push_back(i);
      }
    }
    if (selected.empty()) {
      AddError(absl::StrCat(path, "[", selector, "]"),
               absl::StrCat("no entry of ", path, " has ", key_field->name(), " ", wanted),
               context);
    }
    return selected;
  }
  int index = 0;
  if (selector.empty() || !absl::c_all_of(selector, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(selector, &index)) {
    AddError(absl::StrCat(path, "[", selector, "]"),
             "expected [INDEX] or [FIELD=VALUE], e.g. [0] or [name=tokens]", context);
    return {};
  }
  if (index >= size) {
    AddError(absl::StrCat(path, "[", selector, "]"),
             absl::StrCat("no such entry: the list has ", size), context);
    return {};
  }
  return {index};
}

// Applies the override to the field `rest` names within `message`, whose own
// path is `prefix`.
void ApplyAt(Message& message, absl::string_view rest, const std::string& prefix,
             const OverrideContext& context) {
  const size_t name_end = std::min(rest.find('.'), rest.find('['));
  const absl::string_view name = rest.substr(0, name_end);
  absl::string_view after = name_end == absl::string_view::npos ? "" : rest.substr(name_end);
  const FieldDescriptor* field = internal::FindFieldByKey(*message.GetDescriptor(), name);
  if (field == nullptr) {
    AddError(Join(prefix, name),
             name.empty() ? "expected a field name"
                          : internal::UnknownFieldReason(*message.GetDescriptor(), name),
             context);
    return;
  }
  const std::string path = Join(prefix, field->name());
  std::optional<absl::string_view> selector;
  if (!after.empty() && after.front() == '[') {
    const size_t close = after.find(']');
    if (close == absl::string_view::npos) {
      AddError(std::string(rest), "unclosed [", context);
      return;
    }
    selector = after.substr(1, close - 1);
    after.remove_prefix(close + 1);
  }
  if (!after.empty() && after.front() != '.') {
    AddError(std::string(rest), "expected '.' after ']'", context);
    return;
  }
  const bool last = after.empty();
  const absl::string_view remainder = last ? "" : after.substr(1);
  const bool is_list = field->is_repeated() && !field->is_map();
  if (selector.has_value() && !is_list) {
    AddError(path, "only a list takes [INDEX] or [FIELD=VALUE]", context);
    return;
  }

  if (field->is_map()) {
    if (last) return ApplyYamlValue(message, field, path, context);
    if (remainder.empty()) return AddError(path + ".", "expected a key after the '.'", context);
    // Everything after the map's name is the key, dots included.
    std::string reason = internal::SetMapEntry(message, *field, std::string(remainder),
                                               context.value, internal::TextStyle::kPlain);
    if (!reason.empty()) AddError(Join(path, remainder), std::move(reason), context);
  } else if (is_list) {
    if (!selector.has_value()) {
      if (last) return ApplyYamlValue(message, field, path, context);
      return AddError(
          path,
          absl::StrCat("is a list: pick an entry, e.g. ", path, "[0] or ", path, "[name=tokens]"),
          context);
    }
    for (int index : SelectEntries(message, *field, *selector, path, context)) {
      Message& entry = *message.GetReflection()->MutableRepeatedMessage(&message, field, index);
      const std::string entry_path = absl::StrCat(path, "[", index, "]");
      if (last) {
        ApplyYamlValue(entry, nullptr, entry_path, context);
      } else {
        ApplyAt(entry, remainder, entry_path, context);
      }
    }
  } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    Message& section = *message.GetReflection()->MutableMessage(&message, field);
    if (last) return ApplyYamlValue(section, nullptr, path, context);
    ApplyAt(section, remainder, path, context);
  } else {
    if (!last) {
      return AddError(absl::StrCat(path, ".", remainder),
                      absl::StrCat(path, " is a single value, not a section"), context);
    }
    std::string reason =
        internal::SetScalar(message, *field, context.value, internal::TextStyle::kPlain);
    if (!reason.empty()) AddError(path, std::move(reason), context);
  }
}

}  // namespace

void ApplyOverride(std::string_view path_in, std::string_view value, std::string_view source,
                   v1::SluiceConfig* config, std::vector<FieldError>* errors) {
  const absl::string_view path(path_in.data(), path_in.size());
  const OverrideContext context{.value = absl::string_view(value.data(), value.size()),
                                .source = absl::string_view(source.data(), source.size()),
                                .errors = errors};
  if (path.empty()) return AddError("(empty)", "expected a field path, e.g. log_level", context);
  // yaml-cpp (for section and list values) reports by exception; none may
  // leave the library.
  try {
    ApplyAt(*config, path, "", context);
  } catch (const std::exception& e) {
    AddError(std::string(path), absl::StrCat("cannot apply: ", e.what()), context);
  } catch (...) {
    AddError(std::string(path), "cannot apply", context);
  }
}

}  // namespace sluice::config
