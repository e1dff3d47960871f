// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The end of a `sluice bench` run as the user reads it: a text table, or one JSON object (--json)
// with the same figures for scripts.

#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "tools/bench_options.h"
#include "tools/bench_recorder.h"

namespace sluice::cli {

// Everything the report shows. A value type, filled by the bench command after the run.
struct BenchReport {
  const BenchOptions* options = nullptr;
  BenchTotals totals;
  // From the end of the warm-up to the end of the last measured call.
  absl::Duration elapsed;
  double client_cpu_seconds = 0;
  std::optional<double> server_cpu_seconds;  // With --server-pid.
};

// The text table, several lines each ending in '\n'.
std::string FormatBenchText(const BenchReport& report);

// One JSON object and a newline. Durations are in microseconds, with the key suffix _us.
std::string FormatBenchJson(const BenchReport& report);

}  // namespace sluice::cli
