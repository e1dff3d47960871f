// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Formatting of the bench report (see bench_report.h).

#include "tools/bench_report.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/json_text.h"

namespace sluice::cli {
namespace {

constexpr double kMegabyte = 1e6;

// The percentiles shown, with their names in the text and in JSON.
struct Quantile {
  double q;
  const char* text;
  const char* json;
};
constexpr Quantile kQuantiles[] = {
    {0.5, "p50", "p50"}, {0.9, "p90", "p90"}, {0.99, "p99", "p99"}, {0.999, "p99.9", "p999"}};

double Seconds(absl::Duration elapsed) { return std::max(absl::ToDoubleSeconds(elapsed), 1e-9); }

double PerSecond(uint64_t count, absl::Duration elapsed) {
  return static_cast<double>(count) / Seconds(elapsed);
}

// A duration for people: "87 µs", "12.3 ms", "1.52 s".
std::string HumanNanos(int64_t nanos) {
  const double micros = static_cast<double>(nanos) / 1e3;
  if (micros < 1e3) return absl::StrFormat("%.0f µs", micros);
  if (micros < 1e6) return absl::StrFormat("%.2f ms", micros / 1e3);
  return absl::StrFormat("%.2f s", micros / 1e6);
}

std::string HistogramText(const LatencyHistogram& histogram) {
  if (histogram.count() == 0) return "no samples";
  std::vector<std::string> parts;
  for (const Quantile& quantile : kQuantiles) {
    parts.push_back(absl::StrCat(quantile.text, " ", HumanNanos(histogram.Percentile(quantile.q))));
  }
  parts.push_back(absl::StrCat("max ", HumanNanos(histogram.max())));
  return absl::StrCat(absl::StrJoin(parts, "  "), "  (", histogram.count(), " samples, mean ",
                      HumanNanos(static_cast<int64_t>(histogram.mean())), ")");
}

std::string HistogramJson(const LatencyHistogram& histogram) {
  std::string json = absl::StrCat("{\"count\":", histogram.count());
  for (const Quantile& quantile : kQuantiles) {
    absl::StrAppendFormat(&json, ",\"%s\":%.1f", quantile.json,
                          static_cast<double>(histogram.Percentile(quantile.q)) / 1e3);
  }
  absl::StrAppendFormat(&json, ",\"max\":%.1f,\"mean\":%.1f}",
                        static_cast<double>(histogram.max()) / 1e3, histogram.mean() / 1e3);
  return json;
}

bool HasFirstResponse(BenchRpc rpc) {
  return rpc == BenchRpc::kGenerate || rpc == BenchRpc::kStream;
}

uint64_t Calls(const BenchTotals& totals) { return totals.calls_ok + totals.calls_failed; }

double CpuPercent(double seconds, absl::Duration elapsed) {
  return 100 * seconds / Seconds(elapsed);
}

std::string Pacing(const BenchOptions& options) {
  std::string text = options.rate.has_value()
                         ? absl::StrFormat("open loop at %g requests/s", *options.rate)
                         : "closed loop";
  if (options.rpc == BenchRpc::kStream) absl::StrAppend(&text, ", window ", options.window);
  if (options.count.has_value()) absl::StrAppend(&text, ", ", *options.count, " requests");
  if (options.duration.has_value()) {
    absl::StrAppend(&text, options.count.has_value() ? " or " : ", ",
                    absl::FormatDuration(*options.duration));
  }
  return text;
}

}  // namespace

std::string FormatBenchText(const BenchReport& report) {
  const BenchOptions& options = *report.options;
  const BenchTotals& totals = report.totals;
  std::string text = absl::StrFormat(
      "sluice bench: %s of model %s at %s, %d streams on %d channel%s, %s\n",
      BenchRpcName(options.rpc), options.call.model, options.call.target, options.streams,
      options.channels, options.channels == 1 ? "" : "s", Pacing(options));
  absl::StrAppendFormat(
      &text, "  elapsed          %.3f s%s\n", absl::ToDoubleSeconds(report.elapsed),
      options.warmup == absl::ZeroDuration()
          ? ""
          : absl::StrCat(" (after ", absl::FormatDuration(options.warmup), " of warm-up)"));
  absl::StrAppendFormat(&text, "  requests         %d sent, %d responses received\n",
                        totals.requests_sent, totals.responses_received);
  absl::StrAppendFormat(&text, "  calls            %d ok, %d failed\n", totals.calls_ok,
                        totals.calls_failed);
  absl::StrAppendFormat(
      &text, "  throughput       %.1f calls/s, %.1f msgs/s sent, %.1f msgs/s received\n",
      PerSecond(Calls(totals), report.elapsed), PerSecond(totals.requests_sent, report.elapsed),
      PerSecond(totals.responses_received, report.elapsed));
  absl::StrAppendFormat(
      &text, "                   %.2f MB/s of payload (%.2f sent, %.2f received)\n",
      PerSecond(totals.bytes_sent + totals.bytes_received, report.elapsed) / kMegabyte,
      PerSecond(totals.bytes_sent, report.elapsed) / kMegabyte,
      PerSecond(totals.bytes_received, report.elapsed) / kMegabyte);
  absl::StrAppendFormat(&text, "  latency          %s\n", HistogramText(totals.latency));
  if (HasFirstResponse(options.rpc)) {
    absl::StrAppendFormat(&text, "  first response   %s\n", HistogramText(totals.first_response));
  }
  if (totals.failure_latency.count() > 0) {
    absl::StrAppendFormat(&text, "  to failure       %s\n", HistogramText(totals.failure_latency));
  }
  std::vector<std::string> errors;
  for (const auto& [code, count] : totals.errors_by_code) {
    errors.push_back(absl::StrCat(code, " ", count));
  }
  absl::StrAppendFormat(&text, "  errors           %s\n",
                        errors.empty() ? "none" : absl::StrJoin(errors, ", "));
  absl::StrAppendFormat(&text, "  client CPU: %.2f s user+sys, %.0f%% of one core\n",
                        report.client_cpu_seconds,
                        CpuPercent(report.client_cpu_seconds, report.elapsed));
  if (report.server_cpu_seconds.has_value()) {
    absl::StrAppendFormat(&text, "  server CPU: %.2f s user+sys, %.0f%% of one core (pid %d)\n",
                          *report.server_cpu_seconds,
                          CpuPercent(*report.server_cpu_seconds, report.elapsed),
                          *options.server_pid);
  }
  return text;
}

std::string FormatBenchJson(const BenchReport& report) {
  const BenchOptions& options = *report.options;
  const BenchTotals& totals = report.totals;
  std::string json =
      absl::StrCat("{\"rpc\":", JsonQuote(BenchRpcName(options.rpc)),
                   ",\"model\":", JsonQuote(options.call.model),
                   ",\"target\":", JsonQuote(options.call.target), ",\"streams\":", options.streams,
                   ",\"channels\":", options.channels, ",\"window\":", options.window,
                   ",\"loop\":", options.rate.has_value() ? "\"open\"" : "\"closed\"");
  if (options.rate.has_value()) absl::StrAppendFormat(&json, ",\"rate\":%g", *options.rate);
  absl::StrAppendFormat(&json, ",\"elapsed_seconds\":%.6f", absl::ToDoubleSeconds(report.elapsed));
  absl::StrAppend(&json, ",\"requests_sent\":", totals.requests_sent,
                  ",\"responses_received\":", totals.responses_received,
                  ",\"calls_ok\":", totals.calls_ok, ",\"calls_failed\":", totals.calls_failed,
                  ",\"bytes_sent\":", totals.bytes_sent,
                  ",\"bytes_received\":", totals.bytes_received);
  absl::StrAppendFormat(
      &json,
      ",\"calls_per_second\":%.1f,\"requests_per_second\":%.1f,\"responses_per_second\":%.1f,"
      "\"mb_per_second\":%.3f",
      PerSecond(Calls(totals), report.elapsed), PerSecond(totals.requests_sent, report.elapsed),
      PerSecond(totals.responses_received, report.elapsed),
      PerSecond(totals.bytes_sent + totals.bytes_received, report.elapsed) / kMegabyte);
  std::vector<std::string> errors;
  for (const auto& [code, count] : totals.errors_by_code) {
    errors.push_back(absl::StrCat(JsonQuote(code), ":", count));
  }
  absl::StrAppend(&json, ",\"errors_by_code\":{", absl::StrJoin(errors, ","), "}");
  absl::StrAppend(&json, ",\"latency_us\":", HistogramJson(totals.latency));
  absl::StrAppend(&json, ",\"ttfr_us\":",
                  HasFirstResponse(options.rpc) ? HistogramJson(totals.first_response) : "null");
  absl::StrAppend(
      &json, ",\"failure_latency_us\":",
      totals.failure_latency.count() > 0 ? HistogramJson(totals.failure_latency) : "null");
  absl::StrAppendFormat(&json, ",\"client_cpu_seconds\":%.3f,\"client_cpu_percent\":%.1f",
                        report.client_cpu_seconds,
                        CpuPercent(report.client_cpu_seconds, report.elapsed));
  if (report.server_cpu_seconds.has_value()) {
    absl::StrAppendFormat(&json, ",\"server_cpu_seconds\":%.3f,\"server_cpu_percent\":%.1f",
                          *report.server_cpu_seconds,
                          CpuPercent(*report.server_cpu_seconds, report.elapsed));
  } else {
    absl::StrAppend(&json, ",\"server_cpu_seconds\":null");
  }
  absl::StrAppend(&json, "}\n");
  return json;
}

}  // namespace sluice::cli
