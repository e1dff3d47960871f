// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/internal/field_docs.h"

#include <vector>

#include <google/protobuf/descriptor.pb.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace sluice::config::internal {
namespace {

using google::protobuf::DescriptorProto;

// Field numbers of FileDescriptorProto and DescriptorProto, as
// SourceCodeInfo paths use them (descriptor.proto).
constexpr int kFileMessageType = 4;
constexpr int kMessageField = 2;
constexpr int kMessageNestedType = 3;

// A comment's lines, trimmed, as one paragraph.
std::string Paragraph(const std::string& comment) {
  std::vector<std::string> words;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) words.emplace_back(line);
  }
  return absl::StrJoin(words, " ");
}

void AddMessage(const DescriptorProto& message, const std::string& scope, std::vector<int> path,
                const std::map<std::vector<int>, std::string>& comments,
                std::map<std::string, std::string>* out) {
  const std::string name = absl::StrCat(scope, ".", message.name());
  for (int i = 0; i < message.field_size(); ++i) {
    std::vector<int> field_path = path;
    field_path.insert(field_path.end(), {kMessageField, i});
    if (auto found = comments.find(field_path); found != comments.end()) {
      (*out)[absl::StrCat(name, ".", message.field(i).name())] = found->second;
    }
  }
  for (int i = 0; i < message.nested_type_size(); ++i) {
    std::vector<int> nested_path = path;
    nested_path.insert(nested_path.end(), {kMessageNestedType, i});
    AddMessage(message.nested_type(i), name, nested_path, comments, out);
  }
}

}  // namespace

std::map<std::string, std::string> FieldComments() {
  google::protobuf::FileDescriptorSet set;
  std::map<std::string, std::string> out;
  if (!set.ParseFromArray(kConfigDescriptorSet, static_cast<int>(kConfigDescriptorSetSize))) {
    return out;
  }
  for (const google::protobuf::FileDescriptorProto& file : set.file()) {
    std::map<std::vector<int>, std::string> comments;
    for (const auto& location : file.source_code_info().location()) {
      if (!location.leading_comments().empty()) {
        comments[std::vector<int>(location.path().begin(), location.path().end())] =
            Paragraph(location.leading_comments());
      }
    }
    for (int i = 0; i < file.message_type_size(); ++i) {
      AddMessage(file.message_type(i), file.package(), {kFileMessageType, i}, comments, &out);
    }
  }
  return out;
}

}  // namespace sluice::config::internal
