// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests of ModelRegistry: registration errors and version selection.

#include "actors/model_registry.h"

#include <gtest/gtest.h>

#include "engine/models/echo_model.h"

namespace sluice::actors {
namespace {

ModelSpec Spec(const std::string& name, const std::string& version) {
  return {.name = name, .version = version, .model = std::make_shared<models::EchoModel>()};
}

TEST(ModelRegistryTest, EmptyVersionPicksHighestNumericThenText) {
  ModelRegistry registry;
  // A mix that has no consistent order under "numbers as numbers, else
  // text" (2 < 10 < "1a" < 2); the registry must still sort it.
  for (const char* version : {"2", "10", "1a", "beta", "9"}) {
    ASSERT_TRUE(registry.Add(Spec("m", version)).ok());
  }
  ASSERT_NE(registry.Find("m", ""), nullptr);
  EXPECT_EQ(registry.Find("m", "")->version, "beta");
  ASSERT_TRUE(registry.Add(Spec("n", "9")).ok());
  ASSERT_TRUE(registry.Add(Spec("n", "10")).ok());
  EXPECT_EQ(registry.Find("n", "")->version, "10");
  EXPECT_EQ(registry.Find("m", "1a")->version, "1a");
  EXPECT_EQ(registry.Find("m", "3"), nullptr);
  EXPECT_EQ(registry.Find("missing", ""), nullptr);
}

TEST(ModelRegistryTest, RejectsDuplicatesAndIncompleteSpecs) {
  ModelRegistry registry;
  ASSERT_TRUE(registry.Add(Spec("m", "")).ok());  // Empty version means "1".
  EXPECT_EQ(registry.Add(Spec("m", "1")).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(registry.Add(Spec("", "1")).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Add({.name = "x"}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(registry.Names(), (std::vector<std::string>{"m"}));
}

}  // namespace
}  // namespace sluice::actors
