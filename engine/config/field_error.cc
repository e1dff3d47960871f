// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/field_error.h"

#include <cstdio>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "engine/config/internal/scalar.h"

namespace sluice::config {
namespace {

constexpr size_t kMaxValueBytes = 100;

std::string QuotedValue(absl::string_view value) {
  if (value.size() <= kMaxValueBytes) return absl::StrCat("\"", internal::EscapeOneLine(value, true), "\"");
  size_t cut = kMaxValueBytes;
  // Do not cut inside a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat("\"", internal::EscapeOneLine(value.substr(0, cut), true), "\"...");
}

}  // namespace

std::string FormatErrors(const std::vector<FieldError>& errors) {
  std::string out;
  for (const FieldError& error : errors) {
    if (!out.empty()) out += '\n';
    if (!error.source.empty()) absl::StrAppend(&out, internal::EscapeOneLine(error.source, false), ": ");
    if (!error.path.empty()) absl::StrAppend(&out, internal::EscapeOneLine(error.path, false), ": ");
    out += internal::EscapeOneLine(error.reason, false);
    if (!error.value.empty()) absl::StrAppend(&out, " (got ", QuotedValue(error.value), ")");
  }
  return out;
}

}  // namespace sluice::config
