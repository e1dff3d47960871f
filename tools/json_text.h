// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The little JSON `sluice` needs, without a JSON library: quoting strings for --json output, and
// reading one flat object per line (`sluice ingest --format jsonl`) with every value kept as the
// exact text it was written with, so a reading's "21.50" is sent as 21.50.

#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sluice::cli {

// True if `bytes` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool IsValidUtf8(absl::string_view bytes);

// `text` as a JSON string literal, quotes included. `text` must be valid UTF-8; control characters,
// quotes and backslashes are escaped.
std::string JsonQuote(absl::string_view text);

// One member of a flat JSON object: its key, its value's text and whether that value was a JSON
// string (unescaped) rather than a number, true, false or null (as written, e.g. "2.50e1").
struct JsonField {
  std::string key;
  std::string value;
  bool is_string = false;
};

// Parses `line` as a JSON object whose values are all scalars (strings, numbers, true, false,
// null), in the order written. Returns InvalidArgumentError saying what is wrong and at which
// column (1-based) for anything else: nested objects or arrays, a duplicate key, bad escapes,
// malformed numbers, trailing text.
absl::StatusOr<std::vector<JsonField>> ParseFlatJsonObject(absl::string_view line);

}  // namespace sluice::cli
