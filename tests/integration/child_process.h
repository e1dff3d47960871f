// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// ChildProcess: a program the test starts (sluiced), whose stdout lines it
// reads and which it can signal, for tests of the shipped binary.

#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace sluice::testing {

/// A running child with its stdout on a pipe (stderr is inherited).
/// Ownership: the test's; the destructor kills a child still running.
/// Threads: one thread.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  /// The next line of stdout, without its newline; nullopt at end of file.
  std::optional<std::string> ReadLine();
  /// The next line of stdout after `prefix`, which it must start with (a
  /// test failure otherwise, and then ""): for the lines sluiced prints at
  /// start ("sluiced listening on HOST:PORT").
  std::string ReadLineAfter(const std::string& prefix);
  void Signal(int signal_number) const;
  /// Waits for the child to exit; its exit status, or -1 if it was killed.
  int Wait();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
};

}  // namespace sluice::testing
