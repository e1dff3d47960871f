// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The configuration sources, each a sparse overlay: it changes only the fields
// it mentions and leaves the rest as they were. Load() applies them in order
// (file < environment < overrides); each may also be used on its own.
//
// None of them stops at the first problem or throws: every problem is
// appended to `errors` and the valid parts are still applied. Ranges and
// cross-field rules are Validate()'s job, on the final result.

#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/config/field_error.h"
#include "sluice/config/v1/config.pb.h"

namespace sluice::config {

/// Name and value pairs, as in the process environment.
using Environment = std::vector<std::pair<std::string, std::string>>;

/// Applies a YAML or JSON document (JSON is YAML's flow style) to `config`.
/// Keys are proto names (credits_per_stream) or JSON names (creditsPerStream).
/// A `models` list replaces the whole list; each entry starts from
/// DefaultModel(). Unknown keys, wrong types (a list for a section, a quoted
/// string for a number, a negative number for an unsigned field, ...), a key
/// given twice and syntax errors (one error, with line and column) are
/// reported with `source_name` and the line. Thread-safe.
void ApplyDocument(std::string_view text, std::string_view source_name, v1::SluiceConfig* config,
                   std::vector<FieldError>* errors);

/// Applies the SLUICE_<PATH> variables of `environment`: PATH is a scalar
/// field's path upper-cased with '.' replaced by '_', e.g.
/// SLUICE_STREAMS_CREDITS_PER_STREAM or SLUICE_LOG_LEVEL. Lists and maps
/// cannot be set this way. Any other SLUICE_ variable is an error, except
/// those IgnoredEnvironmentVariables() names; variables not starting with
/// SLUICE_ are ignored. Thread-safe.
void ApplyEnvironment(const Environment& environment, v1::SluiceConfig* config,
                      std::vector<FieldError>* errors);

/// SLUICE_ variables that belong to the project's other programs (the
/// clients' SLUICE_PROTO_DIR, the tests' SLUICE_PYTHON): not configuration,
/// never an error. Thread-safe.
std::vector<std::string> IgnoredEnvironmentVariables();

/// Sets `path` to `value` (a command-line --set PATH=VALUE, or a classic flag
/// mapped by ClassicFlagPaths()). `path` is dotted field names; a list entry
/// is picked by index, `models[2]`, or by a field's value, `models[name=tokens]`
/// (every entry that matches); the key after a map field is the map key,
/// `models[name=tokens].parameters.max_tokens`. A scalar takes `value` as
/// plain text (no quotes needed; empty is the empty string). A section, a
/// list entry, a list or a map takes `value` as a YAML/JSON document, e.g.
/// `keepalive={time_seconds: 60}`. `source` names the flag in errors.
/// Thread-safe.
void ApplyOverride(std::string_view path, std::string_view value, std::string_view source,
                   v1::SluiceConfig* config, std::vector<FieldError>* errors);

/// The process environment (`environ`). Not safe against a concurrent
/// setenv(); call it from main() before starting threads.
Environment ProcessEnvironment();

}  // namespace sluice::config
