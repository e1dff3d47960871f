// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice upload`: reads the file one chunk at a time (memory stays at one chunk whatever the
// file's size), numbers the chunks from 0 in the chunk_index parameter, and hashes them as they
// go, so the confirmation can be checked without reading the file twice.

#include "tools/upload_command.h"

#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/call_options.h"
#include "tools/calls.h"
#include "tools/client_channel.h"
#include "tools/command.h"
#include "tools/file_io.h"
#include "tools/model_parameters.h"
#include "tools/progress_line.h"
#include "tools/response_printer.h"
#include "tools/sha256.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"file", FlagKind::kValue},
    {"chunk-size", FlagKind::kValue},
    {"progress", FlagKind::kSwitch},
};

constexpr uint64_t kMiB = uint64_t{1} << 20;
// A chunk must fit one gRPC message, whose default limit on the server is 4 MiB in all.
constexpr uint64_t kMaxChunkBytes = 4 * kMiB - 4096;

constexpr CommandSpec kSpec = {
    .name = "upload",
    .flags = kFlags,
    .output_switches = true,
    .default_model = "blob",
    .usage_head = R"(Usage: sluice upload FILE [flags]

Uploads FILE to the `blob` model with one client-streaming Ingest call, one
request per chunk (parameter chunk_index 0, 1, 2, ...). Prints the server's
confirmation (chunks=, sha256=, size_bytes=) and checks its size and SHA-256
against the file's. A progress bar (bytes, percentage, MB/s) is shown on
stderr, and a summary line with the throughput at the end.

Flags:
  FILE, --file PATH     the file to upload ("-" for stdin)
  --chunk-size BYTES    bytes per chunk, e.g. 262144 or 512K (default 1M,
                        at most 4 MiB less 4 KiB)
  --model NAME          model to upload to (default blob)
  --progress            show the progress bar even when stderr is not a
                        terminal (on a terminal it is always shown)
  --raw                 print the confirmation as one line
  --json                print the confirmation as one JSON object
)",
    .usage_tail = R"(
Exit status: 0 when the server confirmed the file's exact size and SHA-256, 1
if the call failed, the file cannot be read or the confirmation differs, 2 on a
usage error.

Example:
  sluice upload image.ppm
)",
    .max_positional = 1,
    .positional_hint = "give one file: FILE or --file PATH",
};

// Compares the server's confirmation with what was sent.
absl::Status CheckConfirmation(const v1::InferResponse& confirmation, uint64_t bytes,
                               const std::string& digest) {
  const std::optional<uint64_t> size = UintParameter(confirmation, blob::kSizeBytes);
  const std::string* sha256 = FindParameter(confirmation, blob::kSha256);
  if (!size.has_value() || sha256 == nullptr) {
    return absl::DataLossError(
        absl::StrCat("the confirmation lacks ", blob::kSizeBytes, " or ", blob::kSha256));
  }
  if (*size != bytes) {
    return absl::DataLossError(
        absl::StrCat("the server confirmed ", *size, " bytes, but ", bytes, " were sent"));
  }
  if (*sha256 != digest) {
    return absl::DataLossError(
        absl::StrCat("the server confirmed sha256 ", *sha256, ", but the file's is ", digest));
  }
  return absl::OkStatus();
}

}  // namespace

int RunUploadCommand(absl::Span<const char* const> args) {
  CommandLine command_line(kSpec);
  if (!command_line.Parse(args)) return command_line.exit_code();
  const ParsedFlags& flags = command_line.flags();
  absl::StatusOr<std::string> path = command_line.InputPath("");
  if (!path.ok()) return command_line.UsageError(path.status().message());
  if (path->empty()) return command_line.UsageError("give the file to upload: FILE or --file PATH");
  uint64_t chunk_bytes = kMiB;
  if (flags.Has("chunk-size")) {
    absl::StatusOr<uint64_t> bytes =
        ParseByteSize("chunk-size", flags.ValueOr("chunk-size", ""), 1, kMaxChunkBytes);
    if (!bytes.ok()) return command_line.UsageError(bytes.status().message());
    chunk_bytes = *bytes;
  }
  absl::StatusOr<InputFile> file = InputFile::Open(*path);
  if (!file.ok()) return ReportLocalFailure(file.status());

  const CallOptions& options = command_line.call();
  ProgressLine progress(flags.Has("progress"));
  Sha256 hash;
  uint64_t bytes = 0;
  uint64_t chunks = 0;
  auto next = [&](v1::InferRequest* request) -> absl::StatusOr<bool> {
    std::string* chunk = request->mutable_payload();
    if (absl::Status status = file->ReadChunk(chunk_bytes, chunk); !status.ok()) return status;
    // An empty file is one empty chunk: the first request is what names the model.
    if (chunk->empty() && chunks > 0) return false;
    (*request->mutable_parameters())[std::string(blob::kChunkIndex)] = absl::StrCat(chunks);
    hash.Update(*chunk);
    bytes += chunk->size();
    ++chunks;
    progress.Update(
        [&] { return FormatTransferProgress(bytes, file->size(), progress.elapsed()); });
    return true;
  };
  v1::InferResponse confirmation;
  uint64_t sent = 0;
  if (int exit_code = RunIngest(options, next, &confirmation, &sent, [&] { progress.Finish(); });
      exit_code != kExitOk) {
    return exit_code;
  }
  progress.Finish(FormatTransferProgress(bytes, file->size(), progress.elapsed()));
  const absl::Duration elapsed = progress.elapsed();
  if (absl::Status status = PrintResult(confirmation, options.output, stdout); !status.ok()) {
    return ReportLocalFailure(status);
  }
  absl::StatusOr<std::string> digest = hash.HexDigest();
  if (!digest.ok()) return ReportLocalFailure(digest.status());
  if (absl::Status status = CheckConfirmation(confirmation, bytes, *digest); !status.ok()) {
    return ReportLocalFailure(status);
  }
  absl::FPrintF(stderr, "%s\n",
                FormatTransferSummary(absl::StrCat("uploaded ", *path, ":"), bytes, chunks, elapsed,
                                      *digest));
  return kExitOk;
}

}  // namespace sluice::cli
