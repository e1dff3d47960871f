// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/demo_models.h"

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

#include "engine/models/blob_model.h"
#include "engine/models/echo_model.h"
#include "engine/models/feed_model.h"
#include "engine/models/predict_model.h"
#include "engine/models/sensors_model.h"

namespace sluice::models {

absl::Status RegisterDemoModels(Engine& engine, const TokensModelOptions& tokens) {
  for (const std::string& kind : DemoModelKinds()) {
    std::map<std::string, std::string> parameters;
    if (kind == "tokens") {
      parameters = {{"max_tokens", absl::StrCat(tokens.max_tokens)},
                    {"tokens_per_second", absl::StrCat(tokens.tokens_per_second)}};
    }
    absl::StatusOr<ModelSpec> spec = MakeDemoModel(kind, parameters);
    if (!spec.ok()) return spec.status();
    spec->name = kind;
    spec->version = "1";
    if (absl::Status status = engine.RegisterModel(*std::move(spec)); !status.ok()) return status;
  }
  return absl::OkStatus();
}

const std::set<std::string>& DemoModelKinds() {
  static const std::set<std::string> kinds = {"echo", "echo_pool", "tokens", "sensors",
                                              "blob", "predict",   "feed"};
  return kinds;
}

namespace {

absl::StatusOr<TokensModelOptions> TokensOptions(
    const std::map<std::string, std::string>& parameters) {
  TokensModelOptions options;
  for (const auto& [key, value] : parameters) {
    if (key == "max_tokens") {
      if (!absl::SimpleAtoi(value, &options.max_tokens) || options.max_tokens == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("parameter max_tokens: must be a whole number >= 1, got '", value, "'"));
      }
    } else if (key == "tokens_per_second") {
      if (!absl::SimpleAtod(value, &options.tokens_per_second) ||
          !(options.tokens_per_second >= 0)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "parameter tokens_per_second: must be a number >= 0 (0: unpaced), got '", value, "'"));
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("parameter ", key,
                       ": not a parameter of kind tokens (it takes max_tokens, "
                       "tokens_per_second)"));
    }
  }
  return options;
}

}  // namespace

absl::StatusOr<ModelSpec> MakeDemoModel(std::string_view kind,
                                        const std::map<std::string, std::string>& parameters) {
  const std::string kind_name(kind);
  ModelSpec spec;
  if (kind_name == "tokens") {
    absl::StatusOr<TokensModelOptions> options = TokensOptions(parameters);
    if (!options.ok()) return options.status();
    spec.model = std::make_shared<TokensModel>(*options);
    return spec;
  }
  if (kind_name == "predict" && !parameters.empty()) {
    // compute_ms: the time each prediction stands in for (PredictModel).
    double compute_ms = 0;
    const auto it = parameters.find("compute_ms");
    if (it == parameters.end() || parameters.size() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "parameter ", it == parameters.end() ? parameters.begin()->first : std::next(it)->first,
          ": not a parameter of kind predict (it takes compute_ms)"));
    }
    if (!absl::SimpleAtod(it->second, &compute_ms) || !(compute_ms >= 0) || compute_ms > 60000) {
      return absl::InvalidArgumentError(absl::StrCat(
          "parameter compute_ms: must be a number of milliseconds from 0 to 60000, got '",
          it->second, "'"));
    }
    spec.model = std::make_shared<PredictModel>(
        std::chrono::microseconds(static_cast<int64_t>(compute_ms * 1000)));
    // It blocks for compute_ms: never on the stream pool.
    spec.execution = compute_ms > 0 ? Execution::kModelPool : Execution::kInline;
    return spec;
  }
  if (!DemoModelKinds().contains(kind_name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown model kind '", kind_name, "'; known: ", absl::StrJoin(DemoModelKinds(), ", ")));
  }
  if (!parameters.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("parameter ", parameters.begin()->first,
                                                   ": kind ", kind_name, " takes no parameters"));
  }
  // echo never blocks, so it runs inline, as a platform would run a router or
  // a feature lookup; echo_pool is the same model on the model pool, so the
  // cost of that hop can be measured (docs/benchmarks.md). sensors and
  // predict take microseconds per call and never block; blob builds and
  // hashes a chunk (1 MiB by default) per call, and feed may copy many large
  // items into one call's responses, so they run on the model pool.
  if (kind_name == "echo" || kind_name == "echo_pool") {
    spec.model = std::make_shared<EchoModel>();
    spec.execution = kind_name == "echo" ? Execution::kInline : Execution::kModelPool;
  } else if (kind_name == "sensors") {
    spec.model = std::make_shared<SensorsModel>();
    spec.execution = Execution::kInline;
  } else if (kind_name == "blob") {
    spec.model = std::make_shared<BlobModel>();
  } else if (kind_name == "predict") {
    spec.model = std::make_shared<PredictModel>();
    spec.execution = Execution::kInline;
  } else {
    spec.model = std::make_shared<FeedModel>();
  }
  return spec;
}

}  // namespace sluice::models
