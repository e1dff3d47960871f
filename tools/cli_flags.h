// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// A tiny command-line flag parser for the `sluice` tool: `--name value`, `--name=value`, boolean
// switches and repeatable flags, with errors returned as absl::Status rather than thrown.

#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

enum class FlagKind {
  kValue,     // `--name V` or `--name=V`, at most once.
  kRepeated,  // `--name V`, any number of times, in order.
  kSwitch,    // `--name`, no value.
};

struct FlagSpec {
  absl::string_view name;  // Without the leading "--".
  FlagKind kind;
};

// The flags found on one command line. A value type owned by the caller; not synchronised,
// used from the main thread only.
class ParsedFlags {
 public:
  bool Has(absl::string_view name) const { return values_.find(name) != values_.end(); }
  // The value of a kValue flag, or `fallback` if the flag was not given.
  std::string ValueOr(absl::string_view name, absl::string_view fallback) const;
  // Every value of a kRepeated flag, in command-line order (empty if not given).
  absl::Span<const std::string> Values(absl::string_view name) const;
  // Arguments that are not flags, plus everything after a bare "--".
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend absl::StatusOr<ParsedFlags> ParseFlags(absl::Span<const FlagSpec> specs,
                                                absl::Span<const char* const> args);

  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::vector<std::string> positional_;
};

// Parses `args` against `specs`. `-h` is accepted as an alias of a spec named "help". Returns
// InvalidArgumentError naming the offending argument for unknown flags, missing values, values
// given to switches and single-use flags given twice. A separate value that itself starts with
// "--" is rejected (write `--name=--value`), so a forgotten value does not swallow the next flag.
absl::StatusOr<ParsedFlags> ParseFlags(absl::Span<const FlagSpec> specs,
                                       absl::Span<const char* const> args);

}  // namespace sluice::cli
