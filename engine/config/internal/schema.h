// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// What the config library reads from the schema's descriptors: each field's
// FieldSpec option, field lookup by the names a file may use, enum value names
// as files write them, and type names for messages and docs.

#pragma once

#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "absl/strings/string_view.h"
#include "sluice/config/v1/field_spec.pb.h"

namespace sluice::config::internal {

/// The field's (sluice.config.v1.field) option; an empty spec when it has none.
/// Thread-safe.
const v1::FieldSpec& SpecOf(const google::protobuf::FieldDescriptor& field);

/// True for a singular field holding a number, bool, string or enum.
bool IsScalar(const google::protobuf::FieldDescriptor& field);

/// The field of `type` that a document, variable or path calls `key`: its
/// proto name (credits_per_stream) or its JSON name (creditsPerStream). Null
/// when there is none.
const google::protobuf::FieldDescriptor* FindFieldByKey(const google::protobuf::Descriptor& type,
                                                        absl::string_view key);

/// "unknown field", plus the nearest field name as a hint when one is close
/// (a typo) or the list of fields of `type` when none is.
std::string UnknownFieldReason(const google::protobuf::Descriptor& type, absl::string_view key);

/// An enum value as files write it: LOG_LEVEL_WARNING -> "warning" (the value
/// name without the enum's own prefix, lower case).
std::string EnumValueText(const google::protobuf::EnumValueDescriptor& value);

/// The value `text` names, case-insensitively, as EnumValueText() or as the
/// full value name. Null when none does, or for the *_UNSPECIFIED value.
const google::protobuf::EnumValueDescriptor* FindEnumValue(
    const google::protobuf::EnumDescriptor& type, absl::string_view text);

/// The values a file may write, "debug, info, warning, error".
std::string EnumChoices(const google::protobuf::EnumDescriptor& type, absl::string_view separator);

/// The type as docs and errors name it: "uint32", "double", "string", "bool",
/// "enum: debug|info|warning|error", "list", "map<string, string>".
std::string TypeName(const google::protobuf::FieldDescriptor& field);

/// The environment variable for a scalar path: "streams.credits_per_stream" ->
/// "SLUICE_STREAMS_CREDITS_PER_STREAM".
std::string EnvironmentName(absl::string_view path);

/// Sets every scalar field of `message`, and of its singular sections, to its
/// FieldSpec default_text, and empties its lists and maps. Returns the fields
/// whose default_text does not parse (a schema bug; tests check it is empty).
std::string FillFieldDefaults(google::protobuf::Message& message);

}  // namespace sluice::config::internal
