// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the file helpers of `sluice` (see file_io.h).

#include "tools/file_io.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sluice::cli {
namespace {

absl::Status FileError(absl::string_view action, absl::string_view path) {
  return absl::ErrnoToStatus(errno, absl::StrCat("cannot ", action, " '", path, "'"));
}

}  // namespace

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  absl::StatusOr<InputFile> file = InputFile::Open(path);
  if (!file.ok()) return file.status();
  std::string content;
  std::string chunk;
  while (true) {
    if (absl::Status status = file->ReadChunk(1 << 20, &chunk); !status.ok()) return status;
    if (chunk.empty()) return content;
    content += chunk;
  }
}

absl::StatusOr<InputFile> InputFile::Open(const std::string& path) {
  if (path == "-") return InputFile(path, stdin, std::nullopt);
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return FileError("open", path);
  struct stat info {};
  if (fstat(fileno(file), &info) != 0) {
    absl::Status error = FileError("stat", path);
    std::fclose(file);
    return error;
  }
  if (S_ISDIR(info.st_mode)) {
    std::fclose(file);
    return absl::InvalidArgumentError(absl::StrCat("cannot read '", path, "': it is a directory"));
  }
  std::optional<uint64_t> size;
  if (S_ISREG(info.st_mode)) size = static_cast<uint64_t>(info.st_size);
  return InputFile(path, file, size);
}

InputFile::InputFile(InputFile&& other) noexcept
    : path_(std::move(other.path_)),
      file_(std::exchange(other.file_, nullptr)),
      size_(other.size_) {}

InputFile::~InputFile() {
  if (file_ != nullptr && file_ != stdin) std::fclose(file_);
}

absl::Status InputFile::ReadChunk(size_t max_bytes, std::string* chunk) {
  chunk->resize(max_bytes);
  size_t filled = 0;
  // fread may return short counts on pipes before the end: fill the chunk unless at EOF.
  while (filled < max_bytes) {
    size_t n = std::fread(chunk->data() + filled, 1, max_bytes - filled, file_);
    filled += n;
    if (n == 0) {
      if (std::ferror(file_)) return FileError("read", DisplayPath(path_));
      break;
    }
  }
  chunk->resize(filled);
  return absl::OkStatus();
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (created_) std::remove(TempPath().c_str());
}

absl::Status OutputFile::Open() {
  file_ = std::fopen(TempPath().c_str(), "wb");
  if (file_ == nullptr) return FileError("create", TempPath());
  created_ = true;
  return absl::OkStatus();
}

absl::Status OutputFile::Write(absl::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return FileError("write", TempPath());
  }
  return absl::OkStatus();
}

absl::Status OutputFile::Commit() {
  std::FILE* file = std::exchange(file_, nullptr);
  if (std::fclose(file) != 0) return FileError("write", TempPath());
  if (std::rename(TempPath().c_str(), path_.c_str()) != 0) return FileError("rename to", path_);
  created_ = false;
  return absl::OkStatus();
}

}  // namespace sluice::cli
