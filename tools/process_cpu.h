// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// CPU time used so far by this process (getrusage) and by another process on the same machine
// (/proc/PID/stat), so that `sluice bench` can show what a load cost the client and the server.

#pragma once

#include <sys/types.h>

#include "absl/status/statusor.h"

namespace sluice::cli {

// User plus system CPU seconds of this process, all threads, so far. Thread-safe.
double OwnCpuSeconds();

// User plus system CPU seconds of process `pid` so far, from /proc/<pid>/stat; NotFoundError if
// there is no such process (or no /proc). Thread-safe.
absl::StatusOr<double> ProcessCpuSeconds(pid_t pid);

}  // namespace sluice::cli
