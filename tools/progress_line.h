// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Progress on stderr for long commands (ingest, upload, download): a status line redrawn in place
// on a terminal, or a plain line at most once a second under --progress into a pipe or log; and
// the byte counts, rates and bars it shows.

#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sluice::cli {

// A status line on stderr. Measures time from its construction, so its elapsed() times the
// command's transfer too. Owned by a command; used from one thread.
class ProgressLine {
 public:
  // Shown when stderr is a terminal, or whenever `forced` (--progress).
  explicit ProgressLine(bool forced);

  bool enabled() const { return enabled_; }
  absl::Duration elapsed() const { return absl::Now() - start_; }

  // Redraws the line with `text()` if it is enabled and the last redraw is old enough (a tenth of
  // a second on a terminal, a second otherwise); `text` is not called otherwise.
  void Update(absl::FunctionRef<std::string()> text);

  // Ends the line: draws `text` once more if it is not empty, then a newline; nothing if the line
  // is disabled or (for an empty `text`) was never drawn. Call before printing anything else to
  // stderr, so messages start on a fresh line.
  void Finish(absl::string_view text = "");

 private:
  void Draw(absl::string_view text);

  const bool enabled_;
  const bool terminal_;
  const absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  bool drawn_ = false;
  // Length of the last line drawn on a terminal, to blank what a shorter one leaves over.
  size_t drawn_width_ = 0;
};

// Throughput in decimal megabytes per second, e.g. "123.4 MB/s".
std::string FormatThroughput(uint64_t bytes, absl::Duration elapsed);

// A count per second with one decimal, e.g. "4321.0/s".
std::string FormatRate(uint64_t count, absl::Duration elapsed);

// A transfer's progress: "[#######.............]  35%  23.5 / 67.1 MB  118.2 MB/s", or without a
// known total "23.5 MB  118.2 MB/s".
std::string FormatTransferProgress(uint64_t bytes, std::optional<uint64_t> total,
                                   absl::Duration elapsed);

// The last line of an upload or download, e.g. "downloaded 67108864 bytes in 64 chunks in 0.52 s
// (129.1 MB/s); sha256 <hex> verified".
std::string FormatTransferSummary(absl::string_view verb, uint64_t bytes, uint64_t chunks,
                                  absl::Duration elapsed, absl::string_view sha256);

}  // namespace sluice::cli
