// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/diff.h"

#include <google/protobuf/util/message_differencer.h>

#include "absl/strings/str_cat.h"
#include "engine/config/internal/scalar.h"
#include "engine/config/internal/schema.h"

namespace sluice::config {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

void DiffMessage(const Message& a, const Message& b, const std::string& prefix,
                 ConfigChange* change) {
  const google::protobuf::Descriptor& type = *a.GetDescriptor();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    const std::string path =
        prefix.empty() ? field.name() : absl::StrCat(prefix, ".", field.name());
    bool differs = false;
    if (field.is_repeated()) {
      // Lists and maps change as a whole (MessageDifferencer compares maps as
      // maps, whatever their order).
      MessageDifferencer differencer;
      differs = !differencer.CompareWithFields(a, b, {&field}, {&field});
    } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      DiffMessage(a.GetReflection()->GetMessage(a, &field),
                  b.GetReflection()->GetMessage(b, &field), path, change);
      continue;
    } else {
      differs = internal::ScalarText(a, field) != internal::ScalarText(b, field);
    }
    if (!differs) continue;
    (internal::SpecOf(field).live() ? change->live : change->restart).push_back(path);
  }
}

}  // namespace

ConfigChange Diff(const v1::SluiceConfig& running, const v1::SluiceConfig& next) {
  ConfigChange change;
  DiffMessage(running, next, "", &change);
  return change;
}

}  // namespace sluice::config
