// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// One problem with a configuration, and how a list of them is shown to an
// operator: every error at once, each naming where it came from, the field,
// the value and why it is wrong.

#pragma once

#include <string>
#include <vector>

namespace sluice::config {

/// One invalid field. A plain value; any thread.
struct FieldError {
  /// The field, e.g. "streams.credits_per_stream" or "models[2].name";
  /// "(document)" for a document that does not parse, an environment
  /// variable's name for an unknown SLUICE_ variable.
  std::string path;
  /// The offending value as written (empty when there is none).
  std::string value;
  /// Why it is wrong, e.g. "must be between 1 and 65536".
  std::string reason;
  /// Where the value came from: a file name (with ":LINE" when known),
  /// "$SLUICE_..." for a variable, the flag for an override; empty for
  /// Validate() called on its own.
  std::string source = {};
};

/// One line per error, in order: `<source>: <path>: <reason> (got "<value>")`.
/// The source is left out when empty and the value when empty; the value is
/// quoted, with control characters escaped and cut to 100 bytes, so each error
/// stays on one line. Thread-safe.
std::string FormatErrors(const std::vector<FieldError>& errors);

}  // namespace sluice::config
