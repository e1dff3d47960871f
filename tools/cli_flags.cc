// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the `sluice` flag parser (see cli_flags.h).

#include "tools/cli_flags.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sluice::cli {
namespace {

const FlagSpec* FindSpec(absl::Span<const FlagSpec> specs, absl::string_view name) {
  auto it = std::find_if(specs.begin(), specs.end(),
                         [name](const FlagSpec& spec) { return spec.name == name; });
  return it == specs.end() ? nullptr : &*it;
}

}  // namespace

std::string ParsedFlags::ValueOr(absl::string_view name, absl::string_view fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return static_cast<std::string>(fallback);
  return it->second.back();
}

absl::Span<const std::string> ParsedFlags::Values(absl::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return it->second;
}

absl::StatusOr<ParsedFlags> ParseFlags(absl::Span<const FlagSpec> specs,
                                       absl::Span<const char* const> args) {
  ParsedFlags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--") {
      flags.positional_.insert(flags.positional_.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (arg == "-h") arg = "--help";
    // A lone "-" conventionally means stdin, so it is an argument, not a flag.
    if (arg.size() < 2 || arg[0] != '-') {
      flags.positional_.emplace_back(arg);
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag '", arg, "'"));
    }
    absl::string_view body = arg.substr(2);
    absl::string_view name = body;
    absl::string_view inline_value;
    bool has_inline_value = false;
    if (size_t eq = body.find('='); eq != absl::string_view::npos) {
      name = body.substr(0, eq);
      inline_value = body.substr(eq + 1);
      has_inline_value = true;
    }
    const FlagSpec* spec = FindSpec(specs, name);
    if (spec == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag '--", name, "'"));
    }
    std::vector<std::string>& values = flags.values_[static_cast<std::string>(name)];
    if (spec->kind == FlagKind::kSwitch) {
      if (has_inline_value) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
      }
      values.emplace_back();
      continue;
    }
    if (spec->kind == FlagKind::kValue && !values.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " given more than once"));
    }
    if (has_inline_value) {
      values.emplace_back(inline_value);
      continue;
    }
    if (i + 1 == args.size()) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
    }
    absl::string_view next = args[i + 1];
    if (absl::StartsWith(next, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value (got '", next,
                                                     "'; write --", name, "=", next,
                                                     " if that is the value)"));
    }
    values.emplace_back(next);
    ++i;
  }
  return flags;
}

}  // namespace sluice::cli
