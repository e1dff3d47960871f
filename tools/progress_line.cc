// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the progress line and its formatting (see progress_line.h).

#include "tools/progress_line.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_format.h"

namespace sluice::cli {
namespace {

constexpr double kMegabyte = 1e6;
constexpr int kBarWidth = 20;

double Seconds(absl::Duration elapsed) {
  // A transfer that took no measurable time still gets a finite rate.
  return std::max(absl::ToDoubleSeconds(elapsed), 1e-6);
}

}  // namespace

ProgressLine::ProgressLine(bool forced)
    : enabled_(forced || isatty(STDERR_FILENO) == 1),
      terminal_(isatty(STDERR_FILENO) == 1),
      start_(absl::Now()) {}

void ProgressLine::Update(absl::FunctionRef<std::string()> text) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (now - last_draw_ < (terminal_ ? absl::Milliseconds(100) : absl::Seconds(1))) return;
  last_draw_ = now;
  Draw(text());
}

void ProgressLine::Draw(absl::string_view text) {
  drawn_ = true;
  if (!terminal_) {
    absl::FPrintF(stderr, "%s\n", text);
    return;
  }
  // Blank the rest of a longer previous line.
  const size_t pad = drawn_width_ > text.size() ? drawn_width_ - text.size() : 0;
  absl::FPrintF(stderr, "\r%s%*s", text, static_cast<int>(pad), "");
  if (pad > 0) absl::FPrintF(stderr, "\r%s", text);
  drawn_width_ = text.size();
  std::fflush(stderr);
}

void ProgressLine::Finish(absl::string_view text) {
  if (!enabled_) return;
  if (!text.empty()) {
    Draw(text);
  } else if (!drawn_) {
    return;
  }
  if (terminal_) std::fputs("\n", stderr);
  drawn_ = false;
  drawn_width_ = 0;
}

std::string FormatThroughput(uint64_t bytes, absl::Duration elapsed) {
  return absl::StrFormat("%.1f MB/s", static_cast<double>(bytes) / kMegabyte / Seconds(elapsed));
}

std::string FormatRate(uint64_t count, absl::Duration elapsed) {
  return absl::StrFormat("%.1f/s", static_cast<double>(count) / Seconds(elapsed));
}

std::string FormatTransferProgress(uint64_t bytes, std::optional<uint64_t> total,
                                   absl::Duration elapsed) {
  const double megabytes = static_cast<double>(bytes) / kMegabyte;
  if (!total.has_value()) {
    return absl::StrFormat("%.1f MB  %s", megabytes, FormatThroughput(bytes, elapsed));
  }
  const double fraction =
      *total == 0 ? 1.0 : std::min(1.0, static_cast<double>(bytes) / static_cast<double>(*total));
  const int filled = static_cast<int>(fraction * kBarWidth);
  return absl::StrFormat("[%s%s] %3d%%  %.1f / %.1f MB  %s", std::string(filled, '#'),
                         std::string(kBarWidth - filled, '.'), static_cast<int>(fraction * 100),
                         megabytes, static_cast<double>(*total) / kMegabyte,
                         FormatThroughput(bytes, elapsed));
}

std::string FormatTransferSummary(absl::string_view verb, uint64_t bytes, uint64_t chunks,
                                  absl::Duration elapsed, absl::string_view sha256) {
  return absl::StrFormat("%s %d bytes in %d chunks in %.2f s (%s); sha256 %s verified", verb, bytes,
                         chunks, absl::ToDoubleSeconds(elapsed), FormatThroughput(bytes, elapsed),
                         sha256);
}

}  // namespace sluice::cli
