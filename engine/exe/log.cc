// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/exe/log.h"

#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sluice::server {
namespace {

std::atomic<LogLevel> current_level{LogLevel::kInfo};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kError:
      break;
  }
  return "ERROR";
}

}  // namespace

void SetLogLevel(LogLevel level) { current_level.store(level, std::memory_order_relaxed); }
LogLevel GetLogLevel() { return current_level.load(std::memory_order_relaxed); }

void Log(LogLevel level, std::string_view message) {
  if (level < GetLogLevel()) return;
  const std::string line = absl::StrCat(
      "sluiced: ", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), " ",
      LevelName(level), " ", absl::string_view(message.data(), message.size()), "\n");
  // One write(2), so lines from different threads never interleave.
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace sluice::server
