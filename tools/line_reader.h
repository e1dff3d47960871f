// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Reads lines from a file descriptor (stdin) in a way another thread can interrupt, so that the
// stream command's writer thread, waiting for interactive input, can be stopped when the server
// ends the stream first.

#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace sluice::cli {

class LineReader;
using LineReaderPtr = std::unique_ptr<LineReader>;

// A line reader over stdin or a file. It waits with poll() on the descriptor and on a private
// wake-up pipe, which Cancel() writes to. Owned by the command that reads; Next() is called by one
// thread (the writer), Cancel() by any thread.
class LineReader {
 public:
  enum class Result { kLine, kEndOfInput, kCancelled, kError };

  // A reader of the process's standard input. Fails only if the process is out of descriptors
  // for the wake-up pipe. If stdin was closed when the program started (`sluice stream <&-`),
  // the reader returns kEndOfInput at once.
  static absl::StatusOr<LineReaderPtr> ForStdin();

  // A reader of the file at `path`, which it opens and owns; "-" is ForStdin(). Errors name the
  // file: "cannot open '<path>': <reason>".
  static absl::StatusOr<LineReaderPtr> Open(const std::string& path);

  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader();

  // Reader thread only. Blocks until a whole line is available and stores it in `*line` without
  // its "\n" (or "\r\n"). A last line without a newline is still returned before kEndOfInput.
  // After kCancelled or kEndOfInput, further calls return the same result. kError means read()
  // or poll() failed with errno set.
  Result Next(std::string* line);

  // Thread-safe. Makes a blocked or future Next() return kCancelled.
  void Cancel();

 private:
  LineReader(int fd, bool owns_fd, int wake_read, int wake_write)
      : fd_(fd),
        owns_fd_(owns_fd),
        wake_read_(wake_read),
        wake_write_(wake_write),
        input_ended_(fd < 0) {}

  // The reader of `fd` plus a new wake-up pipe.
  static absl::StatusOr<LineReaderPtr> Create(int fd, bool owns_fd);

  bool TakeLine(std::string* line);

  // -1 if there is no input at all.
  const int fd_;
  const bool owns_fd_;
  const int wake_read_;
  const int wake_write_;
  // Bytes read but not yet returned start at buffer_[start_]; compacted lazily so that many
  // short lines in one read() cost linear time. buffer_[start_, scan_from_) holds no newline.
  std::string buffer_;
  size_t start_ = 0;
  size_t scan_from_ = 0;
  bool input_ended_;
};

}  // namespace sluice::cli
