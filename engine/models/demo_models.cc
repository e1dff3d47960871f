// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/models/demo_models.h"

#include <memory>

#include "engine/models/echo_model.h"

namespace sluice::models {

absl::Status RegisterDemoModels(Engine& engine, const TokensModelOptions& tokens) {
  if (absl::Status status = engine.RegisterModel(
          {.name = "echo", .version = "1", .model = std::make_shared<EchoModel>()});
      !status.ok()) {
    return status;
  }
  return engine.RegisterModel(
      {.name = "tokens", .version = "1", .model = std::make_shared<TokensModel>(tokens)});
}

}  // namespace sluice::models
