// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// The `predict` model driven directly (no gRPC): deterministic scores on
// every kind it serves, and errors that name the bad feature.

#include "engine/models/predict_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/models/demo_models.h"
#include "tests/unit/models/fake_sink.h"

namespace sluice::models::testing {
namespace {

using ::testing::HasSubstr;

v1::InferResponse PredictOnce(PredictModel& model,
                              std::vector<std::pair<std::string, std::string>> features,
                              RpcKind kind = RpcKind::kUnary) {
  auto session = OpenSession(model, MakeContext("predict", kind));
  FakeSink sink;
  EXPECT_EQ(Request(*session, sink, MakeRequest("", std::move(features))).kind(),
            Step::Kind::kDone);
  EXPECT_EQ(sink.responses().size(), 1u);
  return sink.responses().empty() ? v1::InferResponse() : sink.responses()[0];
}

TEST(PredictModelTest, UnaryScoresFeaturesIntoScoreAndLabel) {
  PredictModel model;
  const v1::InferResponse response =
      PredictOnce(model, {{"vdd_mean", "1.02"}, {"idd_mean", "0.37"}, {"temperature", "85"}});
  ASSERT_FALSE(response.has_error());
  double score = -1;
  ASSERT_TRUE(absl::SimpleAtod(Param(response, "score"), &score));
  EXPECT_GT(score, 0.0);
  EXPECT_LT(score, 1.0);
  EXPECT_EQ(Param(response, "label"), score >= 0.5 ? "positive" : "negative");
  EXPECT_EQ(Param(response, "features"), "3");
  EXPECT_EQ(response.payload(), Param(response, "score"));
  EXPECT_EQ(Param(response, "score").size(), 8u);  // "0.dddddd"
}

TEST(PredictModelTest, SameFeaturesSameScoreInAnyOrderAndOnAnyKind) {
  PredictModel model;
  const std::string score =
      Param(PredictOnce(model, {{"a", "1"}, {"b", "-2.5"}, {"c", "3e2"}}), "score");
  EXPECT_EQ(Param(PredictOnce(model, {{"c", "300"}, {"a", "1.0"}, {"b", "-2.50"}}), "score"),
            score);
  EXPECT_EQ(Param(PredictOnce(model, {{"b", "-2.5"}, {"c", "3e2"}, {"a", "1"}},
                              RpcKind::kServerStreaming),
                  "score"),
            score);
  EXPECT_NE(Param(PredictOnce(model, {{"a", "1"}, {"b", "-2.5"}, {"c", "301"}}), "score"), score);
  // The engine's own parameter is not a feature.
  EXPECT_EQ(Param(PredictOnce(model, {{"a", "1"}, {"b", "-2.5"}, {"c", "3e2"}, {"timestamp", "9"}}),
                  "score"),
            score);
}

TEST(PredictModelTest, ZeroFeaturesScoreOneHalf) {
  PredictModel model;
  const v1::InferResponse response = PredictOnce(model, {{"anything", "0"}});
  EXPECT_EQ(Param(response, "score"), "0.500000");
  EXPECT_EQ(Param(response, "label"), "positive");
}

TEST(PredictModelTest, BadFeaturesAreNamed) {
  PredictModel model;
  struct Case {
    std::vector<std::pair<std::string, std::string>> features;
    std::vector<std::string> mentions;
  };
  const std::vector<Case> cases = {
      {{{"age", "abc"}}, {"feature 'age'", "'abc'"}},
      {{{"age", ""}}, {"feature 'age'", "''"}},
      {{{"age", "nan"}}, {"feature 'age'", "'nan'"}},
      {{{"age", "-inf"}}, {"feature 'age'", "'-inf'"}},
      {{{"age", "2e12"}}, {"feature 'age'", "'2e12'"}},
      {{{"ok", "1"}, {"zeta", "x"}, {"beta", "y"}}, {"feature 'beta'", "'y'"}},  // First by name.
      {{}, {"no features"}},
      {{{"timestamp", "3"}}, {"no features"}},
  };
  for (const Case& c : cases) {
    for (RpcKind kind : {RpcKind::kUnary, RpcKind::kServerStreaming, RpcKind::kBidiStreaming}) {
      const v1::InferResponse response = PredictOnce(model, c.features, kind);
      ASSERT_TRUE(response.has_error());
      EXPECT_EQ(response.error().code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
      for (const std::string& mention : c.mentions) {
        EXPECT_THAT(response.error().message(), HasSubstr(mention));
      }
    }
  }
}

TEST(PredictModelTest, BidiPredictsABatchInOrderAndSurvivesBadRequests) {
  PredictModel model;
  auto session = OpenSession(model, MakeContext("predict", RpcKind::kBidiStreaming));
  FakeSink sink;
  for (int i = 0; i < 100; ++i) {
    const auto request = i == 50 ? MakeRequest("", {{"x", "bad"}})
                                 : MakeRequest("", {{"x", absl::StrCat(i)}, {"y", "1"}});
    ASSERT_EQ(Request(*session, sink, request).kind(), Step::Kind::kDone);
  }
  ASSERT_EQ(sink.responses().size(), 100u);
  for (int i = 0; i < 100; ++i) {
    const v1::InferResponse& response = sink.responses()[i];
    EXPECT_EQ(response.has_error(), i == 50) << i;
    if (i == 50) continue;
    EXPECT_EQ(Param(response, "score"),
              Param(PredictOnce(model, {{"x", absl::StrCat(i)}, {"y", "1"}}), "score"));
  }
}

TEST(PredictModelTest, RefusesIngest) {
  PredictModel model;
  auto session = model.NewSession(MakeContext("predict", RpcKind::kClientStreaming));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(session.status().message(), HasSubstr("serves Infer, Generate, Stream, not Ingest"));
}

TEST(PredictModelTest, ComputeTimeIsAModelParameterAndMovesItToTheModelPool) {
  absl::StatusOr<ModelSpec> plain = MakeDemoModel("predict", {});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->execution, Execution::kInline);
  absl::StatusOr<ModelSpec> computing = MakeDemoModel("predict", {{"compute_ms", "2.5"}});
  ASSERT_TRUE(computing.ok()) << computing.status();
  EXPECT_EQ(computing->execution, Execution::kModelPool);

  for (const char* bad : {"-1", "fast", "60001"}) {
    absl::StatusOr<ModelSpec> spec = MakeDemoModel("predict", {{"compute_ms", bad}});
    ASSERT_FALSE(spec.ok()) << bad;
    EXPECT_THAT(spec.status().message(), HasSubstr("parameter compute_ms: must be a number"));
  }
  absl::StatusOr<ModelSpec> unknown = MakeDemoModel("predict", {{"colour", "red"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("parameter colour: not a parameter of kind predict (it takes compute_ms)"));
}

}  // namespace
}  // namespace sluice::models::testing
