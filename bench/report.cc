// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Rendering of sluice_stream_bench's figures: medians of the rounds, each server's
// ratio against the baseline, and the context (machine, date, command) that figures
// pasted into docs need.

#include "bench/report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>
#include <absl/strings/strip.h>
#include <absl/time/clock.h>
#include <absl/time/time.h>

namespace sluice::bench {
namespace {

// The terminal table puts all servers side by side only if it fits in this width.
constexpr size_t kMaxTableWidth = 100;

using Row = std::vector<std::string>;

struct Summary {
  double median = NAN;
  double min = NAN;
  double max = NAN;
};

// Ignores NaN samples (rounds where the figure could not be measured).
Summary Summarize(const std::vector<double>& samples) {
  std::vector<double> values;
  for (const double value : samples) {
    if (!std::isnan(value)) values.push_back(value);
  }
  Summary summary;
  if (values.empty()) return summary;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  summary.median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  summary.min = values.front();
  summary.max = values.back();
  return summary;
}

// 512000 -> "512,000".
std::string WithThousands(double value) {
  std::string digits = absl::StrCat(static_cast<int64_t>(std::llround(value)));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0 && digits[i - 1] != '-'; i -= 3) {
    digits.insert(static_cast<size_t>(i), ",");
  }
  return digits;
}

std::string FormatValue(double value, const MetricInfo& info) {
  if (std::isnan(value)) return "n/a";
  if (info.decimals < 0) return WithThousands(value);
  return absl::StrFormat("%.*f", info.decimals, value);
}

// Shorter than FormatValue(), about 3 significant digits, for the min-max rows so
// that the side-by-side table stays within 100 columns: 512000 -> "512k", 38.01 -> "38.0".
std::string FormatCompact(double value, const MetricInfo& info) {
  if (std::isnan(value)) return "n/a";
  if (info.decimals >= 0) {
    return absl::StrFormat("%.*f", value >= 100 ? 0 : value >= 10 ? 1 : 2, value);
  }
  if (value >= 1e6) return absl::StrFormat("%.2fM", value / 1e6);
  if (value >= 1e4) return absl::StrFormat("%.0fk", value / 1e3);
  return absl::StrFormat("%.0f", value);
}

std::string FormatRatio(double value, double baseline) {
  if (std::isnan(value) || std::isnan(baseline) || baseline <= 0) return "n/a";
  return absl::StrFormat("%.2f", value / baseline);
}

std::string Code(const std::string& text, bool markdown) {
  return markdown ? absl::StrCat("`", text, "`") : text;
}

// Whether any server ran the workload of metric `m`.
bool Measured(const std::vector<ServerFigures>& servers, size_t m) {
  return std::any_of(servers.begin(), servers.end(),
                     [m](const ServerFigures& server) { return !server.samples[m].empty(); });
}

// Indices of the peers in `servers`.
std::vector<size_t> Peers(const std::vector<ServerFigures>& servers) {
  std::vector<size_t> peers;
  for (size_t i = 1; i < servers.size(); ++i) {
    if (servers[i].peer) peers.push_back(i);
  }
  return peers;
}

// `value` for a server's cell of metric `m`, or why there is none.
std::string Cell(const ServerFigures& server, size_t m, const std::string& value) {
  if (server.samples[m].empty()) return "-";
  if (server.model_missing[m]) return "n/a (model missing)";
  return value;
}

std::string RangeCell(const ServerFigures& server, size_t m, const Summary& summary,
                      const MetricInfo& info) {
  if (server.samples[m].empty() || std::isnan(summary.min)) return "";
  return absl::StrCat(FormatCompact(summary.min, info), "-", FormatCompact(summary.max, info));
}

std::vector<std::string> HeaderLines(const RunDescription& run,
                                     const std::vector<ServerFigures>& servers, bool markdown) {
  std::vector<std::string> lines;
  lines.push_back(absl::StrCat("machine: ", run.cpu_model, ", ", run.cores, " cores, ", run.kernel,
                               "; ", run.date));
  lines.push_back(absl::StrCat("command: ", Code(run.command_line, markdown)));
  lines.push_back(absl::StrCat("cpus: server ",
                               run.server_cpus.empty() ? "unpinned" : run.server_cpus, ", client ",
                               run.client_cpus.empty() ? "unpinned" : run.client_cpus));
  for (const std::string& line : run.workload_lines) lines.push_back(line);
  std::vector<std::string> binaries;
  for (const ServerFigures& server : servers) {
    lines.push_back(markdown ? absl::StrCat("**", server.label, "**: ", server.description)
                             : absl::StrFormat("%-15s %s", server.label, server.description));
    const std::string spawned = server.target.empty() ? Code(server.path, markdown) : "";
    if (!spawned.empty() &&
        std::find(binaries.begin(), binaries.end(), spawned) == binaries.end()) {
      binaries.push_back(spawned);
    }
  }
  if (!binaries.empty()) lines.push_back(absl::StrCat("binaries: ", absl::StrJoin(binaries, ", ")));
  for (const std::string& note : run.notes) lines.push_back(absl::StrCat("note: ", note));
  lines.push_back(absl::StrCat("ratio = server / ", servers[0].label,
                               ", of the medians; - = workload not run on that server"));
  if (!Peers(servers).empty()) {
    lines.push_back("X / peer = the same ratio against each peer, in the tables after the first");
  }
  lines.push_back(
      "server CPU = user+system time of the server process in the measured seconds, per unit "
      "(response, call, MiB received, reading sent)");
  lines.push_back(
      "peak RSS = the server's VmHWM at the end of the workload, reset before it "
      "(/proc/PID/clear_refs); idle 10k = 10,000 bidi streams, each answered once, then idle, "
      "on a fresh server: (VmRSS after - VmRSS before) / 10,000");
  return lines;
}

// The table of server `subject`'s ratios against each peer. Row 0 is the heading.
std::vector<Row> BuildPeerRows(const std::vector<ServerFigures>& servers, size_t subject,
                               const std::vector<size_t>& peers) {
  std::vector<Row> rows;
  Row heading = {"workload", servers[subject].label};
  for (const size_t p : peers) heading.push_back(absl::StrCat("/ ", servers[p].label));
  rows.push_back(std::move(heading));
  for (size_t m = 0; m < kMetrics.size(); ++m) {
    const MetricInfo& info = kMetrics[m];
    if (!Measured(servers, m) || servers[subject].samples[m].empty()) continue;
    const double value = Summarize(servers[subject].samples[m]).median;
    Row row = {info.name, Cell(servers[subject], m, FormatValue(value, info))};
    for (const size_t p : peers) {
      row.push_back(servers[p].samples[m].empty()
                        ? "-"
                        : FormatRatio(value, Summarize(servers[p].samples[m]).median));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// The table of the baseline (servers[0]) and of the servers at `shown`, each
// followed by its ratio against the baseline. Row 0 is the heading.
std::vector<Row> BuildRows(const RunDescription& run, const std::vector<ServerFigures>& servers,
                           const std::vector<size_t>& shown, bool markdown) {
  std::vector<Row> rows;
  Row heading = {"workload", servers[0].label};
  for (const size_t i : shown) {
    heading.push_back(servers[i].label);
    heading.push_back("ratio");
  }
  rows.push_back(std::move(heading));
  for (size_t m = 0; m < kMetrics.size(); ++m) {
    const MetricInfo& info = kMetrics[m];
    if (!Measured(servers, m)) continue;
    const Summary baseline = Summarize(servers[0].samples[m]);
    Row row = {info.name, Cell(servers[0], m, FormatValue(baseline.median, info))};
    Row range = {markdown ? "min-max" : "  min-max", RangeCell(servers[0], m, baseline, info)};
    for (const size_t i : shown) {
      const Summary summary = Summarize(servers[i].samples[m]);
      row.push_back(Cell(servers[i], m, FormatValue(summary.median, info)));
      row.push_back(servers[i].samples[m].empty() ? ""
                                                  : FormatRatio(summary.median, baseline.median));
      range.push_back(RangeCell(servers[i], m, summary, info));
      range.push_back("");
    }
    rows.push_back(std::move(row));
    if (run.rounds > 1) rows.push_back(std::move(range));
  }
  return rows;
}

std::vector<size_t> ColumnWidths(const std::vector<Row>& rows) {
  std::vector<size_t> widths(rows[0].size(), 0);
  for (const Row& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  return widths;
}

// The first column left-aligned, the figures right-aligned, a rule under the heading.
std::vector<std::string> RenderText(const std::vector<Row>& rows) {
  const std::vector<size_t> widths = ColumnWidths(rows);
  std::vector<std::string> lines;
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line = absl::StrFormat("%-*s", widths[0], rows[r][0]);
    for (size_t c = 1; c < rows[r].size(); ++c) {
      absl::StrAppend(&line, absl::StrFormat("  %*s", widths[c], rows[r][c]));
    }
    lines.push_back(std::string(absl::StripTrailingAsciiWhitespace(line)));
    if (r == 0) {
      std::string rule(widths[0], '-');
      for (size_t c = 1; c < widths.size(); ++c)
        absl::StrAppend(&rule, "  ", std::string(widths[c], '-'));
      lines.push_back(std::move(rule));
    }
  }
  return lines;
}

std::vector<std::string> RenderMarkdown(const std::vector<Row>& rows) {
  const std::vector<size_t> widths = ColumnWidths(rows);
  std::vector<std::string> lines;
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line = absl::StrFormat("| %-*s |", widths[0], rows[r][0]);
    for (size_t c = 1; c < rows[r].size(); ++c) {
      absl::StrAppend(&line, absl::StrFormat(" %*s |", widths[c], rows[r][c]));
    }
    lines.push_back(std::move(line));
    if (r == 0) {
      std::string rule = absl::StrCat("| ", std::string(widths[0], '-'), " |");
      for (size_t c = 1; c < widths.size(); ++c) {
        absl::StrAppend(&rule, " ", std::string(widths[c] - 1, '-'), ": |");
      }
      lines.push_back(std::move(rule));
    }
  }
  return lines;
}

size_t MaxWidth(const std::vector<std::string>& lines) {
  size_t width = 0;
  for (const std::string& line : lines) width = std::max(width, line.size());
  return width;
}

void PrintLines(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) std::printf("%s\n", line.c_str());
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string JsonNumber(double value) {
  return std::isnan(value) ? "null" : absl::StrFormat("%.10g", value);
}

std::string JsonStrings(const std::vector<std::string>& texts) {
  std::string out = "[";
  for (size_t i = 0; i < texts.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ", ", JsonString(texts[i]));
  }
  return out + "]";
}

}  // namespace

void DescribeMachine(RunDescription& run) {
  run.cpu_model = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    // x86 says "model name"; some ARM kernels only say "Hardware".
    if (line.rfind("model name", 0) != 0 && line.rfind("Hardware", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    run.cpu_model = std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    break;
  }
  run.cores = sysconf(_SC_NPROCESSORS_ONLN);
  utsname names;
  run.kernel = uname(&names) == 0 ? absl::StrCat(names.sysname, " ", names.release) : "unknown";
  run.date = absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::Now(), absl::UTCTimeZone());
}

void PrintTable(const RunDescription& run, const std::vector<ServerFigures>& servers,
                bool markdown) {
  std::printf(
      "%ssluice_stream_bench: %.1f s measured after %.1f s warm-up, median of %d round%s%s\n\n",
      markdown ? "**" : "", run.seconds, run.warmup_seconds, run.rounds, run.rounds == 1 ? "" : "s",
      markdown ? "**" : "");
  for (const std::string& line : HeaderLines(run, servers, markdown)) {
    std::printf("%s%s\n", markdown ? "- " : "  ", line.c_str());
  }
  std::printf("\n");

  std::vector<size_t> all;
  for (size_t i = 1; i < servers.size(); ++i) all.push_back(i);
  if (markdown) {
    PrintLines(RenderMarkdown(BuildRows(run, servers, all, markdown)));
  } else if (std::vector<std::string> lines = RenderText(BuildRows(run, servers, all, markdown));
             MaxWidth(lines) <= kMaxTableWidth || all.size() <= 1) {
    PrintLines(lines);
  } else {
    for (const size_t i : all) {
      if (i != all.front()) std::printf("\n");
      PrintLines(RenderText(BuildRows(run, servers, {i}, markdown)));
    }
  }

  const std::vector<size_t> peers = Peers(servers);
  for (size_t i = 1; i < servers.size() && !peers.empty(); ++i) {
    if (servers[i].peer) continue;
    std::printf("\n%s%s against the peers%s\n\n", markdown ? "**" : "", servers[i].label.c_str(),
                markdown ? "**" : "");
    const std::vector<Row> rows = BuildPeerRows(servers, i, peers);
    PrintLines(markdown ? RenderMarkdown(rows) : RenderText(rows));
  }

  std::vector<std::string> errors;
  for (const ServerFigures& server : servers) {
    errors.push_back(
        absl::StrCat(server.label, " ", server.failed_streams, "/", server.mismatches));
  }
  std::printf("\nfailed calls/wrong answers: %s\n", absl::StrJoin(errors, ", ").c_str());
  for (const ServerFigures& server : servers) {
    for (const std::string& problem : server.problems) {
      std::printf("%s%s: %s\n", markdown ? "- " : "  ", server.label.c_str(), problem.c_str());
    }
  }
}

void PrintJson(const RunDescription& run, const std::vector<ServerFigures>& servers,
               std::FILE* out_file) {
  const std::vector<size_t> peers = Peers(servers);
  std::vector<std::string> peer_labels;
  for (const size_t p : peers) peer_labels.push_back(servers[p].label);
  std::string out = absl::StrFormat(
      "{\n  \"config\": {\"command\": %s, \"workloads\": %s, \"window\": %d, "
      "\"streams_many\": %d, \"seconds\": %s, \"warmup_seconds\": %s, \"rounds\": %d, "
      "\"server_cpus\": %s, \"client_cpus\": %s, \"baseline\": %s, \"peers\": %s, "
      "\"notes\": %s},\n"
      "  \"machine\": {\"cpu_model\": %s, \"cores\": %d, \"kernel\": %s, \"date\": %s},\n"
      "  \"servers\": {",
      JsonString(run.command_line), JsonStrings(run.workload_lines), run.window, run.streams_many,
      JsonNumber(run.seconds), JsonNumber(run.warmup_seconds), run.rounds,
      JsonString(run.server_cpus), JsonString(run.client_cpus), JsonString(servers[0].label),
      JsonStrings(peer_labels), JsonStrings(run.notes), JsonString(run.cpu_model), run.cores,
      JsonString(run.kernel), JsonString(run.date));
  for (size_t i = 0; i < servers.size(); ++i) {
    const ServerFigures& server = servers[i];
    absl::StrAppend(
        &out, i == 0 ? "\n" : ",\n", "    ", JsonString(server.label),
        ": {\"description\": ", JsonString(server.description),
        ", \"path\": ", JsonString(server.target.empty() ? server.path : ""),
        ", \"args\": ", JsonStrings(server.target.empty() ? server.args : Row{}),
        ", \"target\": ", JsonString(server.target), ", \"peer\": ", server.peer ? "true" : "false",
        ", \"models\": {\"stream\": ", JsonString(server.models.stream),
        ", \"unary\": ", JsonString(server.models.unary),
        ", \"generate\": ", JsonString(server.models.generate),
        ", \"ingest\": ", JsonString(server.models.ingest), "}",
        ", \"workloads\": ", JsonStrings(server.workloads),
        ", \"failed_streams\": ", server.failed_streams, ", \"mismatches\": ", server.mismatches,
        ", \"problems\": ", JsonStrings(server.problems), "}");
  }
  absl::StrAppend(&out, "\n  },\n  \"workloads\": [");
  bool first_metric = true;
  for (size_t m = 0; m < kMetrics.size(); ++m) {
    const MetricInfo& info = kMetrics[m];
    if (!Measured(servers, m)) continue;
    absl::StrAppend(&out, first_metric ? "\n" : ",\n", "    {\"name\": ", JsonString(info.name),
                    ", \"key\": ", JsonString(info.key), ", \"unit\": ", JsonString(info.unit),
                    ", \"workload\": ", JsonString(info.workload), ", \"servers\": {");
    first_metric = false;
    const double baseline = Summarize(servers[0].samples[m]).median;
    bool first_server = true;
    for (size_t i = 0; i < servers.size(); ++i) {
      const std::vector<double>& rounds = servers[i].samples[m];
      if (rounds.empty()) continue;  // Not run on this server.
      const Summary summary = Summarize(rounds);
      absl::StrAppend(&out, first_server ? "\n" : ",\n", "      ", JsonString(servers[i].label),
                      ": {\"median\": ", JsonNumber(summary.median),
                      ", \"min\": ", JsonNumber(summary.min),
                      ", \"max\": ", JsonNumber(summary.max), ", \"rounds\": [");
      for (size_t r = 0; r < rounds.size(); ++r) {
        absl::StrAppend(&out, r == 0 ? "" : ", ", JsonNumber(rounds[r]));
      }
      absl::StrAppend(&out, "]", servers[i].model_missing[m] ? ", \"model_missing\": true" : "");
      first_server = false;
      if (i > 0) {
        const bool known = !std::isnan(summary.median) && baseline > 0;
        absl::StrAppend(&out, ", \"ratio\": ", JsonNumber(known ? summary.median / baseline : NAN));
        // Against each peer that ran it, the peer itself aside.
        std::vector<std::string> ratios;
        for (const size_t p : peers) {
          if (p == i || servers[p].samples[m].empty()) continue;
          const double peer = Summarize(servers[p].samples[m]).median;
          const bool comparable = !std::isnan(summary.median) && peer > 0;
          ratios.push_back(absl::StrCat(JsonString(servers[p].label), ": ",
                                        JsonNumber(comparable ? summary.median / peer : NAN)));
        }
        absl::StrAppend(&out, ", \"peer_ratios\": {", absl::StrJoin(ratios, ", "), "}");
      }
      absl::StrAppend(&out, "}");
    }
    absl::StrAppend(&out, "\n    }}");
  }
  absl::StrAppend(&out, "\n  ]\n}\n");
  std::fputs(out.c_str(), out_file);
}

}  // namespace sluice::bench
