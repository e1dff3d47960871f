// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/demo_models.h"

#include <memory>

#include "engine/models/blob_model.h"
#include "engine/models/echo_model.h"
#include "engine/models/feed_model.h"
#include "engine/models/predict_model.h"
#include "engine/models/sensors_model.h"

namespace sluice::models {

absl::Status RegisterDemoModels(Engine& engine, const TokensModelOptions& tokens) {
  // echo never blocks, so it runs inline, as a platform would run a router or
  // a feature lookup; echo_pool is the same model on the model pool, so the
  // cost of that hop can be measured (docs/benchmarks.md).
  const ModelSpec specs[] = {
      {.name = "echo",
       .version = "1",
       .model = std::make_shared<EchoModel>(),
       .execution = Execution::kInline},
      {.name = "echo_pool", .version = "1", .model = std::make_shared<EchoModel>()},
      {.name = "tokens", .version = "1", .model = std::make_shared<TokensModel>(tokens)},
      // sensors and predict take microseconds per call and never block; blob
      // builds and hashes a chunk (1 MiB by default) per call, and feed may
      // copy many large items into one call's responses, so they run on the
      // model pool.
      {.name = "sensors",
       .version = "1",
       .model = std::make_shared<SensorsModel>(),
       .execution = Execution::kInline},
      {.name = "blob", .version = "1", .model = std::make_shared<BlobModel>()},
      {.name = "predict",
       .version = "1",
       .model = std::make_shared<PredictModel>(),
       .execution = Execution::kInline},
      {.name = "feed", .version = "1", .model = std::make_shared<FeedModel>()},
  };
  for (const ModelSpec& spec : specs) {
    if (absl::Status status = engine.RegisterModel(spec); !status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace sluice::models
