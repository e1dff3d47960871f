// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Spawning, port discovery and reaping of the servers sluice_stream_bench measures.

#include "bench/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <utility>

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>
#include <absl/strings/strip.h>

namespace sluice::bench {
namespace {

constexpr size_t kStderrTailBytes = 4096;
constexpr char kListeningMarker[] = "listening on ";

using Clock = std::chrono::steady_clock;

std::string ErrnoText() { return std::strerror(errno); }

// Turns a "listening on HOST:PORT" line into a dialable "HOST:PORT", or "" if the
// line does not carry one.
std::string TargetFromLine(const std::string& line) {
  const size_t marker = line.find(kListeningMarker);
  if (marker == std::string::npos) return "";
  const size_t begin = marker + sizeof(kListeningMarker) - 1;
  const size_t end = line.find_first_of(" \t\r\n", begin);
  const std::string address = line.substr(begin, end == std::string::npos ? end : end - begin);
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port <= 0 || port > 65535) {
    return "";
  }
  std::string host = address.substr(0, colon);
  if (host.empty() || host == "0.0.0.0" || host == "[::]" || host == "::") host = "127.0.0.1";
  return absl::StrCat(host, ":", port);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const ServerProcessOptions& options) {
  if (access(options.path.c_str(), X_OK) != 0) {
    return absl::NotFoundError(
        absl::StrCat(options.label, ": cannot execute '", options.path, "': ", ErrnoText()));
  }
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe2: " + ErrnoText());
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return absl::InternalError("pipe2: " + ErrnoText());
  }
  // Everything the child needs is built before fork(): after it, the child may only
  // make async-signal-safe calls, because gRPC's threads did not come along.
  std::vector<std::string> arg_storage = {options.path};
  arg_storage.insert(arg_storage.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (std::string& arg : arg_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const cpu_set_t cpus = options.cpus;
  sigset_t no_signals;
  sigemptyset(&no_signals);
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    return absl::InternalError("fork: " + ErrnoText());
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);     // Never outlive the benchmark...
    if (getppid() != parent) _exit(127);  // ...even if it died before prctl.
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    sched_setaffinity(0, sizeof(cpus), &cpus);
    sigprocmask(SIG_SETMASK, &no_signals, nullptr);
    execv(argv[0], argv.data());
    constexpr char kExecFailed[] = "exec failed\n";
    (void)!write(STDERR_FILENO, kExecFailed, sizeof(kExecFailed) - 1);
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  // The constructor is private so that every ServerProcess has a live child.
  std::unique_ptr<ServerProcess> process(
      new ServerProcess(options.label, pid, out[0], err[0], options.forward_logs));
  if (absl::Status started = process->AwaitListeningLine(options.startup_timeout_seconds);
      !started.ok()) {
    process->Stop().IgnoreError();
    return absl::Status(started.code(), absl::StrCat(started.message(), "; its stderr ends with:\n",
                                                     process->StderrTail()));
  }
  process->drainer_ = std::thread(&ServerProcess::Drain, process.get());
  return process;
}

ServerProcess::ServerProcess(std::string label, pid_t pid, int stdout_fd, int stderr_fd,
                             bool forward_logs)
    : label_(std::move(label)),
      pid_(pid),
      stdout_fd_(stdout_fd),
      stderr_fd_(stderr_fd),
      forward_logs_(forward_logs) {}

ServerProcess::~ServerProcess() {
  Stop().IgnoreError();
  close(stdout_fd_);
  close(stderr_fd_);
}

absl::Status ServerProcess::AwaitListeningLine(double timeout_seconds) {
  const Clock::time_point deadline =
      Clock::now() + std::chrono::microseconds(static_cast<int64_t>(timeout_seconds * 1e6));
  pollfd fds[2] = {{stdout_fd_, POLLIN, 0}, {stderr_fd_, POLLIN, 0}};
  char buffer[4096];
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return absl::DeadlineExceededError(absl::StrCat(
          label_, " printed no 'listening on HOST:PORT' line within ", timeout_seconds, " s"));
    }
    if (poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR) {
      return absl::InternalError("poll: " + ErrnoText());
    }
    if (fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP)) != 0) {
      const ssize_t n = read(stderr_fd_, buffer, sizeof(buffer));
      if (n > 0) {
        Consume(buffer, static_cast<size_t>(n), /*is_stderr=*/true);
      } else {
        fds[1].fd = -1;  // End of file: poll() ignores negative descriptors.
      }
    }
    if ((fds[0].revents & (POLLIN | POLLHUP)) != 0) {
      const ssize_t n = read(stdout_fd_, buffer, sizeof(buffer));
      if (n <= 0) {
        return absl::UnavailableError(
            absl::StrCat(label_, " exited before printing 'listening on HOST:PORT'"));
      }
      Consume(buffer, static_cast<size_t>(n), /*is_stderr=*/false);
      stdout_before_target_.append(buffer, static_cast<size_t>(n));
      size_t line_end;
      while ((line_end = stdout_before_target_.find('\n')) != std::string::npos) {
        target_ = TargetFromLine(stdout_before_target_.substr(0, line_end));
        stdout_before_target_.erase(0, line_end + 1);
        if (!target_.empty()) return absl::OkStatus();
      }
    }
  }
}

void ServerProcess::Drain() {
  pollfd fds[2] = {{stdout_fd_, POLLIN, 0}, {stderr_fd_, POLLIN, 0}};
  char buffer[4096];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const int ready = poll(fds, 2, /*timeout_ms=*/100);
    if (ready < 0 && errno != EINTR) return;
    // Normally the pipes reach end-of-file when the child exits; a grandchild that
    // inherited them would keep them open forever, so stop once the child is gone
    // and the pipes are quiet.
    if (ready == 0 && reaped_.load()) return;
    if (ready <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        Consume(buffer, static_cast<size_t>(n), /*is_stderr=*/i == 1);
      } else {
        fds[i].fd = -1;
      }
    }
  }
}

void ServerProcess::Consume(const char* data, size_t size, bool is_stderr) {
  if (forward_logs_) {
    std::fprintf(stderr, "[%s%s] %.*s", label_.c_str(), is_stderr ? "" : " stdout",
                 static_cast<int>(size), data);
  }
  if (!is_stderr) return;
  absl::MutexLock lock(&mu_);
  stderr_tail_.append(data, size);
  if (stderr_tail_.size() > kStderrTailBytes) {
    stderr_tail_.erase(0, stderr_tail_.size() - kStderrTailBytes);
  }
}

std::string ServerProcess::StderrTail() {
  absl::MutexLock lock(&mu_);
  return stderr_tail_;
}

absl::StatusOr<double> ServerProcess::CpuSeconds() const {
  if (pid_ < 0) return absl::FailedPreconditionError(absl::StrCat(label_, " is not running"));
  // The process CPU clock is the scheduler's nanosecond total, exited threads
  // included, and Linux lets any process read it.
  clockid_t clock;
  timespec now;
  if (clock_getcpuclockid(pid_, &clock) == 0 && clock_gettime(clock, &now) == 0) {
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
  }
  // Otherwise utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks.
  // Field 2 (the command) may hold spaces but ends at the last ')'.
  std::ifstream file(absl::StrCat("/proc/", pid_, "/stat"));
  std::string stat;
  std::getline(file, stat);
  const size_t command_end = stat.rfind(')');
  if (command_end == std::string::npos) {
    return absl::UnavailableError(absl::StrCat("cannot read /proc/", pid_, "/stat"));
  }
  const std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(command_end + 1), ' ', absl::SkipEmpty());
  uint64_t utime = 0;
  uint64_t stime = 0;
  // fields[0] is field 3 (the state), so field N is fields[N - 3].
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::UnavailableError(absl::StrCat("cannot parse /proc/", pid_, "/stat"));
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

absl::StatusOr<uint64_t> ServerProcess::StatusBytes(const char* field) const {
  if (pid_ < 0) return absl::FailedPreconditionError(absl::StrCat(label_, " is not running"));
  std::ifstream file(absl::StrCat("/proc/", pid_, "/status"));
  const std::string prefix = absl::StrCat(field, ":");
  std::string line;
  while (std::getline(file, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    // "VmRSS:\t   12345 kB"
    absl::string_view value =
        absl::StripAsciiWhitespace(absl::string_view(line).substr(prefix.size()));
    uint64_t kib = 0;
    if (absl::ConsumeSuffix(&value, "kB") &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(value), &kib)) {
      return kib * 1024;
    }
    break;
  }
  return absl::UnavailableError(absl::StrCat("no ", field, " in /proc/", pid_, "/status"));
}

absl::Status ServerProcess::ResetPeakRss() const {
  if (pid_ < 0) return absl::FailedPreconditionError(absl::StrCat(label_, " is not running"));
  std::ofstream file(absl::StrCat("/proc/", pid_, "/clear_refs"));
  file << "5";
  file.flush();
  if (!file) {
    return absl::UnavailableError(absl::StrCat("cannot write /proc/", pid_, "/clear_refs"));
  }
  return absl::OkStatus();
}

absl::Status ServerProcess::Stop() {
  if (pid_ < 0) return absl::OkStatus();
  kill(pid_, SIGTERM);
  int wait_status = 0;
  pid_t reaped = 0;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(5);
  while ((reaped = waitpid(pid_, &wait_status, WNOHANG)) == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  bool killed = false;
  if (reaped == 0) {
    kill(pid_, SIGKILL);
    killed = true;
    reaped = waitpid(pid_, &wait_status, 0);
  }
  pid_ = -1;
  reaped_.store(true);
  if (drainer_.joinable()) drainer_.join();
  if (reaped < 0) return absl::InternalError(absl::StrCat(label_, ": waitpid: ", ErrnoText()));
  if (killed) {
    return absl::DeadlineExceededError(
        absl::StrCat(label_, " ignored SIGTERM for 5 s and was killed with SIGKILL"));
  }
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) return absl::OkStatus();
  if (WIFEXITED(wait_status)) {
    return absl::UnknownError(
        absl::StrCat(label_, " exited with status ", WEXITSTATUS(wait_status), " on SIGTERM"));
  }
  return absl::UnknownError(
      absl::StrCat(label_, " was killed by signal ", WTERMSIG(wait_status), " on SIGTERM"));
}

absl::Status ParseCpuList(const std::string& text, cpu_set_t& cpus) {
  CPU_ZERO(&cpus);
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    std::pair<absl::string_view, absl::string_view> range = absl::StrSplit(part, '-');
    int first = 0;
    int last = 0;
    if (!absl::SimpleAtoi(range.first, &first) ||
        !absl::SimpleAtoi(range.second.empty() ? range.first : range.second, &last) || first < 0 ||
        last < first || last >= CPU_SETSIZE) {
      return absl::InvalidArgumentError(absl::StrCat("bad CPU list '", text, "'"));
    }
    for (int cpu = first; cpu <= last; ++cpu) CPU_SET(cpu, &cpus);
  }
  return absl::OkStatus();
}

}  // namespace sluice::bench
