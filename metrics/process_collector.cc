// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "metrics/process_collector.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"

namespace sluice::metrics {
namespace {

// The fields of /proc/self/stat we report (proc(5) numbers them from 1).
struct ProcStat {
  double utime_ticks = 0;
  double stime_ticks = 0;
  double threads = 0;
  double start_ticks = 0;
  double virtual_bytes = 0;
  double resident_pages = 0;
};

std::optional<ProcStat> ReadProcStat() {
  std::ifstream file("/proc/self/stat");
  std::string line;
  if (!std::getline(file, line)) return std::nullopt;
  // Field 2, the command, is in parentheses and may hold spaces: parse after
  // the last ')'. What follows starts at field 3.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  std::string field;
  ProcStat stat;
  bool ok = true;  // No exceptions here: Collect() runs inside the HTTP server.
  for (int number = 3; number <= 24 && fields >> field; ++number) {
    switch (number) {
      case 14:
        ok = ok && absl::SimpleAtod(field, &stat.utime_ticks);
        break;
      case 15:
        ok = ok && absl::SimpleAtod(field, &stat.stime_ticks);
        break;
      case 20:
        ok = ok && absl::SimpleAtod(field, &stat.threads);
        break;
      case 22:
        ok = ok && absl::SimpleAtod(field, &stat.start_ticks);
        break;
      case 23:
        ok = ok && absl::SimpleAtod(field, &stat.virtual_bytes);
        break;
      case 24:
        ok = ok && absl::SimpleAtod(field, &stat.resident_pages);
        break;
      default:
        break;
    }
  }
  if (!fields || !ok) return std::nullopt;
  return stat;
}

// Seconds since the epoch at which the machine booted ("btime" in /proc/stat).
std::optional<double> BootTime() {
  std::ifstream file("/proc/stat");
  std::string key;
  double value = 0;
  while (file >> key) {
    if (key == "btime" && file >> value) return value;
    file.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

std::optional<double> OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  double count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // Not the descriptor opendir() itself holds.
}

prometheus::MetricFamily Family(const char* name, const char* help, prometheus::MetricType type,
                                double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return prometheus::MetricFamily{name, help, type, {metric}};
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
  if (const std::optional<ProcStat> stat = ReadProcStat()) {
    families.push_back(
        Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
               MetricType::Counter, (stat->utime_ticks + stat->stime_ticks) / ticks_per_second));
    families.push_back(Family("process_resident_memory_bytes", "Resident memory size in bytes.",
                              MetricType::Gauge, stat->resident_pages * page_bytes));
    families.push_back(Family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                              MetricType::Gauge, stat->virtual_bytes));
    families.push_back(Family("process_threads", "Number of OS threads in the process.",
                              MetricType::Gauge, stat->threads));
    if (const std::optional<double> boot = BootTime()) {
      families.push_back(Family("process_start_time_seconds",
                                "Start time of the process since unix epoch in seconds.",
                                MetricType::Gauge, *boot + stat->start_ticks / ticks_per_second));
    }
  }
  if (const std::optional<double> fds = OpenFds()) {
    families.push_back(
        Family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, *fds));
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    families.push_back(Family("process_max_fds", "Maximum number of open file descriptors.",
                              MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return families;
}

}  // namespace sluice::metrics
