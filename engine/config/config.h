// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The runtime configuration library, sluice::config: the schema is
// proto/sluice/config/v1/config.proto; docs/config.md is the operator's guide.
// Include this for everything, or the one header you need.
//
//   auto config = sluice::config::Load({.file_path = "/etc/sluiced.yaml",
//                                       .environment = sluice::config::ProcessEnvironment(),
//                                       .known_model_kinds = {"echo", "tokens"}});
//   if (!config.ok()) { std::cerr << config.status().message() << "\n"; return 1; }
//
// No function throws; all are thread-safe (they share no state).

#pragma once

#include "engine/config/classic_flags.h"  // IWYU pragma: export
#include "engine/config/defaults.h"       // IWYU pragma: export
#include "engine/config/describe.h"       // IWYU pragma: export
#include "engine/config/diff.h"           // IWYU pragma: export
#include "engine/config/field_error.h"    // IWYU pragma: export
#include "engine/config/load.h"           // IWYU pragma: export
#include "engine/config/sources.h"        // IWYU pragma: export
#include "engine/config/to_yaml.h"        // IWYU pragma: export
#include "engine/config/validate.h"       // IWYU pragma: export
