// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice bench`: a load generator for any of the four RPC kinds of sluice.v1.Inference, with
// concurrency, closed or open (--rate) loop, warm-up, and a latency and throughput report.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

inline constexpr absl::string_view kBenchSummary =
    "Load-test any RPC kind: throughput, latency percentiles, errors, CPU";

// Runs `sluice bench` with the arguments after the subcommand name and returns the exit code.
// Called once, from the main thread, which paces the run; the calls run on gRPC's threads.
int RunBenchCommand(absl::Span<const char* const> args);

}  // namespace sluice::cli
