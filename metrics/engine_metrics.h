// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// EngineMetrics: every Prometheus series the engine records while serving,
// resolved once (per method at start, per model at registration) so the
// serving path never looks a series up.

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "metrics/sharded.h"

namespace sluice::metrics {

/// The instrumented gRPC methods, indexed like sluice::RpcKind (unary,
/// server streaming, client streaming, bidi).
inline constexpr size_t kMethodCount = 4;
/// gRPC status codes 0 (OK) .. 16 (UNAUTHENTICATED).
inline constexpr size_t kStatusCodeCount = 17;

/// The series of one gRPC method. Counters that move per message, and the
/// histogram, are sharded (prometheus-cpp's histogram takes a lock per
/// observation); the per-call counters are prometheus-cpp's lock-free ones.
struct MethodInstruments {
  MethodInstruments();

  prometheus::Counter* started = nullptr;
  std::array<prometheus::Counter*, kStatusCodeCount> handled{};
  ShardedHistogram handling_seconds;  // Per call.
  ShardedCounter received;
  ShardedCounter sent;
};

/// The series of one model (by name, every version together).
/// Ownership: shared by EngineMetrics and every registry entry of the model.
struct ModelInstruments {
  explicit ModelInstruments(std::string model_name);

  const std::string name;
  prometheus::Counter* error_responses = nullptr;
  prometheus::Counter* fatal_errors = nullptr;
  ShardedHistogram time_to_first_response;  // Once per stream.
  ShardedHistogram response_gap;            // Per response.
  ShardedHistogram model_call;              // Per model call.
};

/// Who ended a stream early.
enum class CancelledBy { kClient, kDeadline, kServer };
/// Why the engine answered a request itself, with an error.
enum class RejectReason { kModelMismatch, kPayloadTooLarge, kBadTimestamp, kRequestLimit };
/// Why a stream was refused before it started.
enum class AdmissionReason { kDraining, kStreamLimit, kTenantStreamLimit, kModelStreamLimit };

/// The engine's metrics.
///
/// Ownership: owned by the engine (shared with the HTTP exposer, which holds
/// it weakly as a Collectable); everything that records through it must not
/// outlive it, except ModelInstruments, which are shared.
/// Threads: every method is thread-safe. ForModel() takes a lock (it runs
/// when a model is registered); the recording methods take none.
class EngineMetrics final : public prometheus::Collectable {
 public:
  /// Records into `registry`, or into a registry of its own when null.
  explicit EngineMetrics(std::shared_ptr<prometheus::Registry> registry);
  ~EngineMetrics() override;

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

  /// `rpc_kind`: the sluice::RpcKind as an index.
  MethodInstruments& method(size_t rpc_kind) { return *methods_[rpc_kind]; }

  /// The series of model `name`, created on first use.
  std::shared_ptr<ModelInstruments> ForModel(std::string_view name) ABSL_LOCKS_EXCLUDED(mu_);

  void StreamCancelled(CancelledBy by) { cancelled_[static_cast<size_t>(by)]->Increment(); }
  void RequestRejected(RejectReason reason) { rejected_[static_cast<size_t>(reason)]->Increment(); }
  void AdmissionRejected(AdmissionReason reason) {
    admission_rejected_[static_cast<size_t>(reason)]->Increment();
  }
  void ConfigReloaded(bool success) { (success ? reload_success_ : reload_failure_)->Increment(); }

  /// The sharded series (message counts, the handling, first-response, gap
  /// and model-call histograms); the rest live in registry(). Called by the
  /// exposer on each scrape.
  std::vector<prometheus::MetricFamily> Collect() const override ABSL_LOCKS_EXCLUDED(mu_);

  /// How grpc_code values are spelled: go-grpc-prometheus' (Go's
  /// codes.Code.String()), so existing dashboards match. `code` is 0..16.
  static std::string_view GrpcCodeName(size_t code);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* model_errors_family_;
  std::array<std::unique_ptr<MethodInstruments>, kMethodCount> methods_;
  std::array<prometheus::Counter*, 3> cancelled_{};
  std::array<prometheus::Counter*, 4> rejected_{};
  std::array<prometheus::Counter*, 4> admission_rejected_{};
  prometheus::Counter* reload_success_;
  prometheus::Counter* reload_failure_;

  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<ModelInstruments>, std::less<>> models_
      ABSL_GUARDED_BY(mu_);
};

/// Bucket bounds, in seconds. Per-call durations span 100 µs (a unary echo)
/// to minutes (a long generation); per-message ones 10 µs to seconds.
std::span<const double> CallDurationBuckets();
std::span<const double> MessageDurationBuckets();

}  // namespace sluice::metrics
