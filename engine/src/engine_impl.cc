// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/src/engine_impl.h"

#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <thread>
#include <utility>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"

namespace sluice {
namespace {

// After the drain deadline, streams still open are ended with UNAVAILABLE;
// this is how long they get to deliver that status before gRPC cancels them.
constexpr std::chrono::seconds kAbortGrace{2};

// 0 means one thread per CPU this process may run on: its affinity mask, not
// the machine's core count, so a server pinned to one core (taskset, cgroup
// cpusets) does not pay for threads that can only take turns.
uint32_t ThreadsOrCores(uint32_t threads) {
  if (threads != 0) return threads;
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) > 0) {
    return static_cast<uint32_t>(CPU_COUNT(&cpus));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

EngineImpl::EngineImpl(EngineOptions options) : options_(std::move(options)) {
  if (options_.enable_metrics) {
    metrics_ = std::make_shared<metrics::EngineMetrics>(options_.metrics_registry);
    stream_gauges_ = std::make_shared<StreamGaugesCollector>(live_streams_);
    process_collector_ = std::make_shared<metrics::ProcessCollector>();
  }
}

EngineImpl::~EngineImpl() {
  Shutdown(std::chrono::milliseconds(0));
  exposer_.reset();  // Before the collectables it scrapes.
}

absl::Status EngineImpl::RegisterModel(ModelSpec spec) {
  absl::MutexLock lock(&mu_);
  if (state_ != State::kCreated) {
    return absl::FailedPreconditionError("models must be registered before Start()");
  }
  return registry_.Add(std::move(spec));
}

absl::Status EngineImpl::Start() {
  absl::MutexLock lock(&mu_);
  if (state_ != State::kCreated) return absl::FailedPreconditionError("the engine was started");

  if (absl::Status metrics = StartMetricsEndpoint(); !metrics.ok()) return metrics;
  if (metrics_ != nullptr) registry_.AttachInstruments(*metrics_);
  stream_pool_ = std::make_unique<actors::AsioScheduler>(ThreadsOrCores(options_.stream_threads));
  model_pool_ = std::make_unique<actors::AsioScheduler>(ThreadsOrCores(options_.model_threads));
  actors::StreamEnvironment environment{
      .stream_executor = stream_pool_->executor(),
      .model_executor = model_pool_->executor(),
      .settings = {.credits_per_stream = options_.credits_per_stream,
                   .outbound_window = options_.outbound_window,
                   .max_payload_bytes = options_.max_payload_bytes,
                   .max_messages_per_turn = options_.max_messages_per_turn},
      .registry = std::make_shared<const actors::ModelRegistry>(registry_),
      .counters = &counters_,
      .metrics = metrics_.get(),
      .live_streams = &live_streams_,
      .census = &census_,
      .run_inline = options_.run_stream_actors_inline,
  };
  environment_.emplace(std::move(environment));
  service_ = std::make_unique<transport::InferenceService>(*environment_);

  const uint64_t max_message = options_.max_message_bytes != 0
                                   ? options_.max_message_bytes
                                   : options_.max_payload_bytes + (64u << 10);
  if (options_.enable_reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.listen_address, grpc::InsecureServerCredentials(), &port_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<uint64_t>(max_message, INT32_MAX)));
  builder.SetMaxSendMessageSize(static_cast<int>(std::min<uint64_t>(max_message, INT32_MAX)));
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    exposer_.reset();
    metrics_port_ = 0;
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.listen_address,
                                               " (address in use, or not a local address?)"));
  }
  state_ = State::kRunning;
  return absl::OkStatus();
}

int EngineImpl::port() const {
  absl::MutexLock lock(&mu_);
  return port_;
}

int EngineImpl::metrics_port() const {
  absl::MutexLock lock(&mu_);
  return metrics_port_;
}

std::shared_ptr<prometheus::Registry> EngineImpl::metrics_registry() const {
  return metrics_ != nullptr ? metrics_->registry() : nullptr;
}

std::vector<std::shared_ptr<prometheus::Collectable>> EngineImpl::metrics_collectables() const {
  if (metrics_ == nullptr) return {};
  return {metrics_, stream_gauges_, process_collector_};
}

absl::Status EngineImpl::StartMetricsEndpoint() {
  if (metrics_ == nullptr || options_.metrics_address.empty()) return absl::OkStatus();
  // prometheus-cpp reports a bind failure by throwing; keep it inside.
  try {
    // One thread: scrapes come every few seconds and are cheap.
    exposer_ = std::make_unique<prometheus::Exposer>(options_.metrics_address, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", options_.metrics_address,
                     " (address in use, or not a local address?): ", e.what()));
  }
  exposer_->RegisterCollectable(metrics_->registry());
  for (const auto& collectable : metrics_collectables()) exposer_->RegisterCollectable(collectable);
  const std::vector<int> ports = exposer_->GetListeningPorts();
  metrics_port_ = ports.empty() ? 0 : ports.front();
  return absl::OkStatus();
}

void EngineImpl::Shutdown(std::chrono::milliseconds drain) {
  absl::MutexLock lock(&mu_);
  if (state_ == State::kStopped) return;
  if (state_ == State::kCreated) {
    state_ = State::kStopped;
    return;
  }
  state_ = State::kStopped;
  const auto deadline = std::chrono::steady_clock::now() + drain;

  // grpc::Server::Shutdown stops accepting at once and blocks until the calls
  // in flight end, cancelling them at its deadline. Run it beside the drain so
  // we can end late streams ourselves, with a status that says why.
  const auto server_deadline = std::chrono::system_clock::now() + drain + kAbortGrace;
  std::thread stopper([this, server_deadline] { server_->Shutdown(server_deadline); });
  if (!live_streams_.WaitUntilEmpty(deadline)) {
    live_streams_.AbortAll(absl::UnavailableError(
        "the server is shutting down and its drain deadline passed; retry on another replica"));
  }
  stopper.join();
  server_->Wait();
  // Every reactor is done. The actors' last turns (ReactorDone, the sessions'
  // Close) may still be queued on either pool, and each may post to the
  // other, so neither pool can be joined first: an Asio pool that has been
  // joined runs nothing posted later. Wait until every actor has ended, then
  // join both. A model call that never returns would hold this up; the wait
  // is bounded, and the joins then wait for that call alone.
  if (!census_.WaitUntilNone(std::chrono::steady_clock::now() + kAbortGrace)) {
    std::fprintf(stderr,
                 "sluice: %lld stream and %lld session actors still running at shutdown; a model "
                 "call may be blocked\n",
                 static_cast<long long>(census_.alive(actors::ActorCensus::Kind::kStream)),
                 static_cast<long long>(census_.alive(actors::ActorCensus::Kind::kSession)));
  }
  stream_pool_->Join();
  model_pool_->Join();
}

EngineStats EngineImpl::Stats() const {
  using Counters = metrics::EngineCounters;
  EngineStats stats;
  stats.streams_started = Counters::Read(counters_.streams_started);
  stats.streams_finished = Counters::Read(counters_.streams_finished);
  stats.streams_active = stats.streams_started - stats.streams_finished;
  stats.messages_received = Counters::Read(counters_.messages_received);
  stats.messages_sent = Counters::Read(counters_.messages_sent);
  stats.error_responses = Counters::Read(counters_.error_responses);
  stats.sessions_cancelled = Counters::Read(counters_.sessions_cancelled);
  stats.outbound_window_peak = Counters::Read(counters_.outbound_window_peak);
  stats.credits_in_use_peak = Counters::Read(counters_.credits_in_use_peak);
  stats.stream_actors_alive = census_.alive(actors::ActorCensus::Kind::kStream);
  stats.session_actors_alive = census_.alive(actors::ActorCensus::Kind::kSession);
  return stats;
}

}  // namespace sluice
