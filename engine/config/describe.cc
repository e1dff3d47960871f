// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/describe.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "engine/config/internal/field_docs.h"
#include "engine/config/internal/schema.h"
#include "sluice/config/v1/config.pb.h"

namespace sluice::config {
namespace {

using google::protobuf::FieldDescriptor;

void Describe(const google::protobuf::Descriptor& type, const std::string& prefix, bool in_list,
              const std::map<std::string, std::string>& comments, std::vector<FieldInfo>* out) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    const std::string path = absl::StrCat(prefix, field.name());
    if (!field.is_repeated() && field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Describe(*field.message_type(), path + ".", in_list, comments, out);
      continue;
    }
    const v1::FieldSpec& spec = internal::SpecOf(field);
    FieldInfo info{.path = path,
                   .type = internal::TypeName(field),
                   .unit = spec.unit(),
                   .default_text = spec.default_text(),
                   .min = spec.has_min() ? std::optional<double>(spec.min()) : std::nullopt,
                   .max = spec.has_max() ? std::optional<double>(spec.max()) : std::nullopt,
                   .live = spec.live(),
                   .required = spec.required(),
                   .doc = "",
                   .environment_variable = ""};
    if (auto found = comments.find(field.full_name()); found != comments.end()) {
      info.doc = found->second;
    }
    if (!in_list && internal::IsScalar(field)) {
      info.environment_variable = internal::EnvironmentName(path);
    }
    out->push_back(std::move(info));
    if (field.is_repeated() && !field.is_map()) {
      Describe(*field.message_type(), path + "[].", true, comments, out);
    }
  }
}

}  // namespace

std::vector<FieldInfo> DescribeFields() {
  std::vector<FieldInfo> fields;
  Describe(*v1::SluiceConfig::descriptor(), "", false, internal::FieldComments(), &fields);
  return fields;
}

}  // namespace sluice::config
