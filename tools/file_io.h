// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Files as `sluice` subcommands read and write them, with errors that name the file: a whole
// payload file, a file read in chunks (upload), and an output file that appears under its name
// only once it is complete and verified (download).

#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sluice::cli {

// How messages name an input path: the path, or "stdin" for "-".
inline std::string DisplayPath(const std::string& path) { return path == "-" ? "stdin" : path; }

// The whole content of `path`; "-" reads stdin. Errors read "cannot read '<path>': <reason>".
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// A file read front to back in chunks. Owns its stdio stream; move-only; one thread at a time.
class InputFile {
 public:
  // Opens `path` for reading; "-" is stdin (whose size is unknown).
  static absl::StatusOr<InputFile> Open(const std::string& path);

  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  // The size of a regular file, unset for a pipe or terminal.
  std::optional<uint64_t> size() const { return size_; }

  // Replaces `*chunk` with the next up to `max_bytes` bytes; an empty chunk means end of file.
  absl::Status ReadChunk(size_t max_bytes, std::string* chunk);

 private:
  InputFile(std::string path, std::FILE* file, std::optional<uint64_t> size)
      : path_(std::move(path)), file_(file), size_(size) {}

  std::string path_;
  std::FILE* file_;
  std::optional<uint64_t> size_;
};

// A file written in order under a temporary name ("<path>.part") that Commit() renames to `path`;
// destroying it uncommitted removes the partial file, so a failed download leaves no truncated
// file behind. Owns its stdio stream; not copyable or movable; one thread at a time.
class OutputFile {
 public:
  explicit OutputFile(std::string path) : path_(std::move(path)) {}
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();

  // Creates (truncates) the temporary file.
  absl::Status Open();
  absl::Status Write(absl::string_view bytes);
  // Flushes, closes and renames the temporary file to the final path.
  absl::Status Commit();

  const std::string& path() const { return path_; }

 private:
  std::string TempPath() const { return path_ + ".part"; }

  const std::string path_;
  std::FILE* file_ = nullptr;
  // Whether the temporary file is ours to remove: created by Open() and not yet renamed.
  bool created_ = false;
};

}  // namespace sluice::cli
