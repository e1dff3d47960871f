// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0

#include "engine/config/defaults.h"

#include "engine/config/internal/schema.h"

namespace sluice::config {

v1::SluiceConfig Defaults() {
  v1::SluiceConfig config;
  // A default_text that does not parse is a schema bug, which
  // defaults_test.cc catches; here it leaves the field at zero.
  (void)internal::FillFieldDefaults(config);

  // The demo set as engine/models/demo_models.cc registers it today; each
  // kind picks its own execution (echo, sensors and predict inline).
  for (const char* name : {"echo", "echo_pool", "tokens", "sensors", "blob", "predict", "feed"}) {
    v1::ModelConfig& model = *config.add_models();
    model = DefaultModel();
    model.set_name(name);
    model.set_kind(name);
    if (model.name() == "tokens") {
      // TokensModelOptions' defaults (sluiced's --tokens_per_second and
      // --max_tokens).
      (*model.mutable_parameters())["tokens_per_second"] = "20";
      (*model.mutable_parameters())["max_tokens"] = "16";
    }
  }
  return config;
}

v1::ModelConfig DefaultModel() {
  v1::ModelConfig model;
  (void)internal::FillFieldDefaults(model);
  return model;
}

}  // namespace sluice::config
