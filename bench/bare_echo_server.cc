// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// bare_echo_server: the transport's ceiling. A bare gRPC callback-API server for
// sluice.v1.Inference with no actors, no metrics and only the queueing gRPC forces on
// us (one write in flight): Stream and Infer echo, Generate streams a blob copied from
// memory and Ingest counts. sluice_stream_bench reports how much of that ceiling
// sluiced keeps.

#include <pthread.h>
#include <signal.h>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <absl/base/thread_annotations.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>

#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::bench {
namespace {

using ::sluice::v1::InferRequest;
using ::sluice::v1::InferResponse;

constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

// Responses waiting behind the single in-flight write. Reading pauses at this depth,
// so a client that does not read its responses cannot grow our memory without bound;
// HTTP/2 flow control then pushes back on it.
constexpr size_t kMaxPendingWrites = 64;

// Fills `response` as the echo of `request`. Moves the strings out of `request`
// rather than copying them; the caller reuses `request` for the next read.
void EchoInto(InferRequest& request, uint64_t response_sequence, InferResponse& response) {
  response.set_stream_id(std::move(*request.mutable_stream_id()));
  response.set_sequence(response_sequence);
  response.set_request_sequence(request.sequence());
  response.set_model(std::move(*request.mutable_model()));
  response.set_payload(std::move(*request.mutable_payload()));
  response.set_final(true);
}

// One bidi Stream call. gRPC owns it: Stream() returns it with `new` and OnDone()
// deletes it. Reactions may run concurrently on gRPC's callback threads (a read and
// a write complete independently), so the write state lives under `mu_`; the read
// side (`request_`, `next_sequence_`) is touched only by the one read in flight.
class EchoStreamReactor final : public grpc::ServerBidiReactor<InferRequest, InferResponse> {
 public:
  EchoStreamReactor() { StartRead(&request_); }

  // Reaction: echoes one request, writing it now if no write is in flight.
  void OnReadDone(bool ok) override {
    if (!ok) {  // The client half-closed, or the call broke (then OnCancel follows).
      std::optional<grpc::Status> finish;
      {
        absl::MutexLock lock(&mu_);
        reads_done_ = true;
        finish = TakeFinishLocked();
      }
      if (finish) Finish(*std::move(finish));
      return;
    }
    InferResponse response;
    EchoInto(request_, ++next_sequence_, response);

    const InferResponse* write_now = nullptr;
    bool read_next = false;
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_ || write_failed_) return;  // Nobody will read it; stop reading too.
      outbox_.push_back(std::move(response));
      if (!write_in_flight_) {
        write_in_flight_ = true;
        write_now = &outbox_.front();
      }
      read_next = PendingWritesLocked() < kMaxPendingWrites;
      read_paused_ = !read_next;
    }
    // The message at the front of a deque keeps its address while we push behind
    // it, and only OnWriteDone (after this write completes) pops it.
    if (write_now != nullptr) StartWrite(write_now);
    if (read_next) StartRead(&request_);
  }

  // Reaction: retires the finished write and starts the next one, resuming reads
  // if they were paused on a full outbox.
  void OnWriteDone(bool ok) override {
    const InferResponse* write_now = nullptr;
    bool read_next = false;
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      outbox_.pop_front();
      if (!ok) write_failed_ = true;
      if (cancelled_ || write_failed_) {
        outbox_.clear();
      } else if (!outbox_.empty()) {
        write_now = &outbox_.front();
      }
      write_in_flight_ = write_now != nullptr;
      if (read_paused_ && !cancelled_ && !write_failed_ &&
          PendingWritesLocked() < kMaxPendingWrites) {
        read_paused_ = false;
        read_next = true;
      }
      finish = TakeFinishLocked();
    }
    if (write_now != nullptr) StartWrite(write_now);
    if (read_next) StartRead(&request_);
    if (finish) Finish(*std::move(finish));
  }

  // Reaction: the client went away or the deadline passed. Finish once, but not
  // while a write is in flight: OnWriteDone(false) will follow and finish then.
  void OnCancel() override {
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      finish = TakeFinishLocked();
    }
    if (finish) Finish(*std::move(finish));
  }

  // Reaction: the last one gRPC makes; nothing touches this reactor afterwards.
  void OnDone() override {
    delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's reactor lifetime.
  }

 private:
  size_t PendingWritesLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return outbox_.size() - (write_in_flight_ ? 1 : 0);
  }

  // Returns the status to Finish with if the call is ready to finish now, and
  // records that it has been finished, so that Finish runs exactly once.
  std::optional<grpc::Status> TakeFinishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || write_in_flight_) return std::nullopt;
    if (cancelled_) {
      finished_ = true;
      return grpc::Status(grpc::StatusCode::CANCELLED, "stream cancelled");
    }
    if (write_failed_) {
      finished_ = true;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "write to client failed");
    }
    if (reads_done_ && outbox_.empty()) {
      finished_ = true;
      return grpc::Status::OK;
    }
    return std::nullopt;
  }

  InferRequest request_;        // Target of the one read in flight.
  uint64_t next_sequence_ = 0;  // Last response sequence handed out; read side only.

  absl::Mutex mu_;
  // The front element is the write in flight when write_in_flight_ is set.
  std::deque<InferResponse> outbox_ ABSL_GUARDED_BY(mu_);
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool read_paused_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool write_failed_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

// Generate's source: pseudo-random bytes, more than the caches hold, so that a chunk
// is copied from memory as a model producing fresh data would write it. Built on
// first use, then shared read-only by every call.
constexpr size_t kBlobSourceBytes = 64 << 20;
constexpr uint64_t kMaxBlobBytes = uint64_t{1} << 30;
constexpr uint64_t kMaxChunkBytes = 4 << 20;  // As the `blob` model allows.

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

// One Generate call: the requested "size_bytes" in "chunk_bytes" chunks, each copied
// once from BlobSource() and hashed with SHA-256, as the `blob` model hashes what it
// sends; the last chunk carries the digest and final=true. gRPC owns the reactor
// (deleted in OnDone). One write is in flight at a time, and the next chunk is built
// while it is written, so OnWriteDone() may run on another thread while the build is
// still going: `mu_` hands the next write to whichever of the two finishes last.
class BlobWriteReactor final : public grpc::ServerWriteReactor<InferResponse> {
 public:
  explicit BlobWriteReactor(const InferRequest& request) : stream_id_(request.stream_id()) {
    const std::optional<uint64_t> size =
        SizeParameter(request, "size_bytes", 8 << 20, kMaxBlobBytes);
    const std::optional<uint64_t> chunk =
        SizeParameter(request, "chunk_bytes", 1 << 20, kMaxChunkBytes);
    if (!size || !chunk) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "size_bytes and chunk_bytes must be integers in [1, 1 GiB] and "
                          "[1, 4 MiB]"));
      return;
    }
    size_ = *size;
    chunk_bytes_ = *chunk;
    total_chunks_ = (size_ + chunk_bytes_ - 1) / chunk_bytes_;
    model_ = request.model();
    request_sequence_ = request.sequence();
    hash_.reset(EVP_MD_CTX_new());
    if (hash_ == nullptr || EVP_DigestInit_ex(hash_.get(), EVP_sha256(), nullptr) != 1) {
      Finish(grpc::Status(grpc::StatusCode::INTERNAL, "cannot start a SHA-256"));
      return;
    }
    Build(buffers_[0]);
    WriteBuilt();
  }

  // Reaction: the chunk in flight is sent; write the next once it is built.
  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      if (!ok) write_failed_ = true;
      if (building_) {  // WriteBuilt() continues when the build ends.
        write_done_early_ = true;
        return;
      }
    }
    WriteBuilt();
  }

  void OnDone() override {
    delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's reactor lifetime.
  }

 private:
  struct FreeDigest {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };

  // Fills `response` with chunk next_chunk_ and advances.
  void Build(InferResponse& response) {
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

  // Writes the chunk built last, and builds the next one while it is written. Runs
  // when no write is in flight and no build is going.
  void WriteBuilt() ABSL_LOCKS_EXCLUDED(mu_) {
    while (true) {
      InferResponse* next = nullptr;
      InferResponse* to_build = nullptr;
      {
        absl::MutexLock lock(&mu_);
        if (write_failed_) break;
        next = &buffers_[built_];
        built_ ^= 1;
        to_build = &buffers_[built_];  // The other buffer: its write is done.
        building_ = !next->final();
      }
      if (next->final()) {
        StartWriteAndFinish(next, grpc::WriteOptions(), grpc::Status::OK);
        return;
      }
      StartWrite(next);
      Build(*to_build);
      absl::MutexLock lock(&mu_);
      building_ = false;
      if (!write_done_early_) return;  // OnWriteDone() will call us.
      write_done_early_ = false;
    }
    // The client went away; no write is in flight now.
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write to client failed"));
  }

  const std::string stream_id_;
  std::string model_;
  uint64_t request_sequence_ = 0;
  uint64_t size_ = 0;
  uint64_t chunk_bytes_ = 1;
  uint64_t total_chunks_ = 0;
  uint64_t next_chunk_ = 0;  // The next to build.
  std::unique_ptr<EVP_MD_CTX, FreeDigest> hash_;
  // Two chunks: one being written (gRPC reads it until OnWriteDone), one built.
  std::array<InferResponse, 2> buffers_;

  absl::Mutex mu_;
  int built_ ABSL_GUARDED_BY(mu_) = 0;  // Index of the built chunk not yet written.
  bool building_ ABSL_GUARDED_BY(mu_) = false;
  bool write_done_early_ ABSL_GUARDED_BY(mu_) = false;  // OnWriteDone() came mid-build.
  bool write_failed_ ABSL_GUARDED_BY(mu_) = false;
};

// One Ingest call: counts the requests and their payload bytes and answers once, at
// the client's half-close, with "count" and "size_bytes". gRPC owns the reactor
// (deleted in OnDone). One read is always in flight until the last, so the
// reactions never overlap.
class CountReadReactor final : public grpc::ServerReadReactor<InferRequest> {
 public:
  CountReadReactor(grpc::CallbackServerContext* context, InferResponse* response)
      : context_(context), response_(response) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (ok) {
      if (count_ == 0) {
        response_->set_stream_id(request_.stream_id());
        response_->set_model(request_.model());
      }
      ++count_;
      bytes_ += request_.payload().size();
      response_->set_request_sequence(request_.sequence());
      StartRead(&request_);
      return;
    }
    if (context_->IsCancelled()) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled"));
      return;
    }
    response_->set_sequence(1);
    (*response_->mutable_parameters())["count"] = absl::StrCat(count_);
    (*response_->mutable_parameters())["size_bytes"] = absl::StrCat(bytes_);
    response_->set_final(true);
    Finish(grpc::Status::OK);
  }

  void OnDone() override {
    delete this;  // NOLINT(cppcoreguidelines-owning-memory): gRPC's reactor lifetime.
  }

 private:
  grpc::CallbackServerContext* const context_;
  InferResponse* const response_;  // gRPC's, sent by Finish.
  InferRequest request_;           // Target of the one read in flight.
  uint64_t count_ = 0;
  uint64_t bytes_ = 0;
};

// The service. The server owns nothing of it; main() owns it and outlives the
// server. gRPC calls its methods on any of its threads, and it keeps no state.
class BareEchoService final : public ::sluice::v1::Inference::CallbackService {
 public:
  // Keep the generated synchronous overloads visible (-Woverloaded-virtual).
  using ::sluice::v1::Inference::CallbackService::Generate;
  using ::sluice::v1::Inference::CallbackService::Infer;
  using ::sluice::v1::Inference::CallbackService::Ingest;
  using ::sluice::v1::Inference::CallbackService::Stream;

  grpc::ServerBidiReactor<InferRequest, InferResponse>* Stream(
      grpc::CallbackServerContext* /*context*/) override {
    return new EchoStreamReactor();  // Deleted by its own OnDone().
  }

  grpc::ServerUnaryReactor* Infer(grpc::CallbackServerContext* context, const InferRequest* request,
                                  InferResponse* response) override {
    InferRequest copy = *request;
    EchoInto(copy, 1, *response);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerWriteReactor<InferResponse>* Generate(grpc::CallbackServerContext* /*context*/,
                                                    const InferRequest* request) override {
    return new BlobWriteReactor(*request);  // Deleted by its own OnDone().
  }

  grpc::ServerReadReactor<InferRequest>* Ingest(grpc::CallbackServerContext* context,
                                                InferResponse* response) override {
    return new CountReadReactor(context, response);  // Deleted by its own OnDone().
  }
};

void PrintUsage() {
  std::fprintf(stderr,
               "usage: bare_echo_server [--listen HOST:PORT]\n"
               "  --listen HOST:PORT  address to serve on (default 127.0.0.1:0, a free port)\n"
               "Prints 'bare_echo_server listening on HOST:PORT' once started; exits 0 on\n"
               "SIGINT or SIGTERM.\n");
}

int Run(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--listen" && i + 1 < argc) {
      listen = argv[++i];
    } else if (arg.rfind("--listen=", 0) == 0) {
      listen = arg.substr(sizeof("--listen=") - 1);
    } else {
      PrintUsage();
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
  }
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "bare_echo_server: --listen wants HOST:PORT, got '%s'\n", listen.c_str());
    return 2;
  }

  // Block the stop signals before gRPC starts its threads, which inherit the mask,
  // so that only sigwait() below ever sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  BareEchoService service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "bare_echo_server: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  std::printf("bare_echo_server listening on %s:%d\n", listen.substr(0, colon).c_str(), port);
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server->Wait();
  return 0;
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) { return sluice::bench::Run(argc, argv); }
