// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/blob_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/models/parameters.h"
#include "engine/models/sha256.h"

namespace sluice::models {
namespace {

constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kMinBlobBytes = 128;
constexpr uint64_t kMaxBlobBytes = 1024 * kMiB;
// A chunk must fit one gRPC message: the server's default limit is 4 MiB of
// payload plus room for the envelope.
constexpr uint64_t kMaxChunkBytes = 4 * kMiB;
// Room for "P6\n", the seed comment and "W H\n255\n" with the largest numbers.
constexpr uint64_t kHeaderReserve = 96;
// Netpbm asks for lines of at most 70 characters; padding comments obey it.
constexpr uint64_t kMaxCommentLine = 70;

// A binary PPM (P6) image of exactly `size` bytes: the largest W x H pixels
// that fit, and a header padded with comment lines to take up the rest. The
// picture is a red/green gradient with a blue XOR texture that depends on the
// seed. Bytes are computed on demand from their offset, so a chunk never
// needs the rest of the image.
class PpmImage {
 public:
  PpmImage(uint64_t size, uint64_t seed) : seed_(seed) {
    const uint64_t pixels = (size - kHeaderReserve) / 3;
    // Of the widths between square and 2:1, the one that wastes the fewest
    // pixels (usually none); the waste becomes header padding.
    const auto side = static_cast<uint64_t>(std::sqrt(static_cast<double>(pixels)));
    width_ = std::max<uint64_t>(side, 1);
    uint64_t best = (pixels / width_) * width_;
    for (uint64_t w = width_ + 1; w <= 2 * side && best != pixels; ++w) {
      if ((pixels / w) * w > best) {
        best = (pixels / w) * w;
        width_ = w;
      }
    }
    height_ = pixels / width_;
    const std::string dimensions = absl::StrCat(width_, " ", height_, "\n255\n");
    header_ = absl::StrCat("P6\n# sluice blob seed=", seed, "\n");
    uint64_t padding = size - 3 * width_ * height_ - header_.size() - dimensions.size();
    while (padding > 0) {
      if (padding == 1) {  // Too short for a comment; any whitespace may precede W.
        header_ += '\n';
        break;
      }
      uint64_t line = std::min(padding, kMaxCommentLine);
      if (padding - line == 1) --line;  // Never leave a single byte.
      header_ += '#';
      header_.append(line - 2, ' ');
      header_ += '\n';
      padding -= line;
    }
    header_ += dimensions;
    // A row's bytes before the row's own colours are applied: each column's
    // red, a 0 for green, and the low 8 bits of x for blue.
    row_template_.resize(3 * width_);
    for (uint64_t x = 0; x < width_; ++x) {
      row_template_[3 * x] = Ramp(x, width_);
      row_template_[3 * x + 1] = 0;
      row_template_[3 * x + 2] = static_cast<uint8_t>(x);
    }
  }

  uint64_t width() const { return width_; }
  uint64_t height() const { return height_; }

  // Writes the image's bytes [offset, offset + length) to `out`.
  void Fill(uint64_t offset, char* out, uint64_t length) const {
    if (offset < header_.size()) {
      const uint64_t n = std::min<uint64_t>(length, header_.size() - offset);
      std::memcpy(out, header_.data() + offset, n);
      out += n;
      offset += n;
      length -= n;
    }
    const uint64_t row_bytes = row_template_.size();
    uint64_t byte = offset - header_.size();  // Into the pixels.
    while (length > 0) {
      const uint64_t from = byte % row_bytes;
      const uint64_t n = std::min(length, row_bytes - from);
      FillRow(byte / row_bytes, from, reinterpret_cast<uint8_t*>(out), n);
      out += n;
      byte += n;
      length -= n;
    }
  }

 private:
  // Sixteen bytes in one vector register (SSE2 on x86-64, NEON on arm64);
  // + wraps per byte, as uint8_t does.
  typedef uint8_t Bytes16 __attribute__((vector_size(16)));
  // The channel pattern repeats every 3 bytes, and 48 bytes make 3 vectors.
  static constexpr uint64_t kPeriod = 48;
  static constexpr uint64_t kVectors = kPeriod / sizeof(Bytes16);

  // Writes bytes [from, from + n) of pixel row `y`. Byte i of a row is
  // (template[i] ^ flip[i]) + add[i] (mod 256): red passes through, green
  // becomes the row's green, and blue becomes (x ^ y) + seed.
  void FillRow(uint64_t y, uint64_t from, uint8_t* out, uint64_t n) const {
    alignas(16) uint8_t flip[kPeriod];
    alignas(16) uint8_t add[kPeriod];
    const uint8_t green = Ramp(y, height_);
    for (uint64_t k = 0; k < kPeriod; ++k) {
      const uint64_t channel = k % 3;
      flip[k] = channel == 2 ? static_cast<uint8_t>(y) : 0;
      add[k] = channel == 1 ? green : channel == 2 ? static_cast<uint8_t>(seed_) : 0;
    }
    const uint8_t* in = row_template_.data() + from;
    uint64_t i = 0;
    // Byte by byte up to a period boundary of the row, then whole periods.
    for (; i < n && (from + i) % kPeriod != 0; ++i) {
      const uint64_t k = (from + i) % kPeriod;
      out[i] = static_cast<uint8_t>((in[i] ^ flip[k]) + add[k]);
    }
    Bytes16 flips[kVectors];
    Bytes16 adds[kVectors];
    std::memcpy(flips, flip, kPeriod);
    std::memcpy(adds, add, kPeriod);
    for (; i + kPeriod <= n; i += kPeriod) {
      for (uint64_t v = 0; v < kVectors; ++v) {
        Bytes16 bytes;
        std::memcpy(&bytes, in + i + v * sizeof(Bytes16), sizeof(Bytes16));
        bytes = (bytes ^ flips[v]) + adds[v];
        std::memcpy(out + i + v * sizeof(Bytes16), &bytes, sizeof(Bytes16));
      }
    }
    for (; i < n; ++i) {
      const uint64_t k = (from + i) % kPeriod;
      out[i] = static_cast<uint8_t>((in[i] ^ flip[k]) + add[k]);
    }
  }

  static uint8_t Ramp(uint64_t i, uint64_t n) {
    return n <= 1 ? 0 : static_cast<uint8_t>(i * 255 / (n - 1));
  }

  const uint64_t seed_;
  uint64_t width_ = 1;
  uint64_t height_ = 1;
  std::string header_;
  std::vector<uint8_t> row_template_;  // One row's worth, not the image.
};

// Streams one generated image per request, one chunk per call.
class DownloadSession final : public ModelSession {
 public:
  explicit DownloadSession(std::shared_ptr<const SessionContext> context)
      : context_(std::move(context)) {}

  Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
    absl::StatusOr<uint64_t> size =
        internal::UintParameter(request, "size_bytes", 8 * kMiB, kMinBlobBytes, kMaxBlobBytes);
    absl::StatusOr<uint64_t> chunk =
        internal::UintParameter(request, "chunk_bytes", kMiB, 1, kMaxChunkBytes);
    absl::StatusOr<uint64_t> seed = internal::UintParameter(request, "seed", 0, 0, UINT64_MAX);
    for (const absl::Status& status : {size.status(), chunk.status(), seed.status()}) {
      if (!status.ok()) return internal::RejectRequest(*context_, sink, status);
    }
    image_.emplace(*size, *seed);
    size_ = *size;
    chunk_bytes_ = *chunk;
    total_chunks_ = (size_ + chunk_bytes_ - 1) / chunk_bytes_;
    next_chunk_ = 0;
    hash_.Reset();
    return OnResume(sink);
  }

  // One chunk per call: the session holds no more than the chunk it builds,
  // and other sessions on this thread get a turn between chunks.
  Step OnResume(ResponseSink& sink) override {
    if (sink.room() == 0) return Step::Resume();
    const uint64_t offset = next_chunk_ * chunk_bytes_;
    const uint64_t length = std::min(chunk_bytes_, size_ - offset);
    v1::InferResponse response;
    std::string* payload = response.mutable_payload();
    payload->resize(length);
    image_->Fill(offset, payload->data(), length);
    hash_.Update(*payload);
    auto& parameters = *response.mutable_parameters();
    parameters["chunk_index"] = absl::StrCat(next_chunk_);
    parameters["total_chunks"] = absl::StrCat(total_chunks_);
    parameters["offset"] = absl::StrCat(offset);
    parameters["size_bytes"] = absl::StrCat(size_);
    if (next_chunk_ == 0) {
      parameters["content_type"] = "image/x-portable-pixmap";
      parameters["width"] = absl::StrCat(image_->width());
      parameters["height"] = absl::StrCat(image_->height());
    }
    const bool last = ++next_chunk_ == total_chunks_;
    if (last) {
      absl::StatusOr<std::string> digest = hash_.HexDigest();
      if (!digest.ok()) return Step::Fail(digest.status());
      parameters["sha256"] = *std::move(digest);
      image_.reset();
    }
    (void)sink.Emit(std::move(response));  // room() >= 1 was checked above.
    return last ? Step::Done() : Step::Resume();
  }

 private:
  const std::shared_ptr<const SessionContext> context_;
  std::optional<PpmImage> image_;
  uint64_t size_ = 0;
  uint64_t chunk_bytes_ = 0;
  uint64_t total_chunks_ = 0;
  uint64_t next_chunk_ = 0;
  internal::Sha256 hash_;
};

// Receives chunks in order and confirms what arrived at half-close.
class UploadSession final : public ModelSession {
 public:
  explicit UploadSession(std::shared_ptr<const SessionContext> context)
      : context_(std::move(context)) {}

  Step OnRequest(const v1::InferRequest& request, ResponseSink& sink) override {
    const std::string* index_text = internal::FindParameter(request, "chunk_index");
    if (index_text == nullptr) {
      return internal::RejectRequest(
          *context_, sink,
          absl::InvalidArgumentError(absl::StrCat(
              "upload chunk without a 'chunk_index' parameter; expected chunk_index ", chunks_)));
    }
    absl::StatusOr<uint64_t> index =
        internal::UintParameter(request, "chunk_index", 0, 0, UINT64_MAX);
    if (!index.ok()) return internal::RejectRequest(*context_, sink, index.status());
    if (*index != chunks_) {
      return internal::RejectRequest(
          *context_, sink,
          absl::InvalidArgumentError(absl::StrCat("upload chunks must arrive in order: expected ",
                                                  "chunk_index ", chunks_, ", received ", *index)));
    }
    hash_.Update(request.payload());
    size_ += request.payload().size();
    ++chunks_;
    return Step::Done();  // Ingest answers once, at half-close.
  }

  Step OnHalfClose(ResponseSink& sink) override {
    absl::StatusOr<std::string> digest = hash_.HexDigest();
    if (!digest.ok()) return Step::Fail(digest.status());
    v1::InferResponse confirmation;
    auto& parameters = *confirmation.mutable_parameters();
    parameters["size_bytes"] = absl::StrCat(size_);
    parameters["chunks"] = absl::StrCat(chunks_);
    parameters["sha256"] = *std::move(digest);
    (void)sink.Emit(std::move(confirmation));  // The call's only response: room >= 1.
    return Step::Done();
  }

 private:
  const std::shared_ptr<const SessionContext> context_;
  uint64_t size_ = 0;
  uint64_t chunks_ = 0;
  internal::Sha256 hash_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ModelSession>> BlobModel::NewSession(
    const std::shared_ptr<const SessionContext>& context) {
  if (absl::Status status = internal::CheckRpcKind(
          *context,
          {RpcKind::kServerStreaming, RpcKind::kBidiStreaming, RpcKind::kClientStreaming});
      !status.ok()) {
    return status;
  }
  if (context->rpc_kind() == RpcKind::kClientStreaming) {
    return std::make_unique<UploadSession>(context);
  }
  return std::make_unique<DownloadSession>(context);
}

}  // namespace sluice::models
