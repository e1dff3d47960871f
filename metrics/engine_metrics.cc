// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "metrics/engine_metrics.h"

#include <prometheus/gauge.h>

#include <limits>
#include <utility>

namespace sluice::metrics {
namespace {

constexpr std::array<double, 19> kCallBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
    0.25,   0.5,     1,      2.5,   5,      10,    30,   60,    300};
constexpr std::array<double, 19> kMessageBuckets = {
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025,   0.05,     0.1,     0.25,   0.5,     1,      2.5,   5,      10};

constexpr char kService[] = "sluice.v1.Inference";

struct MethodLabels {
  const char* type;
  const char* method;
};
// Indexed like sluice::RpcKind.
constexpr std::array<MethodLabels, kMethodCount> kMethods = {{
    {"unary", "Infer"},
    {"server_stream", "Generate"},
    {"client_stream", "Ingest"},
    {"bidi_stream", "Stream"},
}};

constexpr std::array<std::string_view, kStatusCodeCount> kCodeNames = {
    "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
    "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
    "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
    "DataLoss", "Unauthenticated"};

prometheus::Labels MethodLabelSet(const MethodLabels& method) {
  return {{"grpc_type", method.type}, {"grpc_service", kService}, {"grpc_method", method.method}};
}

prometheus::ClientMetric::Label Label(std::string name, std::string value) {
  return prometheus::ClientMetric::Label{std::move(name), std::move(value)};
}

prometheus::ClientMetric HistogramMetric(const ShardedHistogram& histogram,
                                         std::vector<prometheus::ClientMetric::Label> labels) {
  const ShardedHistogram::Snapshot snapshot = histogram.Read();
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.histogram.sample_count = snapshot.count;
  metric.histogram.sample_sum = snapshot.sum_seconds;
  const auto bounds = histogram.upper_bounds();
  for (size_t i = 0; i < bounds.size(); ++i) {
    metric.histogram.bucket.push_back({snapshot.cumulative_counts[i], bounds[i]});
  }
  metric.histogram.bucket.push_back(
      {snapshot.cumulative_counts.back(), std::numeric_limits<double>::infinity()});
  return metric;
}

}  // namespace

std::span<const double> CallDurationBuckets() { return kCallBuckets; }
std::span<const double> MessageDurationBuckets() { return kMessageBuckets; }

std::string_view EngineMetrics::GrpcCodeName(size_t code) {
  return code < kCodeNames.size() ? kCodeNames[code] : kCodeNames[2];  // Unknown.
}

MethodInstruments::MethodInstruments() : handling_seconds(CallDurationBuckets()) {}

ModelInstruments::ModelInstruments(std::string model_name)
    : name(std::move(model_name)),
      time_to_first_response(CallDurationBuckets()),
      response_gap(MessageDurationBuckets()),
      model_call(MessageDurationBuckets()) {}

EngineMetrics::EngineMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(registry != nullptr ? std::move(registry)
                                    : std::make_shared<prometheus::Registry>()) {
  auto& started = prometheus::BuildCounter()
                      .Name("grpc_server_started_total")
                      .Help("RPCs started on the server.")
                      .Register(*registry_);
  auto& handled = prometheus::BuildCounter()
                      .Name("grpc_server_handled_total")
                      .Help("RPCs completed on the server, by gRPC status code.")
                      .Register(*registry_);
  for (size_t kind = 0; kind < kMethodCount; ++kind) {
    auto instruments = std::make_unique<MethodInstruments>();
    const prometheus::Labels labels = MethodLabelSet(kMethods[kind]);
    instruments->started = &started.Add(labels);
    for (size_t code = 0; code < kStatusCodeCount; ++code) {
      prometheus::Labels with_code = labels;
      with_code.emplace("grpc_code", std::string(kCodeNames[code]));
      instruments->handled[code] = &handled.Add(with_code);
    }
    methods_[kind] = std::move(instruments);
  }

  model_errors_family_ = &prometheus::BuildCounter()
                              .Name("sluice_model_errors_total")
                              .Help(
                                  "Model errors: kind=response, a request answered with an "
                                  "error; kind=fatal, a model that failed its stream.")
                              .Register(*registry_);

  auto& cancelled = prometheus::BuildCounter()
                        .Name("sluice_streams_cancelled_total")
                        .Help("Streams ended before completing, by who ended them.")
                        .Register(*registry_);
  cancelled_ = {&cancelled.Add({{"by", "client"}}), &cancelled.Add({{"by", "deadline"}}),
                &cancelled.Add({{"by", "server"}})};
  auto& rejected = prometheus::BuildCounter()
                       .Name("sluice_requests_rejected_total")
                       .Help(
                           "Requests the engine answered with an error without calling the "
                           "model, by reason.")
                       .Register(*registry_);
  rejected_ = {&rejected.Add({{"reason", "model_mismatch"}}),
               &rejected.Add({{"reason", "payload_too_large"}}),
               &rejected.Add({{"reason", "bad_timestamp"}}),
               &rejected.Add({{"reason", "requests_in_flight"}})};
  auto& admission = prometheus::BuildCounter()
                        .Name("sluice_admission_rejected_total")
                        .Help("Streams refused before they started, by reason.")
                        .Register(*registry_);
  admission_rejected_ = {&admission.Add({{"reason", "draining"}}),
                         &admission.Add({{"reason", "max_concurrent_streams"}}),
                         &admission.Add({{"reason", "max_streams_per_tenant"}}),
                         &admission.Add({{"reason", "model_max_streams"}})};
  auto& reloads = prometheus::BuildCounter()
                      .Name("sluice_config_reloads_total")
                      .Help("Runtime configuration reloads, by result.")
                      .Register(*registry_);
  reload_success_ = &reloads.Add({{"result", "success"}});
  reload_failure_ = &reloads.Add({{"result", "failure"}});
  prometheus::BuildGauge()
      .Name("sluice_build_info")
      .Help("Always 1; the labels say which Sluice is running.")
      .Register(*registry_)
      .Add({{"version", SLUICE_VERSION}})
      .Set(1);
}

EngineMetrics::~EngineMetrics() = default;

std::shared_ptr<ModelInstruments> EngineMetrics::ForModel(std::string_view name) {
  absl::MutexLock lock(&mu_);
  if (auto it = models_.find(name); it != models_.end()) return it->second;
  auto instruments = std::make_shared<ModelInstruments>(std::string(name));
  instruments->error_responses =
      &model_errors_family_->Add({{"model", instruments->name}, {"kind", "response"}});
  instruments->fatal_errors =
      &model_errors_family_->Add({{"model", instruments->name}, {"kind", "fatal"}});
  models_.emplace(instruments->name, instruments);
  return instruments;
}

std::vector<prometheus::MetricFamily> EngineMetrics::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  prometheus::MetricFamily received{"grpc_server_msg_received_total",
                                    "Messages received by the server (requests).",
                                    prometheus::MetricType::Counter,
                                    {}};
  prometheus::MetricFamily sent{"grpc_server_msg_sent_total",
                                "Messages sent by the server (responses).",
                                prometheus::MetricType::Counter,
                                {}};
  prometheus::MetricFamily handling{"grpc_server_handling_seconds",
                                    "Time from an RPC's start to its completion, in seconds.",
                                    prometheus::MetricType::Histogram,
                                    {}};
  for (size_t kind = 0; kind < kMethodCount; ++kind) {
    std::vector<prometheus::ClientMetric::Label> labels = {
        Label("grpc_method", kMethods[kind].method), Label("grpc_service", kService),
        Label("grpc_type", kMethods[kind].type)};
    prometheus::ClientMetric metric;
    metric.label = labels;
    metric.counter.value = static_cast<double>(methods_[kind]->received.Value());
    received.metric.push_back(metric);
    metric.counter.value = static_cast<double>(methods_[kind]->sent.Value());
    sent.metric.push_back(std::move(metric));
    handling.metric.push_back(HistogramMetric(methods_[kind]->handling_seconds, labels));
  }
  families.push_back(std::move(received));
  families.push_back(std::move(sent));
  families.push_back(std::move(handling));

  prometheus::MetricFamily gap{
      "sluice_response_gap_seconds",
      "Time between consecutive responses written on one stream, in seconds.",
      prometheus::MetricType::Histogram,
      {}};
  prometheus::MetricFamily call{"sluice_model_call_seconds",
                                "Duration of one call into the model, in seconds.",
                                prometheus::MetricType::Histogram,
                                {}};
  prometheus::MetricFamily first_response{
      "sluice_time_to_first_response_seconds",
      "Time from a stream's start to its first response written, in seconds.",
      prometheus::MetricType::Histogram,
      {}};
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [name, model] : models_) {
      gap.metric.push_back(HistogramMetric(model->response_gap, {Label("model", name)}));
      call.metric.push_back(HistogramMetric(model->model_call, {Label("model", name)}));
      first_response.metric.push_back(
          HistogramMetric(model->time_to_first_response, {Label("model", name)}));
    }
  }
  families.push_back(std::move(gap));
  families.push_back(std::move(call));
  families.push_back(std::move(first_response));
  return families;
}

}  // namespace sluice::metrics
