// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The shape every `sluice` subcommand shares: a name, a one-line summary for the usage text and an
// entry point. sluice_main.cc keeps the table; each subcommand lives in its own <name>_command.*.

#pragma once

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace sluice::cli {

// Process exit codes shared by all subcommands, so scripts can tell a failed RPC from a typo.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRpcFailed = 1;
inline constexpr int kExitUsage = 2;

// One row of the subcommand table. A plain aggregate of constants with static storage: it is
// built at compile time and read only by main().
struct Command {
  absl::string_view name;
  // One line, shown by `sluice help`.
  absl::string_view summary;
  // Runs the subcommand. `args` are the arguments after the subcommand name; the return value
  // is the process exit code (one of the kExit* constants).
  int (*run)(absl::Span<const char* const> args);
};

}  // namespace sluice::cli
