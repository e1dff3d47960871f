// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// sluiced's log: one line per event on stderr, filtered by a level that a
// config reload may change while the server runs.

#pragma once

#include <string_view>

namespace sluice::server {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

/// Thread-safe; takes effect for the next message.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

/// Writes "sluiced: <time> <LEVEL> <message>" to stderr when `level` is at
/// least the current level. Thread-safe (one write per line).
void Log(LogLevel level, std::string_view message);

}  // namespace sluice::server
