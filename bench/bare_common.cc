// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The answers of the bare servers (see bare_common.h).

#include "bench/bare_common.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>

namespace sluice::bench {
namespace {

using ::sluice::v1::InferRequest;
using ::sluice::v1::InferResponse;

constexpr size_t kBlobSourceBytes = 64 << 20;
constexpr uint64_t kMaxBlobBytes = uint64_t{1} << 30;
constexpr uint64_t kMaxChunkBytes = 4 << 20;  // As the `blob` model allows.

// Generate's source: pseudo-random bytes, more than the caches hold, so that a chunk
// is copied from memory as a model producing fresh data would write it. Built on
// first use, then shared read-only by every call.
const std::string& BlobSource() {
  static const std::string* const source = [] {
    auto* bytes = new std::string(kBlobSourceBytes, '\0');
    uint64_t state = 0x9e3779b97f4a7c15;  // xorshift64
    for (size_t i = 0; i + 8 <= bytes->size(); i += 8) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      std::memcpy(bytes->data() + i, &state, 8);
    }
    return bytes;
  }();
  return *source;
}

// Parameter `name` of `request` as an integer in [1, max], or `fallback` if absent;
// nullopt if present but not such an integer.
std::optional<uint64_t> SizeParameter(const InferRequest& request, const std::string& name,
                                      uint64_t fallback, uint64_t max) {
  const auto found = request.parameters().find(name);
  if (found == request.parameters().end()) return fallback;
  uint64_t value = 0;
  if (!absl::SimpleAtoi(found->second, &value) || value == 0 || value > max) return std::nullopt;
  return value;
}

}  // namespace

void EchoInto(InferRequest& request, uint64_t response_sequence, InferResponse& response) {
  response.set_stream_id(std::move(*request.mutable_stream_id()));
  response.set_sequence(response_sequence);
  response.set_request_sequence(request.sequence());
  response.set_model(std::move(*request.mutable_model()));
  response.set_payload(std::move(*request.mutable_payload()));
  response.set_final(true);
}

absl::Status BlobChunks::Start(const InferRequest& request) {
  const std::optional<uint64_t> size = SizeParameter(request, "size_bytes", 8 << 20, kMaxBlobBytes);
  const std::optional<uint64_t> chunk =
      SizeParameter(request, "chunk_bytes", 1 << 20, kMaxChunkBytes);
  if (!size || !chunk) {
    return absl::InvalidArgumentError(
        "size_bytes and chunk_bytes must be integers in [1, 1 GiB] and [1, 4 MiB]");
  }
  stream_id_ = request.stream_id();
  model_ = request.model();
  request_sequence_ = request.sequence();
  size_ = *size;
  chunk_bytes_ = *chunk;
  total_chunks_ = (size_ + chunk_bytes_ - 1) / chunk_bytes_;
  next_chunk_ = 0;
  hash_.reset(EVP_MD_CTX_new());
  if (hash_ == nullptr || EVP_DigestInit_ex(hash_.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("cannot start a SHA-256");
  }
  return absl::OkStatus();
}

void BlobChunks::Build(InferResponse& response) {
  const uint64_t offset = next_chunk_ * chunk_bytes_;
  const uint64_t length = std::min(chunk_bytes_, size_ - offset);
  response.Clear();
  response.set_stream_id(stream_id_);
  response.set_sequence(next_chunk_ + 1);
  response.set_request_sequence(request_sequence_);
  response.set_model(model_);
  std::string* payload = response.mutable_payload();
  payload->resize(length);
  const std::string& source = BlobSource();
  // Where the source wraps, the chunk takes two copies; together, still one pass.
  for (uint64_t done = 0; done < length;) {
    const uint64_t from = (offset + done) % source.size();
    const uint64_t n = std::min<uint64_t>(length - done, source.size() - from);
    std::memcpy(payload->data() + done, source.data() + from, n);
    done += n;
  }
  EVP_DigestUpdate(hash_.get(), payload->data(), payload->size());
  auto& parameters = *response.mutable_parameters();
  parameters["chunk_index"] = absl::StrCat(next_chunk_);
  parameters["total_chunks"] = absl::StrCat(total_chunks_);
  parameters["offset"] = absl::StrCat(offset);
  parameters["size_bytes"] = absl::StrCat(size_);
  const bool last = ++next_chunk_ == total_chunks_;
  if (last) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
    unsigned int digest_size = 0;
    EVP_DigestFinal_ex(hash_.get(), digest.data(), &digest_size);
    std::string hex;
    for (unsigned int i = 0; i < digest_size; ++i) {
      absl::StrAppend(&hex, absl::Hex(digest[i], absl::kZeroPad2));
    }
    parameters["sha256"] = std::move(hex);
  }
  response.set_final(last);
}

ListenArgs ParseListenArgs(int argc, char** argv, const char* program, const char* handoff_help) {
  ListenArgs args{.address = "127.0.0.1:0"};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) {
      args.address = argv[++i];
    } else if (arg.rfind("--listen=", 0) == 0) {
      args.address = arg.substr(sizeof("--listen=") - 1);
    } else if (arg == "--handoff" && handoff_help != nullptr) {
      args.handoff = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--listen HOST:PORT]%s\n"
                   "  --listen HOST:PORT  address to serve on (default 127.0.0.1:0, a free port)\n"
                   "%s"
                   "Prints '%s listening on HOST:PORT' once started; exits 0 on SIGINT or\n"
                   "SIGTERM.\n",
                   program, handoff_help != nullptr ? " [--handoff]" : "",
                   handoff_help != nullptr ? handoff_help : "", program);
      args.exit_code = arg == "--help" || arg == "-h" ? 0 : 2;
      return args;
    }
  }
  if (args.address.rfind(':') == std::string::npos) {
    std::fprintf(stderr, "%s: --listen wants HOST:PORT, got '%s'\n", program, args.address.c_str());
    args.exit_code = 2;
  }
  return args;
}

sigset_t BlockStopSignals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

void IngestAnswer::Add(const InferRequest& request, InferResponse& response) {
  if (received_ == 0) {
    response.set_stream_id(request.stream_id());
    response.set_model(request.model());
  }
  ++received_;
  bytes_ += request.payload().size();
  if (!tally_.Add(request.payload()).ok()) ++rejected_;
  response.set_request_sequence(request.sequence());
}

void IngestAnswer::Finish(InferResponse& response) const {
  response.set_sequence(1);
  tally_.AppendSummaries(response.mutable_payload());
  auto& parameters = *response.mutable_parameters();
  parameters["content_type"] = "application/x-ndjson";
  parameters["count"] = absl::StrCat(received_);
  parameters["size_bytes"] = absl::StrCat(bytes_);
  parameters["sensors"] = absl::StrCat(tally_.sensors());
  if (rejected_ != 0) parameters["rejected"] = absl::StrCat(rejected_);
  response.set_final(true);
}

}  // namespace sluice::bench
