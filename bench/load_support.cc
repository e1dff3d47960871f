// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The shared parts of sluice_stream_bench's client loads (see load_support.h).

#include "bench/load_support.h"

#include <time.h>

#include <chrono>
#include <cmath>
#include <thread>
#include <utility>

#include <absl/strings/str_cat.h>
#include <absl/time/time.h>

namespace sluice::bench {
namespace {

using Clock = std::chrono::steady_clock;

// CPU time of this process so far, all threads, in seconds.
double OwnCpuSeconds() {
  timespec now;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) != 0) return NAN;
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

constexpr int kMaxMessageBytes = 64 * 1024 * 1024;
constexpr size_t kMaxProblems = 8;

}  // namespace

void LoadRunState::AddProblem(std::string problem) {
  absl::MutexLock lock(&mu_);
  if (problems_.size() < kMaxProblems) problems_.push_back(std::move(problem));
}

void LoadRunState::AddFailureLocked(const std::string& what, const grpc::Status& status) {
  ++failed_calls_;
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) model_missing_ = true;
  if (problems_.size() < kMaxProblems) {
    problems_.push_back(absl::StrCat(what, " ended with status ", status.error_code(), ": ",
                                     status.error_message()));
  }
}

void LoadRunState::CallDone(const std::string& what, const grpc::Status& status) {
  absl::MutexLock lock(&mu_);
  if (!status.ok()) AddFailureLocked(what, status);
  ++done_workers_;
}

void LoadRunState::CallFailed(const std::string& what, const grpc::Status& status) {
  absl::MutexLock lock(&mu_);
  AddFailureLocked(what, status);
}

void LoadRunState::WorkerDone() {
  absl::MutexLock lock(&mu_);
  ++done_workers_;
}

bool LoadRunState::AwaitDone(int workers, double timeout_seconds) {
  auto all_done = [this, workers]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return done_workers_ == workers; };
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(absl::Condition(&all_done), absl::Seconds(timeout_seconds));
}

uint64_t LoadRunState::failed_calls() {
  absl::MutexLock lock(&mu_);
  return failed_calls_;
}

bool LoadRunState::model_missing() {
  absl::MutexLock lock(&mu_);
  return model_missing_;
}

std::vector<std::string> LoadRunState::problems() {
  absl::MutexLock lock(&mu_);
  return problems_;
}

std::shared_ptr<grpc::Channel> ConnectForLoad(const std::string& target, int calls,
                                              StreamLoadResult& result) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // A fresh connection per run.
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    result.failed_streams = static_cast<uint64_t>(calls);
    result.problems.push_back(absl::StrCat("cannot connect to ", target));
    return nullptr;
  }
  return channel;
}

double MeasureInterval(const StreamLoadOptions& options, const std::function<uint64_t()>& count,
                       LoadRunState& run, StreamLoadResult& result) {
  std::this_thread::sleep_for(std::chrono::duration<double>(options.warmup_seconds));
  const double start_cpu = options.server_cpu_seconds ? options.server_cpu_seconds() : NAN;
  const uint64_t start_count = count();
  const double start_own_cpu = OwnCpuSeconds();
  const Clock::time_point start = Clock::now();
  run.recording.store(true, std::memory_order_relaxed);
  std::this_thread::sleep_for(std::chrono::duration<double>(options.seconds));
  run.recording.store(false, std::memory_order_relaxed);
  const Clock::time_point end = Clock::now();
  const double end_own_cpu = OwnCpuSeconds();
  const uint64_t end_count = count();
  const double end_cpu = options.server_cpu_seconds ? options.server_cpu_seconds() : NAN;
  const double seconds = std::chrono::duration<double>(end - start).count();
  result.measured_units = end_count - start_count;
  result.units_per_second = static_cast<double>(result.measured_units) / seconds;
  result.server_cpu_seconds = end_cpu - start_cpu;  // NaN if either is.
  result.client_cpu_share = (end_own_cpu - start_own_cpu) / seconds;
  return seconds;
}

std::string PatternPayload(size_t bytes) {
  std::string payload(bytes, '\0');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  return payload;
}

}  // namespace sluice::bench
