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

// After the drain, once every stream has ended, the calls left are other
// services': health watchers (told NOT_SERVING when the drain began) and
// reflection streams, which never end by themselves, and idle connections.
// gRPC's shutdown gives them this long, then cancels them, so that a health
// watcher or an idle client does not hold every drain to its deadline.
constexpr std::chrono::seconds kServerShutdownGrace{1};

// How long, after the drain, the streams' and sessions' actors get to end
// (a model call that never returns would hold them up).
constexpr std::chrono::seconds kActorsGrace{2};

// 0 means one thread per CPU this process may run on: its affinity mask, not
// the machine's core count, so a server pinned to one core (taskset, cgroup
// cpusets) does not pay for threads that can only take turns.
actors::StreamSettings SettingsFrom(const EngineOptions& options) {
  return actors::StreamSettings{
      .credits_per_stream = options.credits_per_stream,
      .credit_bytes_per_stream = options.credit_bytes_per_stream,
      .outbound_window = options.outbound_window,
      .max_payload_bytes = options.max_payload_bytes,
      .max_messages_per_turn = options.max_messages_per_turn,
      .default_deadline = options.default_deadline,
      .max_deadline = options.max_deadline,
      .resume_grace = options.resume.grace,
      .replay =
          actors::ReplayLimits{
              .max_messages = options.resume.replay_messages,
              .max_bytes = options.resume.replay_bytes,
              .max_age = options.resume.replay_age,
          },
      .max_requests_in_flight = options.admission.max_requests_in_flight,
      .tenant_metadata_key = options.admission.tenant_metadata_key,
      .max_streams_per_tenant = options.admission.max_streams_per_tenant,
      .max_requests_in_flight_per_tenant = options.admission.max_requests_in_flight_per_tenant,
      .retry_pushback = options.admission.retry_pushback,
  };
}

int Millis(std::chrono::milliseconds duration) {
  return static_cast<int>(std::min<int64_t>(duration.count(), INT32_MAX));
}

// HTTP/2 keepalive and connection limits as gRPC channel arguments.
void ApplyConnectionOptions(const ConnectionOptions& connection, grpc::ServerBuilder& builder) {
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(connection.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Millis(connection.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             Millis(connection.min_ping_interval));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
                             connection.permit_keepalive_without_calls ? 1 : 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, connection.max_ping_strikes);
  if (connection.max_connection_idle.count() > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                               Millis(connection.max_connection_idle));
  }
  if (connection.max_connection_age.count() > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                               Millis(connection.max_connection_age));
  }
  if (connection.max_connection_age_grace.count() > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                               Millis(connection.max_connection_age_grace));
  }
  if (connection.max_concurrent_streams_per_connection > 0) {
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                               static_cast<int>(std::min<uint32_t>(
                                   connection.max_concurrent_streams_per_connection, INT32_MAX)));
  }
}

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

EngineImpl::EngineImpl(EngineOptions options)
    : options_(std::move(options)),
      live_settings_(SettingsFrom(options_)),
      catalog_(std::make_shared<const actors::ModelRegistry>()),
      thread_policy_(options_.batch_scheduling ? actors::ThreadPolicy::kBatch
                                               : actors::ThreadPolicy::kNormal) {
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

absl::Status EngineImpl::ReplaceModels(std::vector<ModelSpec> models) {
  actors::ModelRegistry next;
  for (ModelSpec& spec : models) {
    if (absl::Status status = next.Add(std::move(spec)); !status.ok()) return status;
  }
  absl::MutexLock lock(&mu_);
  switch (state_) {
    case State::kCreated:
      registry_ = std::move(next);
      return absl::OkStatus();
    case State::kRunning: {
      PrepareRegistry(next);
      auto registry = std::make_shared<const actors::ModelRegistry>(std::move(next));
      catalog_.Replace(registry);
      model_health_.Publish(*registry);
      return absl::OkStatus();
    }
    case State::kStopped:
      break;
  }
  return absl::FailedPreconditionError("the engine has shut down");
}

absl::Status EngineImpl::SetModelServing(const std::string& model, bool serving,
                                         std::string reason) {
  return model_health_.SetServing(model, serving, std::move(reason));
}

void EngineImpl::PrepareRegistry(actors::ModelRegistry& registry) {
  if (metrics_ != nullptr) registry.AttachInstruments(*metrics_);
  model_health_.Prepare(registry);
  registry.ForEachEntry([this](actors::ModelEntry& entry) {
    entry.load = admission_.Model(entry.name);
    if (entry.worker_threads == 0 || entry.execution != Execution::kModelPool) return;
    const std::string key =
        absl::StrCat(entry.name, "\n", entry.version, "\n", entry.worker_threads);
    auto& pool = model_pools_[key];
    if (pool == nullptr) {
      pool = MakePool(entry.worker_threads, absl::StrCat("model ", entry.name, "'s pool"));
    }
    entry.executor = pool->executor();
  });
}

std::unique_ptr<actors::AsioScheduler> EngineImpl::MakePool(uint32_t threads,
                                                            const std::string& name) const {
  auto pool = std::make_unique<actors::AsioScheduler>(threads, thread_policy_);
  if (pool->policy_failures() != 0) {
    std::fprintf(stderr,
                 "sluice: %u of the %s's %u threads run without SCHED_BATCH (the kernel refused "
                 "it); they work, with more context switches\n",
                 pool->policy_failures(), name.c_str(), pool->threads());
  }
  return pool;
}

absl::Status EngineImpl::UpdateOptions(const EngineOptions& options) {
  absl::MutexLock lock(&options_mu_);
  if (payload_ceiling_ != 0 && options.max_payload_bytes > payload_ceiling_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_payload_bytes: ", options.max_payload_bytes,
        " is more than the running gRPC server's message limit carries (", payload_ceiling_,
        " bytes, fixed at start by max_message_bytes, or by max_payload_bytes when that is 0); "
        "a larger payload takes a restart"));
  }
  options_.credits_per_stream = options.credits_per_stream;
  options_.credit_bytes_per_stream = options.credit_bytes_per_stream;
  options_.outbound_window = options.outbound_window;
  options_.max_payload_bytes = options.max_payload_bytes;
  options_.max_messages_per_turn = options.max_messages_per_turn;
  options_.max_concurrent_streams = options.max_concurrent_streams;
  options_.default_deadline = options.default_deadline;
  options_.max_deadline = options.max_deadline;
  options_.resume = options.resume;
  options_.admission = options.admission;
  live_settings_.Replace(SettingsFrom(options_));
  live_streams_.set_max_streams(options_.max_concurrent_streams);
  return absl::OkStatus();
}

EngineOptions EngineImpl::options() const {
  absl::MutexLock lock(&options_mu_);
  return options_;
}

void EngineImpl::CountConfigReload(bool success) {
  if (metrics_ != nullptr) metrics_->ConfigReloaded(success);
}

absl::Status EngineImpl::Start() {
  absl::MutexLock lock(&mu_);
  if (state_ != State::kCreated) return absl::FailedPreconditionError("the engine was started");
  const EngineOptions options = this->options();

  if (absl::Status metrics = StartMetricsEndpoint(options); !metrics.ok()) return metrics;
  live_streams_.set_max_streams(options.max_concurrent_streams);
  auto registry = std::make_shared<actors::ModelRegistry>(registry_);
  PrepareRegistry(*registry);
  catalog_.Replace(registry);
  model_health_.Publish(*registry);
  // At least two stream threads by default, even on one core. gRPC's
  // threads preempt a pool thread (SCHED_BATCH yields to them), and with
  // only one, every stream waits while it is off the CPU. Measured on one
  // pinned core, unary x64: 49.8k calls/s with one thread, 58k with two, and
  // each gRPC thread went to sleep 2.6 times less often (docs/benchmarks.md).
  stream_pool_ = MakePool(
      options.stream_threads != 0 ? options.stream_threads : std::max(2u, ThreadsOrCores(0)),
      "stream pool");
  model_pool_ = MakePool(ThreadsOrCores(options.model_threads), "model pool");
  actors::StreamEnvironment environment{
      .stream_executor = stream_pool_->executor(),
      .model_executor = model_pool_->executor(),
      .settings = &live_settings_,
      .models = &catalog_,
      .counters = &counters_,
      .metrics = metrics_.get(),
      .live_streams = &live_streams_,
      .resumable_sessions = &resumable_sessions_,
      .admission = &admission_,
      .census = &census_,
      .run_inline = options.run_stream_actors_inline,
  };
  environment_.emplace(std::move(environment));
  service_ = std::make_unique<transport::InferenceService>(*environment_);

  {
    absl::MutexLock options_lock(&options_mu_);
    payload_ceiling_ =
        options.max_message_bytes != 0 ? options.max_message_bytes : options.max_payload_bytes;
  }
  const uint64_t max_message = options.max_message_bytes != 0
                                   ? options.max_message_bytes
                                   : options.max_payload_bytes + (64u << 10);
  if (options.enable_reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(), &port_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(std::min<uint64_t>(max_message, INT32_MAX)));
  builder.SetMaxSendMessageSize(static_cast<int>(std::min<uint64_t>(max_message, INT32_MAX)));
  ApplyConnectionOptions(options.connection, builder);
  builder.RegisterService(service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    exposer_.reset();
    metrics_port_ = 0;
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen_address,
                                               " (address in use, or not a local address?)"));
  }
  // Health reports SERVING only once the server takes calls.
  model_health_.AttachHealthService(server_->GetHealthCheckService());
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

absl::Status EngineImpl::StartMetricsEndpoint(const EngineOptions& options) {
  if (metrics_ == nullptr || options.metrics_address.empty()) return absl::OkStatus();
  // prometheus-cpp reports a bind failure by throwing; keep it inside.
  try {
    // One thread: scrapes come every few seconds and are cheap.
    exposer_ = std::make_unique<prometheus::Exposer>(options.metrics_address, 1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", options.metrics_address,
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

  // Health first: load balancers and health watchers learn NOT_SERVING
  // before anything else changes.
  model_health_.Shutdown();
  // New streams are refused from now on, with a status that says why; the
  // ones in flight keep running.
  live_streams_.RefuseNew(absl::UnavailableError(
      "the server is draining (shutting down) and takes no new streams; retry on another "
      "replica"));
  // A session held for a client that lost its call cannot finish without
  // it, and that client cannot come back to a draining server.
  resumable_sessions_.StopHolding();
  if (!live_streams_.WaitUntilEmpty(deadline)) {
    live_streams_.AbortAll(absl::UnavailableError(
        "the server is draining (shutting down) and its drain deadline passed before this "
        "stream ended; retry on another replica"));
  }
  // Only now grpc::Server::Shutdown (GOAWAY, close the listener): gRPC 1.51
  // closes a connection the moment its last stream ends after GOAWAY, and a
  // frame the client sends meanwhile then makes the kernel reset it, losing
  // statuses not yet sent. Once the streams are over, the GOAWAY's ping
  // round trip ensures the client has read everything before the close.
  (void)census_.WaitUntilNone(std::chrono::steady_clock::now() + kActorsGrace);
  server_->Shutdown(std::chrono::system_clock::now() + kServerShutdownGrace);
  server_->Wait();
  // Every reactor is done. The actors' last turns (ReactorDone, the sessions'
  // Close) may still be queued on either pool, and each may post to the
  // other, so neither pool can be joined first: an Asio pool that has been
  // joined runs nothing posted later. Wait until every actor has ended, then
  // join both. A model call that never returns would hold this up; the wait
  // is bounded, and the joins then wait for that call alone.
  if (!census_.WaitUntilNone(std::chrono::steady_clock::now() + kActorsGrace)) {
    std::fprintf(stderr,
                 "sluice: %lld stream and %lld session actors still running at shutdown; a model "
                 "call may be blocked\n",
                 static_cast<long long>(census_.alive(actors::ActorCensus::Kind::kStream)),
                 static_cast<long long>(census_.alive(actors::ActorCensus::Kind::kSession)));
  }
  stream_pool_->Join();
  model_pool_->Join();
  for (auto& [key, pool] : model_pools_) pool->Join();
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
  stats.sessions_detached = Counters::Read(counters_.sessions_detached);
  stats.sessions_resumed = Counters::Read(counters_.sessions_resumed);
  stats.sessions_evicted = Counters::Read(counters_.sessions_evicted);
  stats.requests_deduplicated = Counters::Read(counters_.requests_deduplicated);
  stats.resumable_sessions = static_cast<int64_t>(resumable_sessions_.size());
  return stats;
}

}  // namespace sluice
