// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ServerProcess: a server under benchmark, run as a child process. It learns the
// server's port from the "listening on HOST:PORT" line the server prints to stdout.

#pragma once

#include <sched.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <absl/synchronization/mutex.h>

namespace sluice::bench {

struct ServerProcessOptions {
  std::string label;              // Prefix for forwarded logs and messages, e.g. "sluiced".
  std::string path;               // Executable to run.
  std::vector<std::string> args;  // Arguments after argv[0].
  cpu_set_t cpus;                 // Affinity the child gets before exec.
  bool forward_logs = false;      // Copy the child's stdout/stderr to our stderr.
  double startup_timeout_seconds = 20;
};

// A running child server. The benchmark's main thread owns it and is the only
// thread that may call its methods; an internal thread drains the child's output
// so that a chatty server never blocks on a full pipe. The destructor stops the
// child if Stop() was not called, and the child also gets SIGTERM if we die
// (PR_SET_PDEATHSIG), so no server outlives the benchmark.
class ServerProcess {
 public:
  // Starts `options.path` and waits for its "listening on" line.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(const ServerProcessOptions& options);

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess();

  // The address to dial, "HOST:PORT" (a wildcard host is replaced by 127.0.0.1).
  const std::string& target() const { return target_; }

  // User+system CPU time the child has used so far, all its threads included, in
  // seconds. Fails once the child is reaped.
  absl::StatusOr<double> CpuSeconds() const;

  // A memory figure of the child from /proc/PID/status, in bytes: `field` is
  // "VmRSS" (resident now) or "VmHWM" (the peak resident set). Fails once the child
  // is reaped.
  absl::StatusOr<uint64_t> StatusBytes(const char* field) const;

  // Resets the child's VmHWM to its current VmRSS (writes 5 to /proc/PID/clear_refs),
  // so that the next StatusBytes("VmHWM") is the peak since now.
  absl::Status ResetPeakRss() const;

  // Sends SIGTERM and reaps the child, escalating to SIGKILL after 5 seconds.
  // Returns OK only if the child exited with status 0.
  absl::Status Stop();

 private:
  ServerProcess(std::string label, pid_t pid, int stdout_fd, int stderr_fd, bool forward_logs);

  // Reads the child's stdout until the "listening on" line; sets target_.
  absl::Status AwaitListeningLine(double timeout_seconds);
  // Runs on drainer_ until both pipes reach end-of-file.
  void Drain();
  // Appends child output to stderr_tail_ (and our stderr when forwarding).
  void Consume(const char* data, size_t size, bool is_stderr);
  std::string StderrTail();

  const std::string label_;
  pid_t pid_;  // -1 once reaped.
  const int stdout_fd_;
  const int stderr_fd_;
  const bool forward_logs_;
  std::string target_;
  std::string stdout_before_target_;  // Output seen while waiting for the port line.
  std::thread drainer_;
  // Set by Stop() once the child is reaped, so that Drain() gives up on pipes a
  // grandchild may still hold open.
  std::atomic<bool> reaped_{false};

  absl::Mutex mu_;
  std::string stderr_tail_ ABSL_GUARDED_BY(mu_);  // Last few KiB, for error messages.
};

// Parses a CPU list such as "1" or "0,2-3" into `cpus`.
absl::Status ParseCpuList(const std::string& text, cpu_set_t& cpus);

}  // namespace sluice::bench
