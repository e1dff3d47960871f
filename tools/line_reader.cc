// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the interruptible line reader (see line_reader.h).

#include "tools/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sluice::cli {

absl::StatusOr<LineReaderPtr> LineReader::ForStdin() {
  // A descriptor inherited across exec never has FD_CLOEXEC. If descriptor 0 has it, stdin was
  // closed at exec and a library (gRPC opens descriptors during static initialisation) took the
  // number: reading it would steal that library's wake-ups, so there is no input instead.
  int fd = STDIN_FILENO;
  int flags = fcntl(fd, F_GETFD);
  if (flags == -1 || (flags & FD_CLOEXEC) != 0) fd = -1;
  return Create(fd, /*owns_fd=*/false);
}

absl::StatusOr<LineReaderPtr> LineReader::Open(const std::string& path) {
  if (path == "-") return ForStdin();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("cannot open '", path, "'"));
  absl::StatusOr<LineReaderPtr> reader = Create(fd, /*owns_fd=*/true);
  if (!reader.ok()) close(fd);
  return reader;
}

absl::StatusOr<LineReaderPtr> LineReader::Create(int fd, bool owns_fd) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::ErrnoToStatus(errno, "pipe2");
  }
  return absl::WrapUnique(new LineReader(fd, owns_fd, pipe_fds[0], pipe_fds[1]));
}

LineReader::~LineReader() {
  if (owns_fd_) close(fd_);
  close(wake_read_);
  close(wake_write_);
}

void LineReader::Cancel() {
  // One byte is enough: the pipe is never drained, so it stays readable and every later Next()
  // sees it too. A full pipe (EAGAIN) means an earlier Cancel() already did the job.
  const char byte = 1;
  [[maybe_unused]] ssize_t ignored = write(wake_write_, &byte, 1);
}

bool LineReader::TakeLine(std::string* line) {
  size_t newline = buffer_.find('\n', scan_from_);
  size_t end = newline;
  size_t next = newline + 1;
  if (newline == std::string::npos) {
    // Remember how far we looked, so a long line arriving in many reads is scanned once.
    scan_from_ = buffer_.size();
    if (!input_ended_ || start_ == buffer_.size()) return false;
    end = next = buffer_.size();
  }
  if (end > start_ && buffer_[end - 1] == '\r') --end;
  line->assign(buffer_, start_, end - start_);
  start_ = scan_from_ = next;
  if (start_ * 2 >= buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = scan_from_ = 0;
  }
  return true;
}

LineReader::Result LineReader::Next(std::string* line) {
  while (true) {
    // Cancel() is checked first, so that it wins even while lines are buffered; the wait is only
    // indefinite when nothing is buffered and more input may come.
    pollfd fds[2] = {{wake_read_, POLLIN, 0}, {fd_, POLLIN, 0}};
    nfds_t count = input_ended_ ? 1 : 2;
    bool can_answer_now = input_ended_ || buffer_.find('\n', scan_from_) != std::string::npos;
    if (poll(fds, count, can_answer_now ? 0 : -1) < 0) {
      if (errno == EINTR) continue;
      return Result::kError;
    }
    if (fds[0].revents != 0) return Result::kCancelled;
    if (TakeLine(line)) return Result::kLine;
    if (input_ended_) return Result::kEndOfInput;
    if ((fds[1].revents & POLLNVAL) != 0) {
      // Stdin was closed (`sluice stream <&-`): treat it as empty input.
      input_ended_ = true;
      continue;
    }
    if (fds[1].revents == 0) continue;
    char chunk[64 * 1024];
    ssize_t n = read(fd_, chunk, sizeof(chunk));
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
    } else if (n == 0) {
      input_ended_ = true;
    } else if (errno != EINTR && errno != EAGAIN) {
      return Result::kError;
    }
  }
}

}  // namespace sluice::cli
