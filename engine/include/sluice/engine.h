// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The embedding API: build an Engine from options, register models, start it,
// and shut it down with a drain deadline.

#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sluice/model.h"

namespace prometheus {
class Collectable;
class Registry;
}  // namespace prometheus

namespace sluice {

/// HTTP/2 keepalive and connection policy of the gRPC listener (restart only).
/// Zero durations turn the corresponding limit off.
struct ConnectionOptions {
  /// Server pings an idle connection this often...
  std::chrono::milliseconds keepalive_time{std::chrono::hours(2)};
  /// ...and closes it when the ping is not answered within this.
  std::chrono::milliseconds keepalive_timeout{std::chrono::seconds(20)};
  /// Clients may ping no more often than this; faster pings are strikes.
  std::chrono::milliseconds min_ping_interval{std::chrono::minutes(5)};
  /// Allow client pings on a connection with no call open.
  bool permit_keepalive_without_calls = false;
  /// Strikes after which the server closes the connection (GOAWAY); 0: none.
  int max_ping_strikes = 2;
  /// Close a connection that had no call open for this long.
  std::chrono::milliseconds max_connection_idle{0};
  /// Close any connection after this long (with a GOAWAY; clients reconnect)...
  std::chrono::milliseconds max_connection_age{0};
  /// ...giving its open calls this long to finish.
  std::chrono::milliseconds max_connection_age_grace{0};
  /// Concurrent calls per connection (HTTP/2 SETTINGS); 0: gRPC's default.
  uint32_t max_concurrent_streams_per_connection = 0;
};

/// Resumable sessions (docs/resilience.md): a Stream or Generate call that
/// names a session in its metadata outlives a lost connection.
struct ResumeOptions {
  /// How long a session whose call was lost waits to be resumed; 0: calls
  /// cannot open resumable sessions. Live, for new sessions.
  std::chrono::milliseconds grace{std::chrono::seconds(30)};
  /// The most responses a session keeps for replay... Live, new sessions.
  uint32_t replay_messages = 1024;
  /// ...the most bytes (protobuf-encoded)...
  uint64_t replay_bytes = 16u << 20;
  /// ...and for how long after sending. A client that lost more than this
  /// cannot resume (OUT_OF_RANGE).
  std::chrono::milliseconds replay_age{std::chrono::seconds(60)};
};

/// Admission control and load shedding (docs/resilience.md): limits past
/// which a stream or request is refused with RESOURCE_EXHAUSTED and a
/// grpc-retry-pushback-ms trailer, before any model work. 0: no limit. All
/// live; the server-wide limit on streams is max_concurrent_streams, and a
/// model's own limits are in its ModelSpec.
struct AdmissionOptions {
  /// Requests in flight to models across the server.
  uint32_t max_requests_in_flight = 0;
  /// The call metadata key that names a call's tenant ("x-tenant-id", say);
  /// empty: no per-tenant limits. A call without the key is in no tenant.
  std::string tenant_metadata_key;
  /// Streams one tenant may have open at once.
  uint32_t max_streams_per_tenant = 0;
  /// Requests one tenant may have in flight at once.
  uint32_t max_requests_in_flight_per_tenant = 0;
  /// How long a refused client is told to wait before retrying.
  std::chrono::milliseconds retry_pushback{1000};
};

/// Everything an embedder sets when building an engine. Engine::UpdateOptions()
/// changes the fields marked "live" while the engine runs.
struct EngineOptions {
  /// gRPC listen address, HOST:PORT. Port 0 picks a free port (see Engine::port()).
  std::string listen_address = "127.0.0.1:50051";
  /// Threads of the pool that runs stream actors; 0 = one per core (of the
  /// process's CPU affinity), and at least two: gRPC's threads preempt a
  /// pool thread, and with one, every stream waits while it is preempted.
  uint32_t stream_threads = 0;
  /// Threads of the pool that runs model sessions; 0 = one per core.
  uint32_t model_threads = 0;
  /// Run the engine's pool threads (stream, model and per-model pools) under
  /// Linux's SCHED_BATCH policy, so a pool thread woken by a gRPC callback
  /// thread does not preempt it on wake-up: the gRPC thread usually finishes
  /// its completions and the pool then handles them in one turn. Fewer
  /// context switches per message on a shared core. Under EEVDF (Linux 6.6
  /// and later) a gRPC thread past its time slice can still be switched out
  /// at the wake-up; see docs/benchmarks.md. A thread whose policy the kernel
  /// refuses keeps SCHED_OTHER (a warning on stderr).
  bool batch_scheduling = true;
  /// Messages an actor handles before yielding its thread (fairness).
  /// Live, for new streams.
  uint32_t max_messages_per_turn = 64;
  /// Requests one stream may have in flight toward its model. Live, for new
  /// and open streams.
  uint32_t credits_per_stream = 64;
  /// Serialized bytes of the requests one stream may have in flight toward its
  /// model: the next is read only while under this or with none in flight.
  /// 0: no byte limit. Live, for new and open streams.
  uint64_t credit_bytes_per_stream = 8u << 20;
  /// Responses one stream may hold waiting for the client (including the one
  /// being written). A model that fills it is paused until writes complete.
  /// Live, for new and open streams.
  uint32_t outbound_window = 16;
  /// Largest request payload accepted; a larger one gets a RESOURCE_EXHAUSTED
  /// error response and the stream stays open. Live, for new and open streams.
  uint64_t max_payload_bytes = 4u << 20;
  /// Streams open at once; one more is refused with RESOURCE_EXHAUSTED before
  /// it starts. 0: no limit. Live (open streams are never ended by it).
  uint32_t max_concurrent_streams = 0;
  /// The deadline of a call that carries none (0: none). Live, new streams.
  std::chrono::milliseconds default_deadline{0};
  /// The longest any call may run, whatever its own deadline (0: no cap).
  /// Live, new streams.
  std::chrono::milliseconds max_deadline{0};
  ConnectionOptions connection;
  ResumeOptions resume;
  AdmissionOptions admission;
  /// Largest gRPC message the transport accepts or sends; a larger one ends
  /// the stream with RESOURCE_EXHAUSTED (gRPC's own check). Must be at least
  /// max_payload_bytes; 0 = max_payload_bytes + 64 KiB for the envelope.
  uint64_t max_message_bytes = 0;
  /// Run a stream actor's turn on the gRPC callback thread that woke it,
  /// instead of posting it to the stream pool (saves a thread hop; the actor
  /// never blocks and never runs model code). See docs/benchmarks.md.
  bool run_stream_actors_inline = true;
  /// Serve gRPC server reflection (grpcurl, buf curl).
  bool enable_reflection = true;

  /// Record Prometheus metrics (docs/metrics.md). Off: nothing is recorded
  /// and nothing is served on metrics_address.
  bool enable_metrics = true;
  /// Where to serve GET /metrics, HOST:PORT (port 0 picks a free port, see
  /// Engine::metrics_port()); empty: serve nothing (an embedder exposes
  /// metrics_registry() and metrics_collectables() itself).
  std::string metrics_address = "127.0.0.1:9464";
  /// The registry the engine records into; null: one of its own. Whatever
  /// else an embedder registers here is served beside the engine's series.
  std::shared_ptr<prometheus::Registry> metrics_registry;
};

/// The engine's own counters, for tests, the admin view and metrics.
struct EngineStats {
  int64_t streams_started = 0;
  int64_t streams_finished = 0;
  int64_t streams_active = 0;
  int64_t messages_received = 0;
  int64_t messages_sent = 0;
  /// Responses carrying an error (bad input, model errors) instead of a result.
  int64_t error_responses = 0;
  int64_t sessions_cancelled = 0;
  /// The largest outbound window occupancy any stream reached.
  int64_t outbound_window_peak = 0;
  /// The largest number of requests any stream had in flight toward its model.
  int64_t credits_in_use_peak = 0;
  /// Stream actors and sessions (session actors, and the sessions inline models'
  /// stream actors run) still alive (0 after a clean shutdown).
  int64_t stream_actors_alive = 0;
  int64_t session_actors_alive = 0;
  /// Resumable sessions: calls lost with the session held, resumed, evicted
  /// unresumed, and requests skipped as replays of ones already run.
  int64_t sessions_detached = 0;
  int64_t sessions_resumed = 0;
  int64_t sessions_evicted = 0;
  int64_t requests_deduplicated = 0;
  /// Resumable sessions open or held now.
  int64_t resumable_sessions = 0;
};

class EngineImpl;

/// A Sluice engine: a gRPC server whose every stream is an actor.
///
/// Ownership: the embedder owns it; destroying a started engine shuts it down
/// with no drain time.
/// Threads: RegisterModel() before Start(), from one thread. Shutdown(),
/// SetModelServing(), port() and Stats() are thread-safe.
class Engine {
 public:
  /// Validates `options`; INVALID_ARGUMENT names the bad field.
  static absl::StatusOr<std::unique_ptr<Engine>> Create(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Adds a model. ALREADY_EXISTS for a duplicate name and version,
  /// FAILED_PRECONDITION after Start() (use ReplaceModels() then).
  absl::Status RegisterModel(ModelSpec spec);

  /// Serves exactly `models` from now on, before or after Start(). Streams
  /// opened later see the new set (a removed model answers NOT_FOUND); open
  /// streams keep the model they selected until they end. Validated whole:
  /// on error nothing changes. Thread-safe.
  absl::Status ReplaceModels(std::vector<ModelSpec> models);

  /// Marks a served model as taking new streams or not, e.g. when its backend
  /// goes down and comes back. While not serving, a new stream that selects
  /// it is refused with UNAVAILABLE naming the model and `reason`, and its
  /// grpc.health.v1 status (service name = the model name) is NOT_SERVING;
  /// open streams keep running. The setting holds across ReplaceModels() for
  /// as long as the model stays in the list; a model added anew is serving.
  /// @param model a served model name (all its versions).
  /// @param reason what the refusal says (ignored when `serving`).
  /// @return NOT_FOUND, listing the served models, for a model that is not
  ///         served (before Start() none is). Thread-safe.
  absl::Status SetModelServing(const std::string& model, bool serving, std::string reason);

  /// Applies the live fields of `options` (see EngineOptions) while running;
  /// the other fields are ignored (they take a restart). INVALID_ARGUMENT as
  /// Create(), or for a max_payload_bytes above what the gRPC message limit
  /// fixed at Start() carries; then nothing changes. Thread-safe.
  absl::Status UpdateOptions(const EngineOptions& options);

  /// Counts a configuration reload in sluice_config_reloads_total (the
  /// engine does not read config files; its embedder does).
  void CountConfigReload(bool success);

  /// Binds the listener and starts serving. UNAVAILABLE when the address
  /// cannot be bound. From then on gRPC's health service (grpc.health.v1
  /// Check and Watch) reports "", "sluice.v1.Inference" and each served model
  /// name SERVING (see SetModelServing()).
  absl::Status Start();

  /// The bound gRPC port (after Start()).
  int port() const;

  /// The bound metrics port (after Start()); 0 when metrics are not served.
  int metrics_port() const;

  /// The registry the engine records into (null with metrics off).
  std::shared_ptr<prometheus::Registry> metrics_registry() const;

  /// The engine's series kept outside the registry (sharded counters, the
  /// live-stream gauges, process_*): an embedder serving metrics itself
  /// registers these with its prometheus::Exposer beside metrics_registry().
  /// Empty with metrics off. They read the engine's state: unregister them
  /// (or stop the exposer) before destroying the engine.
  std::vector<std::shared_ptr<prometheus::Collectable>> metrics_collectables() const;

  /// Drains and stops: sets every health status NOT_SERVING (health watchers
  /// are told), refuses new streams with UNAVAILABLE, lets streams in flight
  /// finish for up to `drain`, then ends the rest with UNAVAILABLE (both say
  /// the server is draining), stops the gRPC server and the thread pools.
  /// Blocks until done. Idempotent.
  void Shutdown(std::chrono::milliseconds drain);

  /// The options in force (live fields as last updated).
  EngineOptions options() const;

  EngineStats Stats() const;

 private:
  explicit Engine(std::unique_ptr<EngineImpl> impl);
  std::unique_ptr<EngineImpl> impl_;
};

}  // namespace sluice
