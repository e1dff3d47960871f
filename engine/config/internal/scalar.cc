// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/internal/scalar.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/config/internal/schema.h"

namespace sluice::config::internal {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsFiniteNumber(absl::string_view text) {
  double value = 0;
  return absl::SimpleAtod(text, &value) && std::isfinite(value);
}

// An integer of at most `max`, or why the text is not one. Accepts an optional
// '+' (YAML's core schema does); no hexadecimal, no '_' separators.
std::string ParseUnsigned(absl::string_view text, uint64_t max, absl::string_view type,
                          uint64_t* value) {
  absl::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (!digits.empty() && digits.front() == '-') {
    if (AllDigits(digits.substr(1)) || IsFiniteNumber(digits.substr(1))) {
      return absl::StrCat("must not be negative (", type, ")");
    }
    return "expected an unsigned integer";
  }
  if (!AllDigits(digits)) {
    if (IsFiniteNumber(digits)) return "expected a whole number";
    return "expected an unsigned integer";
  }
  if (!absl::SimpleAtoi(digits, value) || *value > max) {
    return absl::StrCat("out of range for ", type, " (at most ", max, ")");
  }
  return "";
}

std::string ParseSigned(absl::string_view text, int64_t min, int64_t max, absl::string_view type,
                        int64_t* value) {
  absl::string_view digits = text;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
  if (!AllDigits(digits)) {
    if (IsFiniteNumber(text)) return "expected a whole number";
    return "expected an integer";
  }
  if (!absl::SimpleAtoi(text, value) || *value < min || *value > max) {
    return absl::StrCat("out of range for ", type, " (", min, " to ", max, ")");
  }
  return "";
}

std::string ParseBool(absl::string_view text, bool* value) {
  for (absl::string_view yes : {"true", "yes", "on", "1"}) {
    if (absl::EqualsIgnoreCase(text, yes)) {
      *value = true;
      return "";
    }
  }
  for (absl::string_view no : {"false", "no", "off", "0"}) {
    if (absl::EqualsIgnoreCase(text, no)) {
      *value = false;
      return "";
    }
  }
  return "expected true or false";
}

std::string ParseDouble(absl::string_view text, double* value) {
  // SimpleAtod also reads "inf", "nan" and hexadecimal floats; none is a
  // sensible duration, so only plain decimal text is taken.
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+' &&
        c != 'e' && c != 'E') {
      return "expected a number";
    }
  }
  if (!absl::SimpleAtod(text, value)) return "expected a number";
  if (!std::isfinite(*value)) return "out of range for double";
  return "";
}

}  // namespace

std::string ExpectedValue(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return "a string";
    case FieldDescriptor::CPPTYPE_ENUM:
      return absl::StrCat("one of ", EnumChoices(*field.enum_type(), ", "));
    case FieldDescriptor::CPPTYPE_BOOL:
      return "true or false";
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return "a number";
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return "an unsigned integer";
    default:
      return "an integer";
  }
}

std::string SetScalar(Message& message, const FieldDescriptor& field, absl::string_view raw,
                      TextStyle style) {
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    reflection.SetString(&message, &field, std::string(raw));
    return "";
  }
  const absl::string_view text = absl::StripAsciiWhitespace(raw);
  const bool is_64_bit = field.cpp_type() == FieldDescriptor::CPPTYPE_UINT64 ||
                         field.cpp_type() == FieldDescriptor::CPPTYPE_INT64;
  if (style == TextStyle::kQuoted && field.cpp_type() != FieldDescriptor::CPPTYPE_ENUM &&
      !is_64_bit) {
    return absl::StrCat("expected ", ExpectedValue(field), ", not a quoted string");
  }
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool value = false;
      std::string reason = ParseBool(text, &value);
      if (reason.empty()) reflection.SetBool(&message, &field, value);
      return reason;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint64_t value = 0;
      std::string reason =
          ParseUnsigned(text, std::numeric_limits<uint32_t>::max(), "uint32", &value);
      if (reason.empty()) reflection.SetUInt32(&message, &field, static_cast<uint32_t>(value));
      return reason;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t value = 0;
      std::string reason =
          ParseUnsigned(text, std::numeric_limits<uint64_t>::max(), "uint64", &value);
      if (reason.empty()) reflection.SetUInt64(&message, &field, value);
      return reason;
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int64_t value = 0;
      std::string reason = ParseSigned(text, std::numeric_limits<int32_t>::min(),
                                       std::numeric_limits<int32_t>::max(), "int32", &value);
      if (reason.empty()) reflection.SetInt32(&message, &field, static_cast<int32_t>(value));
      return reason;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t value = 0;
      std::string reason = ParseSigned(text, std::numeric_limits<int64_t>::min(),
                                       std::numeric_limits<int64_t>::max(), "int64", &value);
      if (reason.empty()) reflection.SetInt64(&message, &field, value);
      return reason;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double value = 0;
      std::string reason = ParseDouble(text, &value);
      if (reason.empty()) reflection.SetDouble(&message, &field, value);
      return reason;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* value = FindEnumValue(*field.enum_type(), text);
      if (value == nullptr) return absl::StrCat("expected ", ExpectedValue(field));
      reflection.SetEnum(&message, &field, value);
      return "";
    }
    default:
      return absl::StrCat("the config library cannot set a field of type ", field.type_name());
  }
}

std::string SetMapEntry(Message& message, const FieldDescriptor& field, const std::string& key,
                        absl::string_view text, TextStyle style) {
  // Through the map's repeated-entry view, which reflection offers for any map
  // type; the key is looked up first so that it stays unique.
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  const FieldDescriptor& key_field = *field.message_type()->map_key();
  const FieldDescriptor& value_field = *field.message_type()->map_value();
  Message* entry = nullptr;
  for (int i = 0; i < reflection.FieldSize(message, &field); ++i) {
    Message* candidate = reflection.MutableRepeatedMessage(&message, &field, i);
    if (candidate->GetReflection()->GetString(*candidate, &key_field) == key) {
      entry = candidate;
      break;
    }
  }
  // Parse into a scratch entry first, so a bad value leaves the map unchanged.
  std::unique_ptr<Message> parsed(
      reflection.GetMessageFactory()->GetPrototype(field.message_type())->New());
  std::string reason = SetScalar(*parsed, value_field, text, style);
  if (!reason.empty()) return reason;
  if (entry == nullptr) {
    entry = reflection.AddMessage(&message, &field);
    entry->GetReflection()->SetString(entry, &key_field, key);
  }
  return SetScalar(*entry, value_field, text, style);
}

std::string ScalarText(const Message& message, const FieldDescriptor& field) {
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return reflection.GetString(message, &field);
    case FieldDescriptor::CPPTYPE_BOOL:
      return reflection.GetBool(message, &field) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(reflection.GetUInt32(message, &field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(reflection.GetUInt64(message, &field));
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(reflection.GetInt32(message, &field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(reflection.GetInt64(message, &field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return FormatDouble(reflection.GetDouble(message, &field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return FormatDouble(reflection.GetFloat(message, &field));
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = reflection.GetEnumValue(message, &field);
      const google::protobuf::EnumValueDescriptor* value =
          field.enum_type()->FindValueByNumber(number);
      return value != nullptr ? EnumValueText(*value) : absl::StrCat(number);
    }
    default:
      return "";
  }
}

std::string FormatDouble(double value) {
  char buffer[32];
  // Whole numbers in plain digits (86400, not %g's 8.64e+04): they are what
  // people write for seconds and sizes. 2^53 keeps the digits exact.
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    std::snprintf(buffer, sizeof(buffer), "%.0f", value);
    return buffer;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    double back = 0;
    if (absl::SimpleAtod(buffer, &back) && back == value) break;
  }
  return buffer;
}

std::string EscapeOneLine(absl::string_view text, bool quote) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", byte);
      out += escaped;
    } else if (quote && (c == '"' || c == '\\')) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace sluice::config::internal
