// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "actors/utf8.h"

#include <cstdint>
#include <cstdio>

namespace sluice::actors {
namespace {

// Length of the valid UTF-8 sequence at text[i], or 0 when there is none
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t ValidSequenceAt(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint8_t low = 0x80;
  uint8_t high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // Overlong.
    if (lead == 0xED) high = 0x9F;  // Surrogates.
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // Overlong.
    if (lead == 0xF4) high = 0x8F;  // Above U+10FFFF.
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

std::string ToValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = ValidSequenceAt(text, i);
    if (length == 0) break;
    i += length;
  }
  if (i == text.size()) return std::string(text);  // The common case: no copy work.
  std::string out(text.substr(0, i));
  while (i < text.size()) {
    const size_t length = ValidSequenceAt(text, i);
    if (length == 0) {
      char escaped[5];
      std::snprintf(escaped, sizeof(escaped), "\\x%02X", static_cast<uint8_t>(text[i]));
      out += escaped;
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace sluice::actors
