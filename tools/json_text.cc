// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the JSON quoting and flat-object parsing `sluice` uses (see json_text.h).

#include "tools/json_text.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sluice::cli {
namespace {

// Appends code point `cp` (at most U+10FFFF, not a surrogate) as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A recursive-descent reader over one line. Positions in errors are 1-based columns.
class FlatObjectParser {
 public:
  explicit FlatObjectParser(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<JsonField>> Parse() {
    std::vector<JsonField> fields;
    SkipSpace();
    if (!Consume('{')) return Error("expected a JSON object starting with '{'");
    SkipSpace();
    if (!Consume('}')) {
      while (true) {
        JsonField field;
        SkipSpace();
        if (Peek() != '"') return Error("expected a quoted key");
        const size_t key_pos = pos_;
        if (absl::Status status = ParseString(&field.key); !status.ok()) return status;
        for (const JsonField& earlier : fields) {
          if (earlier.key == field.key) {
            return ErrorAt(key_pos, absl::StrCat("key \"", field.key, "\" appears twice"));
          }
        }
        SkipSpace();
        if (!Consume(':')) return Error("expected ':' after a key");
        SkipSpace();
        if (absl::Status status = ParseValue(&field); !status.ok()) return status;
        fields.push_back(std::move(field));
        SkipSpace();
        if (Consume(',')) continue;
        if (Consume('}')) break;
        return Error("expected ',' or '}'");
      }
    }
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the object");
    return fields;
  }

 private:
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool AtEnd() const { return pos_ >= text_.size(); }
  bool Consume(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  void SkipSpace() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r' ||
                        text_[pos_] == '\n')) {
      ++pos_;
    }
  }
  absl::Status ErrorAt(size_t pos, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("column ", pos + 1, ": ", what));
  }
  absl::Status Error(absl::string_view what) const { return ErrorAt(pos_, what); }

  absl::Status ParseValue(JsonField* field) {
    const char c = Peek();
    if (c == '"') {
      field->is_string = true;
      return ParseString(&field->value);
    }
    if (c == '{' || c == '[') {
      return Error(absl::StrCat("the value of \"", field->key,
                                "\" is an object or array; only strings and numbers are allowed"));
    }
    for (absl::string_view literal : {"true", "false", "null"}) {
      if (text_.substr(pos_, literal.size()) == literal) {
        field->value = std::string(literal);
        pos_ += literal.size();
        return absl::OkStatus();
      }
    }
    return ParseNumber(&field->value);
  }

  // JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  absl::Status ParseNumber(std::string* out) {
    const size_t start = pos_;
    auto digits = [&] {
      const size_t from = pos_;
      while (!AtEnd() && absl::ascii_isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      return pos_ - from;
    };
    Consume('-');
    if (Consume('0')) {
      // A leading zero stands alone.
    } else if (digits() == 0) {
      return ErrorAt(start, "expected a value (string, number, true, false or null)");
    }
    if (Consume('.') && digits() == 0) return Error("expected a digit after '.'");
    if (Consume('e') || Consume('E')) {
      if (!Consume('+')) Consume('-');
      if (digits() == 0) return Error("expected a digit in the exponent");
    }
    *out = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::StatusOr<uint32_t> ParseHex4() {
    if (text_.size() - pos_ < 4) return Error("incomplete \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_];
      uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return Error("bad hex digit in a \\u escape");
      }
      value = value * 16 + digit;
      ++pos_;
    }
    return value;
  }

  absl::Status ParseString(std::string* out) {
    ++pos_;  // The opening quote.
    const size_t start = pos_;
    out->clear();
    while (true) {
      if (AtEnd()) return ErrorAt(start - 1, "unterminated string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        break;
      }
      if (static_cast<unsigned char>(c) < 0x20) return Error("control character in a string");
      if (c != '\\') {
        out->push_back(c);
        ++pos_;
        continue;
      }
      ++pos_;
      const char escape = Peek();
      ++pos_;
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out->push_back(escape);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          absl::StatusOr<uint32_t> cp = ParseHex4();
          if (!cp.ok()) return cp.status();
          if (*cp >= 0xD800 && *cp < 0xDC00) {
            // A high surrogate must be followed by an escaped low one.
            if (!Consume('\\') || !Consume('u')) return Error("unpaired surrogate in a \\u escape");
            absl::StatusOr<uint32_t> low = ParseHex4();
            if (!low.ok()) return low.status();
            if (*low < 0xDC00 || *low >= 0xE000) return Error("unpaired surrogate in a \\u escape");
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
          } else if (*cp >= 0xDC00 && *cp < 0xE000) {
            return Error("unpaired surrogate in a \\u escape");
          }
          AppendUtf8(*cp, out);
          break;
        }
        default:
          return ErrorAt(pos_ - 2, "bad escape in a string");
      }
    }
    if (!IsValidUtf8(*out)) return ErrorAt(start - 1, "string is not valid UTF-8");
    return absl::OkStatus();
  }

  const absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool IsValidUtf8(absl::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    size_t length = 0;
    uint32_t cp = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      cp = lead & 0x07;
    } else {
      return false;
    }
    if (bytes.size() - i < length) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) return false;
    i += length;
  }
  return true;
}

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

absl::StatusOr<std::vector<JsonField>> ParseFlatJsonObject(absl::string_view line) {
  return FlatObjectParser(line).Parse();
}

}  // namespace sluice::cli
