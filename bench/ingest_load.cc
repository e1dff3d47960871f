// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The client-streaming load of sluice_stream_bench: Ingest calls that send sensor
// readings back to back, half-close, and check that the one answer counts them all.

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>

#include "bench/call_loads.h"
#include "bench/load_support.h"
#include "sluice/v1/inference.grpc.pb.h"

namespace sluice::bench {
namespace {

using ::sluice::v1::InferRequest;
using ::sluice::v1::InferResponse;

// Distinct readings each stream cycles through, so that the model parses varied
// numbers without the client formatting one per request.
constexpr size_t kReadingVariety = 256;
// Readings are written with gRPC's buffer hint, and every this many without, so
// that gRPC may put many readings in one send, as an ingesting client would.
// Without it each reading costs the client one sendmsg, and the client (one core)
// rather than the server sets the pace.
constexpr uint64_t kFlushEvery = 32;

// One Ingest call. RunIngestLoad() owns it and destroys it only after its OnDone().
// Reactions run on gRPC's callback threads; Start() and Stop() on the bench thread,
// which a hold (AddHold) keeps safe until Stop(). `mu_` guards the write state
// that Stop() shares with OnWriteDone().
class IngestStream final : public grpc::ClientWriteReactor<InferRequest> {
 public:
  IngestStream(int index, const std::string& model, const std::vector<std::string>& readings,
               LoadRunState& run)
      : index_(index), model_(model), readings_(readings), run_(run) {
    request_.set_stream_id(absl::StrCat("ingest-", index));
  }

  // Bench thread: opens the call and sends the first reading.
  void Start(::sluice::v1::Inference::Stub& stub) {
    stub.async()->Ingest(&context_, &response_, this);
    AddHold();  // Released by Stop().
    grpc::WriteOptions options;
    {
      absl::MutexLock lock(&mu_);
      options = PrepareLocked();
    }
    StartWrite(&request_, options);
    StartCall();
  }

  // Bench thread: sends no more readings; half-closes once the write in flight is
  // done.
  void Stop() {
    bool writes_done = false;
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      writes_done = TakeWritesDoneLocked();
    }
    if (writes_done) StartWritesDone();
    RemoveHold();
  }

  // Thread-safe until this stream is destroyed.
  void Cancel() { context_.TryCancel(); }

  // Thread-safe. Relaxed: a statistic read while it moves.
  uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }

  // Bench thread, after OnDone().
  bool mismatched() const { return mismatched_; }

  void OnWriteDone(bool ok) override {
    bool write = false;
    bool writes_done = false;
    grpc::WriteOptions options;
    {
      absl::MutexLock lock(&mu_);
      write_in_flight_ = false;
      if (ok) {
        sent_.fetch_add(1, std::memory_order_relaxed);
      } else {
        write_broken_ = true;  // The call is over; OnDone() says why.
      }
      writes_done = TakeWritesDoneLocked();
      if (!stopping_ && !write_broken_) {
        options = PrepareLocked();
        write = true;
      }
    }
    if (write) StartWrite(&request_, options);
    if (writes_done) StartWritesDone();
  }

  // Reaction: the last one. Do not touch `this` after CallDone().
  void OnDone(const grpc::Status& status) override {
    if (status.ok()) Check();
    run_.CallDone(absl::StrCat("ingest stream ", index_), status);
  }

 private:
  // Puts the next reading in request_, marks a write in flight and returns the
  // write's options. (WritesDone flushes whatever is still buffered.)
  grpc::WriteOptions PrepareLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    grpc::WriteOptions options;
    if (next_sequence_ % kFlushEvery != 0) options.set_buffer_hint();
    request_.set_sequence(next_sequence_);
    if (next_sequence_ == 1) {
      request_.set_model(model_);
    } else if (next_sequence_ == 2) {
      request_.clear_model();  // Only the first request selects the model.
    }
    request_.set_payload(readings_[next_sequence_ % readings_.size()]);
    ++next_sequence_;
    write_in_flight_ = true;
    return options;
  }

  // True once: when stopping with no write in flight.
  bool TakeWritesDoneLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!stopping_ || writes_done_ || write_in_flight_ || write_broken_) return false;
    writes_done_ = true;
    return true;
  }

  // The answer must count exactly the readings sent.
  void Check() {
    const uint64_t sent = sent_.load();
    const auto& parameters = response_.parameters();
    uint64_t count = 0;
    uint64_t bytes = 0;
    const auto found_count = parameters.find("count");
    const auto found_bytes = parameters.find("size_bytes");
    std::string problem;
    if (response_.has_error()) {
      problem =
          absl::StrCat("got error ", response_.error().code(), ": ", response_.error().message());
    } else if (found_count == parameters.end() || !absl::SimpleAtoi(found_count->second, &count)) {
      problem = "the answer has no count";
    } else if (count != sent) {
      problem = absl::StrCat("the answer counts ", count, " readings, ", sent, " were sent");
    } else if (found_bytes != parameters.end() && (!absl::SimpleAtoi(found_bytes->second, &bytes) ||
                                                   bytes != sent * readings_[0].size())) {
      problem = absl::StrCat("the answer counts ", found_bytes->second, " bytes, ",
                             sent * readings_[0].size(), " were sent");
    }
    if (problem.empty()) return;
    mismatched_ = true;
    run_.AddProblem(absl::StrCat("ingest stream ", index_, ": ", problem));
  }

  const int index_;
  const std::string model_;
  const std::vector<std::string>& readings_;  // Owned by RunIngestLoad().
  LoadRunState& run_;
  grpc::ClientContext context_;
  InferResponse response_;  // The call's one answer, valid in OnDone().
  std::atomic<uint64_t> sent_{0};
  bool mismatched_ = false;  // Set in OnDone().

  absl::Mutex mu_;
  // Source of the one write in flight: changed only by PrepareLocked(), never while
  // a write is in flight, so gRPC may read it unlocked.
  InferRequest request_;
  uint64_t next_sequence_ ABSL_GUARDED_BY(mu_) = 1;
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool write_broken_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool writes_done_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

std::string SensorReading(size_t index, size_t bytes) {
  // Plausible values that vary with the index, printed with enough digits that
  // the line is close to `bytes`; the last field's fraction makes up the rest.
  const double step = static_cast<double>(index);
  char line[256];
  const int n = std::snprintf(line, sizeof(line),
                              "plant-07/hall-2/line-%02zu/sensor-%03zu,%.3f,%.6f,%.6f,%.6f,%.8f",
                              index % 4, index % 16, 1767225600.0 + step * 0.25,
                              18.0 + (index % 97) * 0.0731, 40.0 + (index % 89) * 0.1043,
                              1013.25 - (index % 83) * 0.0217, 0.002 + (index % 79) * 0.00001731);
  std::string reading(line, n > 0 ? static_cast<size_t>(n) : 0);
  if (reading.size() > bytes) reading.resize(bytes);  // Only for tiny `bytes`.
  while (reading.size() < bytes) reading += static_cast<char>('1' + reading.size() % 9);
  return reading;
}

StreamLoadResult RunIngestLoad(const StreamLoadOptions& options) {
  StreamLoadResult result;
  std::shared_ptr<grpc::Channel> channel = ConnectForLoad(options.target, options.streams, result);
  if (channel == nullptr) return result;
  std::unique_ptr<::sluice::v1::Inference::Stub> stub = ::sluice::v1::Inference::NewStub(channel);
  std::vector<std::string> readings;
  for (size_t i = 0; i < kReadingVariety; ++i) {
    readings.push_back(SensorReading(i, options.payload_bytes));
  }

  LoadRunState run;
  std::vector<std::unique_ptr<IngestStream>> streams;
  for (int i = 0; i < options.streams; ++i) {
    streams.push_back(std::make_unique<IngestStream>(i, options.model, readings, run));
  }
  for (auto& stream : streams) stream->Start(*stub);
  auto total_sent = [&streams]() {
    uint64_t total = 0;
    for (const auto& stream : streams) total += stream->sent();
    return total;
  };
  MeasureInterval(options, total_sent, run, result);

  for (auto& stream : streams) stream->Stop();
  if (!run.AwaitDone(options.streams, options.drain_timeout_seconds)) {
    run.AddProblem(absl::StrCat("ingest streams did not finish within ",
                                options.drain_timeout_seconds, " s of half-closing; cancelled"));
    for (auto& stream : streams) stream->Cancel();
    // A cancelled call always ends, and the streams must outlive their calls.
    while (!run.AwaitDone(options.streams, options.drain_timeout_seconds)) {
    }
  }
  result.responses = total_sent();
  for (const auto& stream : streams) result.mismatches += stream->mismatched() ? 1 : 0;
  result.failed_streams = run.failed_calls();
  result.model_missing = run.model_missing();
  result.problems = run.problems();
  return result;
}

}  // namespace sluice::bench
