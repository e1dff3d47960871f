// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Validate: the per-field rules come from the schema's FieldSpec options; the
// rules that involve more than one field, or a field's shape, are written out
// here.

#include "engine/config/validate.h"

#include <algorithm>

#include <iterator>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/config/internal/address.h"
#include "engine/config/internal/scalar.h"
#include "engine/config/internal/schema.h"

namespace sluice::config {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr size_t kMaxNameBytes = 128;

void AddError(std::vector<FieldError>* errors, std::string path, std::string value,
              std::string reason) {
  errors->push_back({.path = std::move(path),
                     .value = std::move(value),
                     .reason = std::move(reason),
                     .source = ""});
}

double NumberOf(const Message& message, const FieldDescriptor& field) {
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_UINT32:
      return reflection.GetUInt32(message, &field);
    case FieldDescriptor::CPPTYPE_UINT64:
      return static_cast<double>(reflection.GetUInt64(message, &field));
    case FieldDescriptor::CPPTYPE_INT32:
      return reflection.GetInt32(message, &field);
    case FieldDescriptor::CPPTYPE_INT64:
      return static_cast<double>(reflection.GetInt64(message, &field));
    default:
      return reflection.GetDouble(message, &field);
  }
}

bool IsNumber(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return true;
    default:
      return false;
  }
}

std::string RangeReason(const v1::FieldSpec& spec) {
  using internal::FormatDouble;
  if (spec.has_min() && spec.has_max()) {
    return absl::StrCat("must be between ", FormatDouble(spec.min()), " and ",
                        FormatDouble(spec.max()));
  }
  if (spec.has_min()) return absl::StrCat("must be at least ", FormatDouble(spec.min()));
  return absl::StrCat("must be at most ", FormatDouble(spec.max()));
}

// The rules every field states in its FieldSpec, over `message` and what it
// contains.
void CheckFields(const Message& message, const std::string& prefix,
                 std::vector<FieldError>* errors) {
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  const google::protobuf::Descriptor& type = *message.GetDescriptor();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    const std::string path =
        prefix.empty() ? field.name() : absl::StrCat(prefix, ".", field.name());
    const v1::FieldSpec& spec = internal::SpecOf(field);
    if (field.is_map()) {
      for (int j = 0; j < reflection.FieldSize(message, &field); ++j) {
        const Message& entry = reflection.GetRepeatedMessage(message, &field, j);
        if (internal::ScalarText(entry, *entry.GetDescriptor()->map_key()).empty()) {
          AddError(errors, path, "", "a name must not be empty");
        }
      }
    } else if (field.is_repeated()) {
      for (int j = 0; j < reflection.FieldSize(message, &field); ++j) {
        CheckFields(reflection.GetRepeatedMessage(message, &field, j),
                    absl::StrCat(path, "[", j, "]"), errors);
      }
    } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      CheckFields(reflection.GetMessage(message, &field), path, errors);
    } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      const int number = reflection.GetEnumValue(message, &field);
      const google::protobuf::EnumValueDescriptor* value =
          field.enum_type()->FindValueByNumber(number);
      if (value == nullptr ||
          internal::FindEnumValue(*field.enum_type(), value->name()) == nullptr) {
        AddError(errors, path, internal::ScalarText(message, field),
                 absl::StrCat("must be one of ", internal::EnumChoices(*field.enum_type(), ", ")));
      }
    } else if (IsNumber(field) && (spec.has_min() || spec.has_max())) {
      // Written so that NaN, which no comparison holds for, is out of range.
      const double value = NumberOf(message, field);
      const bool in_range =
          (!spec.has_min() || value >= spec.min()) && (!spec.has_max() || value <= spec.max());
      if (!in_range)
        AddError(errors, path, internal::ScalarText(message, field), RangeReason(spec));
    } else if (spec.required() && field.cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
               reflection.GetString(message, &field).empty()) {
      AddError(errors, path, "", "is required");
    }
  }
}

// One listener's address, when it is set and valid.
std::optional<internal::HostPort> CheckAddress(const std::string& path, const std::string& text,
                                               std::vector<FieldError>* errors) {
  if (text.empty()) return std::nullopt;  // "is required" comes from CheckFields.
  internal::HostPort address;
  if (std::string reason = internal::ParseHostPort(text, &address); !reason.empty()) {
    AddError(errors, path, text, std::move(reason));
    return std::nullopt;
  }
  return address;
}

void CheckListeners(const v1::Listeners& listeners, std::vector<FieldError>* errors) {
  const std::pair<std::string, std::optional<internal::HostPort>> addresses[] = {
      {"listeners.grpc_address",
       CheckAddress("listeners.grpc_address", listeners.grpc_address(), errors)},
      {"listeners.metrics_address",
       CheckAddress("listeners.metrics_address", listeners.metrics_address(), errors)},
      {"listeners.admin_address",
       CheckAddress("listeners.admin_address", listeners.admin_address(), errors)},
  };
  const auto& admin = addresses[2].second;
  if (admin.has_value() && !listeners.admin_allow_remote() &&
      !internal::IsLoopbackHost(admin->host)) {
    AddError(errors, "listeners.admin_address", listeners.admin_address(),
             "must be a loopback address (127.0.0.1, [::1] or localhost) unless "
             "listeners.admin_allow_remote is true: the admin service has no authentication");
  }
  // Two listeners cannot share a port on the same interface; port 0 picks a
  // free port each, so it never clashes.
  for (size_t later = 1; later < std::size(addresses); ++later) {
    for (size_t earlier = 0; earlier < later; ++earlier) {
      const auto& a = addresses[earlier].second;
      const auto& b = addresses[later].second;
      if (!a.has_value() || !b.has_value() || a->port == 0 || a->port != b->port) continue;
      const bool same_interface =
          a->host == b->host || internal::IsWildcardHost(a->host) ||
          internal::IsWildcardHost(b->host) ||
          (internal::IsLoopbackHost(a->host) && internal::IsLoopbackHost(b->host));
      if (!same_interface) continue;
      AddError(errors, addresses[later].first, absl::StrCat(b->host, ":", b->port),
               absl::StrCat("uses the same port as ", addresses[earlier].first));
    }
  }
}

bool IsModelName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

void CheckModels(const v1::SluiceConfig& config, const std::set<std::string>& known_kinds,
                 std::vector<FieldError>* errors) {
  std::map<std::pair<std::string, std::string>, int> first_index;
  for (int i = 0; i < config.models_size(); ++i) {
    const v1::ModelConfig& model = config.models(i);
    const std::string path = absl::StrCat("models[", i, "]");
    // Empty ones are reported as "is required" by CheckFields.
    if (!model.name().empty() && !IsModelName(model.name())) {
      AddError(errors, path + ".name", model.name(),
               "must be 1 to 128 characters of [A-Za-z0-9_.-]");
    }
    if (!model.version().empty() && !IsModelName(model.version())) {
      AddError(errors, path + ".version", model.version(),
               "must be 1 to 128 characters of [A-Za-z0-9_.-]");
    }
    if (!model.kind().empty() && !known_kinds.empty() && !known_kinds.contains(model.kind())) {
      AddError(errors, path + ".kind", model.kind(),
               absl::StrCat("unknown model kind; the known kinds are ",
                            absl::StrJoin(known_kinds, ", ")));
    }
    const auto [found, inserted] = first_index.emplace(std::pair(model.name(), model.version()), i);
    if (!inserted && !model.name().empty()) {
      AddError(errors, path + ".name", model.name(),
               absl::StrCat("duplicate model: models[", found->second,
                            "] has the same name and version (", model.version(), ")"));
    }
    if (model.execution() == v1::EXECUTION_INLINE && model.worker_threads() != 0) {
      AddError(errors, path + ".worker_threads", absl::StrCat(model.worker_threads()),
               "must be 0 when execution is inline: an inline model runs on the stream pool");
    }
  }
}

}  // namespace

std::vector<FieldError> Validate(const v1::SluiceConfig& config,
                                 const std::set<std::string>& known_model_kinds) {
  std::vector<FieldError> errors;
  CheckFields(config, "", &errors);
  CheckListeners(config.listeners(), &errors);

  const v1::Streams& streams = config.streams();
  if (streams.max_message_bytes() != 0 &&
      streams.max_message_bytes() < streams.max_payload_bytes()) {
    AddError(&errors, "streams.max_message_bytes", absl::StrCat(streams.max_message_bytes()),
             absl::StrCat("must be 0 or at least streams.max_payload_bytes (",
                          streams.max_payload_bytes(), ")"));
  }
  const v1::Deadlines& deadlines = config.deadlines();
  if (deadlines.default_seconds() > 0 && deadlines.max_seconds() > 0 &&
      deadlines.default_seconds() > deadlines.max_seconds()) {
    AddError(&errors, "deadlines.default_seconds",
             internal::FormatDouble(deadlines.default_seconds()),
             absl::StrCat("must not exceed deadlines.max_seconds (",
                          internal::FormatDouble(deadlines.max_seconds()), ")"));
  }
  const std::string& tenant_key = config.limits().tenant_metadata_key();
  if (!tenant_key.empty()) {
    const bool legal = std::all_of(tenant_key.begin(), tenant_key.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
    if (!legal || absl::StartsWith(tenant_key, "grpc-") || absl::EndsWith(tenant_key, "-bin")) {
      AddError(&errors, "limits.tenant_metadata_key", tenant_key,
               "must be a text metadata key: lowercase letters, digits, '-', '_' and '.', not "
               "starting with 'grpc-' nor ending in '-bin'");
    }
  }
  CheckModels(config, known_model_kinds, &errors);
  return errors;
}

}  // namespace sluice::config
