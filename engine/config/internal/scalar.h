// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Reading and writing one scalar field as text: the one parser every source
// (documents, variables, --set, FieldSpec defaults) goes through, so they all
// accept the same spellings and report the same reasons.

#pragma once

#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "absl/strings/string_view.h"

namespace sluice::config::internal {

/// How the text was written. A quoted YAML/JSON scalar is a string, so it is
/// refused for bool and 32-bit numbers; 64-bit numbers accept it because
/// protobuf's JSON mapping writes them as strings.
enum class TextStyle { kPlain, kQuoted };

/// Sets singular scalar `field` of `message` from `text`. Returns "" on success,
/// otherwise why the text is not a value of the field's type ("expected an
/// unsigned integer", "must not be negative", ...). Ranges from FieldSpec are
/// not checked here but in Validate(), so that a later source may correct an
/// earlier one.
std::string SetScalar(google::protobuf::Message& message,
                      const google::protobuf::FieldDescriptor& field, absl::string_view text,
                      TextStyle style);

/// The field's value as SetScalar() reads it back: numbers in decimal (doubles
/// in the shortest form that round-trips), bools as true/false, enums as
/// EnumValueText(), strings as they are.
std::string ScalarText(const google::protobuf::Message& message,
                       const google::protobuf::FieldDescriptor& field);

/// What the field's type takes, for errors: "an unsigned integer", "a number",
/// "true or false", "a string", "one of debug, info, warning, error".
std::string ExpectedValue(const google::protobuf::FieldDescriptor& field);

/// Sets map<string, scalar> `field`'s entry `key` from `text` (as SetScalar()),
/// replacing an entry with that key. Returns "" or why `text` does not fit.
std::string SetMapEntry(google::protobuf::Message& message,
                        const google::protobuf::FieldDescriptor& field, const std::string& key,
                        absl::string_view text, TextStyle style);

/// `value` in the shortest decimal form that parses back to the same double.
std::string FormatDouble(double value);

/// `text` on one line: newline, tab and other control characters escaped
/// (\n, \t, \xNN); with `quote`, also quotes and backslashes (a YAML
/// double-quoted scalar's body). Bytes from 0x80 up pass through (UTF-8).
std::string EscapeOneLine(absl::string_view text, bool quote);

}  // namespace sluice::config::internal
