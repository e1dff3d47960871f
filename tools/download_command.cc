// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// `sluice download`: every chunk must come in order (chunk_index 0, 1, ... of total_chunks, at the
// offset the bytes so far reach); the last announces the SHA-256 of the whole, which must match
// the bytes written. The file appears under its name only when all of that held.

#include "tools/download_command.h"

#include <optional>
#include <string>
#include <tuple>

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
#include "tools/sha256.h"

namespace sluice::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"output", FlagKind::kValue}, {"size", FlagKind::kValue},      {"chunk-size", FlagKind::kValue},
    {"seed", FlagKind::kValue},   {"progress", FlagKind::kSwitch},
};

constexpr uint64_t kGiB = uint64_t{1} << 30;

constexpr CommandSpec kSpec = {
    .name = "download",
    .flags = kFlags,
    .default_model = "blob",
    .usage_head = R"(Usage: sluice download --output FILE [flags]

Downloads a blob from the `blob` model (one Generate call; it generates a
deterministic PPM image of the requested size) and writes it to FILE, chunk by
chunk as they arrive. Checks that the chunks come in order (chunk_index 0, 1,
... of total_chunks) and that the SHA-256 the server announces with the last
chunk matches the bytes written. The data goes to FILE.part first and is
renamed to FILE only once verified. A progress bar (bytes, percentage, MB/s) is
shown on stderr, and a summary line with the throughput at the end.

Flags:
  --output FILE         where to write the blob (required)
  --size BYTES          the blob's size, e.g. 67108864, 64M or 1G
                        (default: the model's, 8 MiB)
  --chunk-size BYTES    bytes per chunk (default: the model's, 1 MiB)
  --seed N              varies the generated image (default 0)
  --model NAME          model to download from (default blob)
  --progress            show the progress bar even when stderr is not a
                        terminal (on a terminal it is always shown)
)",
    .usage_tail = R"(
Exit status: 0 when the blob is written and verified, 1 if the call failed, a
check failed or FILE cannot be written, 2 on a usage error.

Example:
  sluice download --size 64M --output image.ppm
)",
    .positional_hint = "name the file with --output",
};

// Checks each chunk against what came before and writes it. Owned by the command; main thread.
class ChunkSink {
 public:
  ChunkSink(OutputFile* file, ProgressLine* progress, std::optional<uint64_t> expected_size)
      : file_(file), progress_(progress), size_(expected_size) {}

  absl::Status Add(const v1::InferResponse& chunk) {
    const std::optional<uint64_t> index = UintParameter(chunk, blob::kChunkIndex);
    const std::optional<uint64_t> total = UintParameter(chunk, blob::kTotalChunks);
    if (!index.has_value() || !total.has_value()) {
      return Mismatch(absl::StrCat("chunk ", chunks_, " lacks the ", blob::kChunkIndex, " or ",
                                   blob::kTotalChunks, " parameter"));
    }
    if (*index != chunks_) {
      return Mismatch(absl::StrCat("expected chunk_index ", chunks_, ", got ", *index));
    }
    if (total_chunks_.has_value() && *total != *total_chunks_) {
      return Mismatch(absl::StrCat("total_chunks changed from ", *total_chunks_, " to ", *total,
                                   " at chunk ", *index));
    }
    if (*index >= *total) {
      return Mismatch(absl::StrCat("chunk_index ", *index, " is not below total_chunks ", *total));
    }
    total_chunks_ = *total;
    if (std::optional<uint64_t> offset = UintParameter(chunk, blob::kOffset);
        offset.has_value() && *offset != bytes_) {
      return Mismatch(
          absl::StrCat("chunk ", *index, " is at offset ", *offset, ", expected ", bytes_));
    }
    if (std::optional<uint64_t> size = UintParameter(chunk, blob::kSizeBytes)) size_ = *size;
    if (absl::Status status = file_->Write(chunk.payload()); !status.ok()) return status;
    hash_.Update(chunk.payload());
    bytes_ += chunk.payload().size();
    ++chunks_;
    if (const std::string* sha256 = FindParameter(chunk, blob::kSha256)) announced_ = *sha256;
    progress_->Update([&] { return FormatTransferProgress(bytes_, size_, progress_->elapsed()); });
    return absl::OkStatus();
  }

  // After the call ended OK: were all chunks there, and do size and digest match? Returns the
  // verified digest.
  absl::StatusOr<std::string> Verify() {
    if (!total_chunks_.has_value() || chunks_ != *total_chunks_) {
      return Mismatch(absl::StrCat("the download ended after ", chunks_, " of ",
                                   total_chunks_.has_value() ? absl::StrCat(*total_chunks_) : "?",
                                   " chunks"));
    }
    if (size_.has_value() && bytes_ != *size_) {
      return Mismatch(absl::StrCat("received ", bytes_, " bytes, but size_bytes is ", *size_));
    }
    if (announced_.empty()) return Mismatch("the last chunk announced no sha256");
    absl::StatusOr<std::string> digest = hash_.HexDigest();
    if (!digest.ok()) return digest.status();
    if (*digest != announced_) {
      return Mismatch(absl::StrCat("sha256 of the received bytes is ", *digest,
                                   ", the server announced ", announced_));
    }
    return digest;
  }

  uint64_t bytes() const { return bytes_; }
  uint64_t chunks() const { return chunks_; }
  std::optional<uint64_t> size() const { return size_; }

 private:
  static absl::Status Mismatch(absl::string_view what) {
    return absl::DataLossError(absl::StrCat("download failed its check: ", what));
  }

  OutputFile* const file_;
  ProgressLine* const progress_;
  std::optional<uint64_t> size_;
  std::optional<uint64_t> total_chunks_;
  uint64_t bytes_ = 0;
  uint64_t chunks_ = 0;
  std::string announced_;
  Sha256 hash_;
};

}  // namespace

int RunDownloadCommand(absl::Span<const char* const> args) {
  CommandLine command_line(kSpec);
  if (!command_line.Parse(args)) return command_line.exit_code();
  const ParsedFlags& flags = command_line.flags();
  const std::string output = flags.ValueOr("output", "");
  if (output.empty()) return command_line.UsageError("--output FILE is required");
  const CallOptions& options = command_line.call();
  v1::InferRequest request = MakeRequest(options);
  auto& parameters = *request.mutable_parameters();
  std::optional<uint64_t> size;
  for (const auto& [flag, parameter, max] : {std::tuple{"size", blob::kSizeBytes, 64 * kGiB},
                                             std::tuple{"chunk-size", blob::kChunkBytes, kGiB}}) {
    if (!flags.Has(flag)) continue;
    absl::StatusOr<uint64_t> bytes = ParseByteSize(flag, flags.ValueOr(flag, ""), 1, max);
    if (!bytes.ok()) return command_line.UsageError(bytes.status().message());
    parameters[std::string(parameter)] = absl::StrCat(*bytes);
    if (parameter == blob::kSizeBytes) size = *bytes;
  }
  if (flags.Has("seed")) {
    absl::StatusOr<uint64_t> seed = ParseCount("seed", flags.ValueOr("seed", ""), 0, UINT64_MAX);
    if (!seed.ok()) return command_line.UsageError(seed.status().message());
    parameters[std::string(blob::kSeed)] = absl::StrCat(*seed);
  }

  OutputFile file(output);
  if (absl::Status status = file.Open(); !status.ok()) return ReportLocalFailure(status);
  ProgressLine progress(flags.Has("progress"));
  ChunkSink sink(&file, &progress, size);
  int exit_code = RunGenerate(
      options, request,
      [&](const v1::InferResponse& chunk) -> absl::StatusOr<NextStep> {
        if (absl::Status status = sink.Add(chunk); !status.ok()) return status;
        return NextStep::kContinue;
      },
      [&] { progress.Finish(); });
  if (exit_code != kExitOk) return exit_code;
  absl::StatusOr<std::string> digest = sink.Verify();
  if (absl::Status status = digest.ok() ? file.Commit() : digest.status(); !status.ok()) {
    progress.Finish();
    return ReportLocalFailure(status);
  }
  progress.Finish(FormatTransferProgress(sink.bytes(), sink.size(), progress.elapsed()));
  absl::FPrintF(stderr, "%s\n",
                FormatTransferSummary(absl::StrCat("downloaded ", output, ":"), sink.bytes(),
                                      sink.chunks(), progress.elapsed(), *digest));
  return kExitOk;
}

}  // namespace sluice::cli
